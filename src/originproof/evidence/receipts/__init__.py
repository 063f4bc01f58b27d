"""Till receipts, read for what they are: store and branch, registration numbers, date/time in the
country's formats, items, total told apart from subtotal / tendered / change.

One reader serves receipt photos (the documents reader hands its OCR lines to `parse_receipt`) and
the receipt frames of store-visit videos, and `read_receipt_file(path, country)` reads a receipt photo
or scan end to end (`read_receipt_image` the same from a grey image already loaded; used by `originproof
bench receipts`). `agree` joins two readings of one receipt (photo and video) field by field."""
from originproof.evidence.common.ocr import OcrLine
from originproof.evidence.receipts.parse import SYMBOLS, parse_receipt
from originproof.evidence.receipts.image import read_receipt_file, read_receipt_image, receipt_lines_from_image

__all__ = ["parse_receipt", "read_receipt_file", "read_receipt_image", "receipt_lines_from_image", "OcrLine", "SYMBOLS"]
