"""Money as printed on receipts: amounts to decimal strings, symbols to ISO 4217."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SYMBOLS = {"\\": "JPY", "¥": "JPY", "円": "JPY", "￥": "JPY", "₩": "KRW", "원": "KRW", "€": "EUR", "£": "GBP",
           "A$": "AUD", "AU$": "AUD", "US$": "USD", "$": "USD", "CHF": "CHF", "EUR": "EUR", "USD": "USD",
           "AUD": "AUD", "JPY": "JPY", "KRW": "KRW", "GBP": "GBP", "CNY": "CNY", "RMB": "CNY", "NZD": "NZD",
           "CAD": "CAD", "SGD": "SGD", "THB": "THB", "฿": "THB"}
COUNTRY_CURRENCY = {"JP": "JPY", "KR": "KRW", "US": "USD", "DE": "EUR", "FR": "EUR", "IT": "EUR", "ES": "EUR",
                    "NL": "EUR", "AT": "EUR", "BE": "EUR", "AU": "AUD", "GB": "GBP", "CH": "CHF", "NZ": "NZD",
                    "CA": "CAD", "SG": "SGD", "TH": "THB", "CN": "CNY"}
ZERO_DECIMAL = {"JPY", "KRW"}
_SYM_RE = "|".join(sorted(map(re.escape, SYMBOLS), key=len, reverse=True))
AMOUNT_RE = re.compile(r"(?P<pre>" + _SYM_RE + r")?\s*(?P<num>-?\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|-?\d+(?:[.,]\d{1,2})?)\s*(?P<post>" + _SYM_RE + r")?")


def parse_amount(text: str, currency: str | None = None) -> str | None:
    """'1.234,56' / '1,234.56' / '1 280' → '1234.56' / '1280'."""
    t = (text or "").replace(" ", " ").strip()
    if not t:
        return None
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d{1,2})?", t):  # 1.234,56
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d{1,2})?", t):  # 1,234.56
        t = t.replace(",", "")
    elif re.fullmatch(r"-?\d{1,3}(\s\d{3})+([.,]\d{1,2})?", t):
        t = t.replace(" ", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+,\d{1,2}", t):
        t = t.replace(",", ".")
    elif currency in ZERO_DECIMAL and re.fullmatch(r"-?\d{1,3},\d{3}", t):
        t = t.replace(",", "")
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")


def find_amounts(text: str) -> list[tuple[str, str | None, int, int]]:
    """(amount, currency-from-symbol, start, end) for each amount in text."""
    out = []
    for m in AMOUNT_RE.finditer(text or ""):
        sym = m.group("pre") or m.group("post")
        cur = SYMBOLS.get(sym) if sym else None
        amt = parse_amount(m.group("num"), cur)
        if amt is not None:
            out.append((amt, cur, m.start(), m.end()))
    return out
