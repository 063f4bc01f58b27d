"""Field-reading helpers shared by every reader (dates, money, names, identifiers, OCR)."""
