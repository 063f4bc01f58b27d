"""Document readers: text layer or OCR, type recognition from content, one field reader per type."""
from __future__ import annotations

from originproof.evidence.documents.reader import read_document
from originproof.evidence.readers import register_reader

READER_VERSION = "2.4.0"  # 2.x: layout-aware reader; 2.2: receipt photos by the receipt reader; 2.3: photo sharpening, PP-OCR words at ink gaps; 2.4: value confidence from its own words, doubtful values read again by the other engine

register_reader("document", "documents", READER_VERSION)(read_document)

__all__ = ["read_document", "READER_VERSION"]
