"""Reading helpers shared by every reader: OCR engines and the printed-caption lexicon. Pure text helpers
(names, dates, money, identifiers, countries) live in originproof.text, shared with the rules."""
