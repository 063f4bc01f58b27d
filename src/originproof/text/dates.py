"""Dates as printed on documents and receipts, in every common format, to ISO dates.

Numeric day/month order follows the country (US month-first, most others day-first); Japanese
era dates (令和/平成), CJK 年月日 and Korean 년 월 일 forms, compact 20260502, and month names in
English, German, French, Italian and Spanish are understood.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTH_FIRST = {"US", "PH", "FM", "PW", "MH"}
YEAR_FIRST = {"JP", "KR", "CN", "TW", "HU", "LT", "MN", "IR"}

ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}

MONTHS: dict[str, int] = {}
for _i, _names in enumerate([
    "january jan januar janvier gennaio enero janv jänner",
    "february feb februar février fevrier febbraio febrero févr fevr",
    "march mar märz maerz mars marzo mrz",
    "april apr avril aprile abril avr",
    "may mai maggio mayo",
    "june jun juni juin giugno junio",
    "july jul juli juillet luglio julio juil",
    "august aug août aout agosto ago",
    "september sep sept septembre settembre septiembre set",
    "october oct oktober octobre ottobre octubre okt ott",
    "november nov novembre noviembre",
    "december dec dezember décembre decembre dicembre diciembre dez déc dic",
], 1):
    for _n in _names.split():
        MONTHS[_n] = _i

# OCR splits a word where the first letter is kerned away from the rest ("A pril 26, 2026"): a month
# name of four letters or more may carry one space after its first letter.
_MONTH_RE = "|".join(re.escape(n[0]) + r"\s?" + re.escape(n[1:]) if len(n) >= 4 else re.escape(n)
                     for n in sorted(MONTHS, key=len, reverse=True))


def _month(name: str) -> int:
    return MONTHS[re.sub(r"\s", "", name).lower()]


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int
    confidence: float  # lower when the day/month order had to be assumed


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        if 1900 <= y <= 2100:
            return date(y, m, d)
    except ValueError:
        return None
    return None


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("era", re.compile(r"(令和|平成|昭和|(?<![A-Za-z])[RHS])\s*(元|\d{1,2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")),
    ("ymd_cjk", re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")),
    # One separator throughout: "08/10/2024 - 08/10/2029" must not read as 2024-08-10.
    ("ymd", re.compile(r"(?<!\d)(\d{4})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?!\d)")),
    ("compact", re.compile(r"(?<![\d])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])")),
    ("dmy_name", re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er)?\.?\s+(" + _MONTH_RE + r")\.?,?\s+(\d{4})", re.I)),
    ("mdy_name", re.compile(r"(?<![A-Za-z])(" + _MONTH_RE + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)),
    ("num", re.compile(r"(?<![\d])(\d{1,2})\s*([./\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d])")),
]


def find_dates(text: str, country: str | None = None) -> list[FoundDate]:
    """Every date in `text`, left to right (overlapping matches resolved by first pattern)."""
    out: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    c = (country or "").upper()
    for kind, pat in _PATTERNS:
        for m in pat.finditer(text):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue
            d, conf = None, 0.99
            g = m.groups()
            if kind == "era":
                n = 1 if g[1] == "元" else int(g[1])
                d = _mk(ERAS[g[0]] + n, int(g[2]), int(g[3]))
            elif kind == "ymd":
                d = _mk(int(g[0]), int(g[2]), int(g[3]))
            elif kind in ("ymd_cjk", "compact"):
                d = _mk(int(g[0]), int(g[1]), int(g[2]))
                conf = 0.97 if kind == "compact" else 0.99
            elif kind == "dmy_name":
                d = _mk(int(g[2]), _month(g[1]), int(g[0]))
            elif kind == "mdy_name":
                d = _mk(int(g[2]), _month(g[0]), int(g[1]))
            elif kind == "num":
                a, b, y = int(g[0]), int(g[2]), int(g[3])
                if y < 100:
                    y += 2000
                if a > 12 and b <= 12:
                    d = _mk(y, b, a)
                elif b > 12 and a <= 12:
                    d = _mk(y, a, b)
                elif c in MONTH_FIRST:
                    d, conf = _mk(y, a, b), 0.9
                else:
                    d, conf = _mk(y, b, a), (0.9 if c else 0.75)
                if a == b:
                    conf = 0.99
            if d is not None:
                out.append(FoundDate(d, m.start(), m.end(), conf))
                taken.append((m.start(), m.end()))
    out.sort(key=lambda f: f.start)
    return out


def parse_date(text: str, country: str | None = None) -> date | None:
    found = find_dates(text or "", country)
    return found[0].value if found else None


_TIME_RE = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:：時시h]\s*([0-5]\d)(?:\s*[:：分분m]\s*([0-5]\d))?")


def find_time(text: str) -> tuple[str, int, int] | None:
    m = _TIME_RE.search(text or "")
    if not m:
        return None
    hh, mm = int(m.group(1)), int(m.group(2))
    return f"{hh:02d}:{mm:02d}", m.start(), m.end()


# ------------------------------------------------------------------ a date with its start cut off
# A receipt filmed close up, or a photo cropped at the paper's edge, often shows only the end of its
# date line: "…7.2026 09:14". What is left is the *end* of the date as the country writes it, followed
# by the time. It cannot be read as a date, but it can be checked against one: whether it is how that
# day ends when written in the country's ways.
CLIPPED_STAMP_RE = re.compile(r"^[^\w]*(?P<frag>\d[\d./\-年月]*\d|\d)\s*(?=(?:[01]?\d|2[0-3])\s*[:：]\s*[0-5]\d)")


def clipped_stamp(text: str) -> tuple[str, int, int] | None:
    """(the date's visible end, start, end) of a line that begins with what is left of a date and then its
    time ("7.2026 09:14 Bon 207", ".2026 09:14"); None when the line does not begin that way or shows
    fewer than three of the date's digits."""
    m = CLIPPED_STAMP_RE.match(text or "")
    if not m or sum(ch.isdigit() for ch in m.group("frag")) < 3:
        return None
    return m.group("frag"), m.start("frag"), m.end("frag")


def written_ways(day: date, country: str | None = None) -> list[str]:
    """How receipts of the country print `day` in figures: its order, with and without leading zeros,
    with each common separator, with four- and two-digit years."""
    c = (country or "").upper()
    y4, y2 = f"{day.year:04d}", f"{day.year % 100:02d}"
    ms, ds = {f"{day.month:02d}", str(day.month)}, {f"{day.day:02d}", str(day.day)}
    out: list[str] = []
    for y in (y4, y2):
        for m in ms:
            for d in ds:
                for sep in ".-/":
                    if c in YEAR_FIRST:
                        out.append(f"{y}{sep}{m}{sep}{d}")
                    elif c in MONTH_FIRST:
                        out.append(f"{m}{sep}{d}{sep}{y}")
                    else:
                        out.append(f"{d}{sep}{m}{sep}{y}")
                if c in YEAR_FIRST:
                    out.append(f"{y}年{m}月{d}")
    return out


def clipped_fits(fragment: str, day: date, country: str | None = None) -> bool:
    """Whether `fragment`, what is left of a printed date whose start was cut off, is the end of `day`
    written in one of the country's ways."""
    f = re.sub(r"\s", "", fragment or "").rstrip("日일")
    return bool(f) and any(w.endswith(f) for w in written_ways(day, country))

