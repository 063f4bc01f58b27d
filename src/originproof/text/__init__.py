"""Pure text helpers that readers AND rules share: entity names across scripts and legal suffixes,
dates by country, money, identifiers, countries. No file, no OCR, no I/O: evidence/ reads files,
rules/ judges facts, and both import from here."""
