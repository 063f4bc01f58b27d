"""Identifiers printed on documents: recognise, normalise and validate.

python-stdnum where it has the scheme; our own code where it has gaps (USCC with a letter
registration-authority code, the KR business-registration check digit, the 18-digit customs
declaration number). `validate(scheme, value)` answers True / False, or None when the scheme has
no check we can run (a format-only number is not 'valid', it is 'not checkable').
"""
from __future__ import annotations

import re
from dataclasses import dataclass

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY][0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY])(?![0-9A-Z])")
CUSTOMS_NO_RE = re.compile(r"(?<!\d)(\d{18})(?!\d)")


def compact(value: str) -> str:
    return re.sub(r"[\s\-./]", "", (value or "")).upper()


def uscc_valid(value: str) -> bool:
    """GB 32100-2015: letters allowed in the first position (authority code) and the org code."""
    v = compact(value)
    if len(v) != 18 or any(c not in USCC_CHARS for c in v):
        return False
    if v[0] not in "123456789ANY" or not v[2:8].isdigit():
        return False
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(v[:17], USCC_WEIGHTS))
    return USCC_CHARS[(31 - s % 31) % 31] == v[17]


def kr_brn_valid(value: str) -> bool:
    v = compact(value)
    if not re.fullmatch(r"\d{10}", v):
        return False
    d = [int(c) for c in v]
    w = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    s = sum(a * b for a, b in zip(d, w)) + (d[8] * 5) // 10
    return (10 - s % 10) % 10 == d[9]


def jp_cn_valid(value: str) -> bool:
    from stdnum.jp import cn
    return bool(cn.is_valid(compact(value)))


def gtin_valid(value: str) -> bool:
    from stdnum import ean
    v = compact(value)
    return len(v) in (8, 12, 13, 14) and bool(ean.is_valid(v))


def customs_number_ok(value: str) -> tuple[bool, str]:
    """报关单 海关编号: office 4, year 4, import flag 1, sequence 9. Returns (ok, reason)."""
    v = compact(value)
    if not re.fullmatch(r"\d{18}", v):
        return False, "not 18 digits"
    year = int(v[4:8])
    if not 2000 <= year <= 2100:
        return False, f"year part {v[4:8]} is not a year"
    if v[8] != "1":
        return False, "the import/export flag (9th digit) is not 1 (import)"
    return True, ""


def _stdnum(modname: str, value: str) -> bool:
    import importlib
    mod = importlib.import_module(f"stdnum.{modname}")
    return bool(mod.is_valid(value))


# scheme id -> checker; None means "format only, no check digit"
CHECKERS = {
    "cn_uscc": uscc_valid,
    "jp_corporate_number": jp_cn_valid,
    "kr_brn": kr_brn_valid,
    "au_abn": lambda v: _stdnum("au.abn", v),
    "au_acn": lambda v: _stdnum("au.acn", v),
    "de_vat": lambda v: _stdnum("de.vat", v),
    "eu_vat": lambda v: _stdnum("eu.vat", v),
    "fr_siren": lambda v: _stdnum("fr.siren", v),
    "fr_siret": lambda v: _stdnum("fr.siret", v),
    "it_iva": lambda v: _stdnum("it.iva", v),
    "gb_vat": lambda v: _stdnum("gb.vat", v),
    "gtin": gtin_valid,
    "customs_declaration_number": lambda v: customs_number_ok(v)[0],
}

# Which registration-number scheme a company of this country most likely prints.
COMPANY_SCHEMES = {"JP": "jp_corporate_number", "KR": "kr_brn", "AU": "au_abn", "CN": "cn_uscc"}


def validate(scheme: str, value: str) -> bool | None:
    fn = CHECKERS.get(scheme)
    if fn is None:
        return None
    try:
        return bool(fn(value))
    except Exception:  # noqa: BLE001 — a malformed value is simply invalid
        return False


@dataclass(frozen=True)
class IdGuess:
    scheme: str
    value: str


def guess_company_scheme(value: str, country: str | None) -> str | None:
    """The scheme a printed company number belongs to, from its shape and the country."""
    v = compact(value)
    c = (country or "").upper()
    if c == "JP" and re.fullmatch(r"\d{13}", v):
        return "jp_corporate_number"
    if c == "KR" and re.fullmatch(r"\d{10}", v):
        return "kr_brn"
    if c == "AU" and re.fullmatch(r"\d{11}", v):
        return "au_abn"
    if c == "AU" and re.fullmatch(r"\d{9}", v):
        return "au_acn"
    if re.fullmatch(r"DE\d{9}", v):
        return "de_vat"
    if re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", v):
        return "eu_vat"
    if c == "FR" and re.fullmatch(r"\d{9}", v):
        return "fr_siren"
    if c == "FR" and re.fullmatch(r"\d{14}", v):
        return "fr_siret"
    if re.fullmatch(r"IT\d{11}", v) or (c == "IT" and re.fullmatch(r"\d{11}", v)):
        return "it_iva"
    if len(v) == 18 and (c == "CN" or USCC_RE.fullmatch(v)):
        return "cn_uscc"
    return None


def find_usccs(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(1), m.start(1), m.end(1)) for m in USCC_RE.finditer((text or "").upper())]


GTIN_RE = re.compile(r"(?<!\d)(\d{13}|\d{8}|\d{12}|\d{14})(?!\d)")


# Characters OCR confuses in printed codes, both ways (a letter read for a digit and back).
OCR_CONFUSABLE = {"0": "OD", "O": "0D", "D": "0O", "1": "IL", "I": "1L", "L": "1I", "2": "Z", "Z": "2",
                  "5": "S", "S": "5", "6": "G", "G": "6", "8": "B", "B": "8", "4": "A", "A": "4"}


def confusable_with(read: str, known: str) -> bool:
    """`read` is `known` with exactly one character read as one OCR confuses it with (6/G, 0/O, 1/I …):
    a code read that way is a suspected misread of a code the dossier states elsewhere."""
    read, known = compact(read or "").upper(), compact(known or "").upper()
    if len(read) != len(known) or read == known:
        return False
    diff = [(r, k) for r, k in zip(read, known) if r != k]
    return len(diff) == 1 and diff[0][1] in OCR_CONFUSABLE.get(diff[0][0], "")
