"""Till receipts are read by `originproof.evidence.receipts` (one reader for receipt photos and the
receipt frames of videos); this name stays for the documents reader's import."""
from originproof.evidence.receipts import OcrLine, SYMBOLS, parse_receipt  # noqa: F401

__all__ = ["parse_receipt", "OcrLine", "SYMBOLS"]
