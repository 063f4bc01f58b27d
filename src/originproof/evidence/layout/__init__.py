"""Page layout from any source (text-layer words, OCR boxes, ruling lines) and the one caption↔value pairing
by geometry that every document type uses."""
