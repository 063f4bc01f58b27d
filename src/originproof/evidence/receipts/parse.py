"""Till receipts → `Receipt`: store and branch, registration number, date/time, items, total.

`parse_receipt` works on OCR lines from any source (a receipt photo, the frames of a video), so it
takes plain `OcrLine`s and a country hint, and opens no file. It reads a receipt the way its layout
is made (shared/ref/document-layouts.md §5): the store name is the header line that looks like a
business name (large, early, a legal form or a registration number under it, not an address, phone
or title); the date is the one printed as the transaction's (labelled, with a time) rather than an
expiry or a validity; the total is the amount labelled as the total, told apart from subtotal, tax,
rounding, tendered and change, and cross-checked as tendered − change when both are printed.
Country facts (registration-number schemes, date order) come from `receipts.countries` (data).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from originproof.evidence.common.ocr import OcrLine
from originproof.evidence.receipts.countries import registration_schemes
from originproof.facts.base import At, Fact
from originproof.facts.documents import Receipt
from originproof.text.countries import country_from_address
from originproof.text.dates import clipped_stamp, find_dates, find_time
from originproof.text.money import COUNTRY_CURRENCY, SYMBOLS, find_amounts
from originproof.text.names import LEGAL_SUFFIXES, fold

CHECKED_TOTAL = "total agrees with tendered − change (or the amount paid)"
SUM_TOTAL = "total agrees with subtotal + tax (+ rounding)"

# ------------------------------------------------------------------ vocabulary (labels, not values)
_SUB = r"(sub\s*[-.]?\s*t[o0]t?a[l1!]|小\s*計|小\s*计|소\s*계|zwischensumme|sous[\s-]*total|subtotale|subtotal)"
TOTAL_RE = re.compile(
    r"(t[o0][tf]a[l1!|]|合\s*計|合\s*计|総\s*計|総\s*額|お\s*買\s*上|お\s*会\s*計|ご\s*請\s*求|ご利用金額|お支払|현\s*계|"
    r"총\s*액|합\s*계|결제\s*금액|받을\s*금액|summe|gesamt|zu\s*zahlen|[àa]\s*payer|montant|totale|importe|"
    r"amount\s*due|balance\s*due|amount\s*payable|nett?\s*amount|grand\s*amt|total\s*amt|amt\s*due|应\s*付|实\s*付)", re.I)
# Labels of the amount really charged, over a plain "total" that a tax table may repeat.
# The amount after every adjustment: beats a total "incl. tax" printed above it.
LAST_RE = re.compile(r"(after|rounded|round(ed)?\s*total|payable|grand|nett?\s*total|to\s*pay|amount\s*due|balance\s*due|"
                     r"お\s*買\s*上|ご\s*請\s*求|결제\s*금액|받을\s*금액|zu\s*zahlen|[àa]\s*payer)", re.I)
FINAL_RE = re.compile(r"(grand|nett?\b|round|payable|due|to\s*pay|お\s*買\s*上|請\s*求|결제|받을|zu\s*zahlen|[àa]\s*payer|"
                      r"incl|inc\.|ttc|総\s*額)", re.I)
NOT_TOTAL_RE = re.compile(
    _SUB + r"|(total\s*(qty|quantity|items?|item\(s\)|pcs|units?|disc|discount|saving|tax|gst|vat|sst|excl)|"
    r"(excl|exclusive|ex\.?)\s*(of\s*)?(gst|tax|vat)|"
    r"(qty|items?)\s*total|点\s*数|\d+\s*点|개\s*수|round(ing)?\s*(adj|adjustment)?\s*[:.]?\s*-?\s*\d?[.,]\d\d\s*$|"
    r"rounding|change|お\s*釣|おつり|釣\s*銭|거스름|rückgeld|rendu|cambio|resto|"
    r"tender|accepted|cash\s*rec|received|お\s*預|預\s*り|받은\s*금액|gegeben|bezahlt|espèces|saving|you\s*saved|points?|ポイント|포인트)", re.I)
TAX_RE = re.compile(r"(\btax\b|\bgst\b|\bsst\b|\bvat\b|mwst|ust\b|\btva\b|\biva\b|消費税|税|부가세|부가가치세)", re.I)
TENDER_RE = re.compile(r"(tender|accepted|cash|received|paid|payment|amount\s*paid|お\s*預|預\s*り|現\s*金|받은\s*금액|현금|"
                       r"gegeben|bar\b|bezahlt|espèces|especes|contanti|efectivo|visa|master|card|credit|クレジット|カード|"
                       r"카드|신용|ec[-\s]?karte|girocard|carte|cb\b|eftpos)", re.I)
TAX_TOTAL_RE = re.compile(r"(total\s*tax|tax\s*total)", re.I)  # words run together by an OCR engine ("TOTALTAX")
CHANGE_RE = re.compile(r"(change|お\s*釣|おつり|釣\s*銭|거스름|rückgeld|zurück|rendu|resto|cambio|balance\b)", re.I)
SKIP_ITEM_RE = re.compile(_SUB + r"|" + TAX_RE.pattern + r"|(change|お釣|釣銭|거스름|cash|現金|현금|card|カード|카드|visa|"
                          r"master|rückgeld|espèces|contanti|tel\b|電話|전화|fax|\d+\s*(点|items?|개)\b(?!\s*[x×@*])|rounding|"
                          r"tender|received|payment|qty\b)", re.I)
GTIN_LINE_RE = re.compile(r"(?:JAN|EAN|GTIN|UPC|barcode|바코드)[^\d]{0,8}(\d{8}|\d{12,14})\b", re.I)
LEAD_GTIN_RE = re.compile(r"^\s*(\d{13}|\d{12}|\d{8})\b")
BRANCH_RE = re.compile(r"(店|점|支店|営業所|store\s*#?\s*\d*|#\s*\d+|filiale|magasin|branch|supercenter|outlet|"
                       r"punto vendita|succursale)", re.I)
# Header lines that are not the store's name.
NOT_NAME_RE = re.compile(
    r"(tax\s*invoice|invoice|receipt|re[cç]eipt|bill\b|cash\s*sale|welcome|thank|tel\b|tel[:.]|phone|fax|e-?mail|"
    r"www\.|http|\.com\b|gst\s*(id|reg|no)|reg(istration)?\s*no|co\.?\s*reg|company\s*no|\babn\b|siret|siren|"
    r"st\.?-?nr|ust-?id|tva\b|date\b|time\b|cashier|counter|table\b|pax\b|order|"
    r"領\s*収|レシート|お買上げ明細|영수증|매출전표|kassenbon|quittung|beleg|ticket|facture|"
    r"登録番号|사업자|대표|전화|住所|電話|tel\s*:)", re.I)
ADDRESS_RE = re.compile(
    r"(\bjalan\b|\bjln\b|\bno\.?\s*\d|\blot\b|\btaman\b|\bstreet\b|\bst\.?\s*$|\broad\b|\brd\b|\bavenue\b|\bave\b|"
    r"\bblvd\b|\bdrive\b|\bdr\b|\blane\b|\bhighway\b|\bsuite\b|\bfloor\b|\bbldg\b|\bbuilding\b|\bplaza\b|\bmall\b|"
    r"\bpersiaran\b|\blorong\b|\bkawasan\b|\bbandar\b|\bselangor\b|\bkuala\b|\bjohor\b|"
    r"stra(ss|ß)e|str\.|platz\b|\bweg\b|\brue\b|\bbd\b|boulevard|\bplace\b|\bavenida\b|\bcalle\b|\bvia\b|"
    r"丁目|番地|[都道府県市区町村]\S*\d|\d+-\d+-\d+|[시구동로길]\s*\d|〒|\b\d{5}\b|\b\d{4}\b\s*$)", re.I)
BUSINESS_RE = re.compile(
    r"(\b(enterprise|enterprises|trading|store|stores|mart|supermarket|hypermarket|market|pharmacy|chemist|"
    r"restaurant|cafe|café|bakery|hardware|stationery|electrical|industries|holdings|international|marketing|"
    r"services|resources|group|shop|drogerie|apotheke|pharmacie|farmacia|supermarché|markt)\b|"
    r"株式会社|㈱|\(株\)|（株）|有限会社|주식회사|\(주\)|㈜|薬局|ドラッグ|スーパー|마트|약국)", re.I)
_LEGAL_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted((re.escape(s) for s in LEGAL_SUFFIXES if len(s) >= 3),
                                                          key=len, reverse=True)) + r")(?![A-Za-z])", re.I)
REGNO_LINE_RE = re.compile(r"^\s*[\[(（]?\s*[A-Z]{0,3}\s*\d[\d\s-]{4,}[-\s]?[A-Z]?\s*[\])）]?\s*$|"
                           r"(co\.?\s*reg|company\s*(reg|no)|reg(istration)?\s*no|gst\s*(id|reg|no)|\babn\b|"
                           r"登録番号|사업자|siret|st\.?-?nr|ust-?id)", re.I)
DATE_LABEL_RE = re.compile(r"(date|datum|日\s*付|日\s*時|날\s*짜|일\s*시|거래\s*일|판매\s*일|tarikh|fecha|data\b|le\s+\d)",
                           re.I)
NOT_DATE_RE = re.compile(r"(exp|expiry|valid|until|due|best\s*before|賞\s*味|有\s*効|期\s*限|유효|만료|gültig|"
                         r"jusqu|mhd|since|est\.|established|birth)", re.I)


_GLUE = [
    # a date glued to its time by an OCR engine that drops spaces: "09/01/20198:01:11PM"
    (re.compile(r"(?<!\d)(\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d\d)(?=\d{1,2}:\d\d)"), r"\1 "),
    (re.compile(r"(?<!\d)((?:19|20)\d\d[/.\-]\d{1,2}[/.\-]\d{1,2})(?=\d{1,2}:\d\d)"), r"\1 "),
    # "RM 65. 20": a space read after the decimal point
    (re.compile(r"(?<=\d)([.,]) (?=\d\d(?!\d))"), r"\1"),
    # "12Mar2018", "DATE:12/03/2018"
    (re.compile(r"(?<=\d)(?=(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\d)", re.I), " "),
    (re.compile(r"(?<=\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))(?=\d{4})", re.I), " "),
]


def _nfkc(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    for pat, rep in _GLUE:
        s = pat.sub(rep, s)
    return s


def _h(l: OcrLine) -> float:
    return max(1.0, l.bbox[3] - l.bbox[1])


def _fact(line: OcrLine, value: Any, file: str | None, conf: float | None = None, start: int = 0,
          end: int | None = None) -> Fact:
    bbox = line.span_bbox(start, len(line.text) if end is None else end)
    return Fact(value=value, confidence=round(min(line.confidence, conf if conf is not None else 1.0), 3),
                at=At(file=file, page=line.page, bbox=[round(v, 1) for v in bbox]))


def _letters(s: str) -> int:
    return sum(1 for ch in s if ch.isalpha())


def _clean_name(s: str) -> str:
    s = _nfkc(s).strip()
    s = re.sub(r"^[\W_]+(?=\w)", "", s)
    s = re.sub(r"\s*[\[(（{][^\])）}]*\d[^\])）}]*\d[^\])）}]*\d[^\])）}]*[\])）}]?[\s\W\w]{0,2}$", "", s)  # registration in brackets
    s = re.sub(r"[\s\W_]+$", "", s.rstrip()) if not re.search(r"[.)）]$", s) else s.rstrip(" :;|,~'\"")
    s = re.sub(r"\s{2,}", " ", s)
    return s.strip(" :;|~'\"`‘’“”")


def _gtin_ok(code: str) -> bool:
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    s = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - s % 10) % 10 == digits[-1]


# ------------------------------------------------------------------ store name
def _no_voicing(s: str) -> str:
    """Kana without their voicing marks (ギ→キ, パ→ハ): OCR drops and adds dakuten on small thermal print."""
    return unicodedata.normalize("NFC", "".join(ch for ch in unicodedata.normalize("NFD", fold(s))
                                                if ch not in "\u3099\u309a"))


def _chain_by_kana(registry: Any, t: str, country: str | None) -> tuple[Any, float]:
    """A chain whose kana name (3+ characters) the line holds once voicing marks are set aside."""
    if registry is None or not re.search(r"[\u3040-\u30ff]", t):
        return None, 0.0
    bare = _no_voicing(t)
    for ch in registry.chains:
        if country and ch.country != country.upper():
            continue
        for n in ch.names:
            nb = _no_voicing(n)
            if len(nb) >= 3 and re.search(r"[\u3040-\u30ff]", n) and nb in bare:
                return ch, 90.0
    return None, 0.0


def _name_score(ls: list[OcrLine], i: int, med_h: float, registry: Any, country: str | None
                ) -> tuple[float, Any, float]:
    l = ls[i]
    t = _nfkc(l.text).strip()
    chain, cscore = (registry.match_chain(t, country) if registry is not None else (None, 0.0))
    if chain is None and registry is not None and len(t) <= 40:
        chain, cscore = registry.match_chain(t)
    if chain is None:
        chain, cscore = _chain_by_kana(registry, t, country)
    if chain is not None:
        return 10.0 + cscore / 100 - 0.1 * i, chain, cscore
    letters = _letters(t)
    if letters < 3 or NOT_NAME_RE.search(t):
        return -9.0, None, 0.0
    body = re.sub(r"\s", "", t)
    digits = sum(ch.isdigit() for ch in body)
    s = 1.0
    if ADDRESS_RE.search(t):
        s -= 2.5
    if digits > 0.3 * len(body):
        s -= 2.0
    if letters < 0.5 * len(body):
        s -= 1.0
    legal = bool(_LEGAL_RE.search(t))
    if legal or BUSINESS_RE.search(t):
        s += 2.0
    nxt = ls[i + 1].text if i + 1 < len(ls) else ""
    if REGNO_LINE_RE.search(_nfkc(nxt)) or re.search(r"[\[(（]\s*[A-Z]{0,3}\d[\d\s-]{4,}", t):
        s += 1.5
    s += min(1.5, 0.8 * (_h(l) / med_h - 1.0)) if med_h else 0.0
    s += 0.8 * l.confidence
    if l.confidence < 0.4:
        s -= 1.5
    if not re.search(r"[A-Z\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", t):  # all lowercase: a handwritten note
        s -= 1.5
    s -= 0.25 * i
    return s, None, 0.0


def _join_next(cur: str, nxt: str, before: bool = False) -> bool:
    """Whether the header line after a store name continues it ("… HARDWARE &" / "ELECTRICAL", "… INTERNATIONAL" /
    "SDN BHD"); with `before`, whether `cur` is the first half of a name whose legal form is `nxt`."""
    n = _nfkc(nxt).strip()
    c = _nfkc(cur).strip()
    if before:
        if not c or NOT_NAME_RE.search(c) or ADDRESS_RE.search(c) or re.search(r"\d", c) or _letters(c) < 3:
            return False
        rest = _LEGAL_RE.sub("", n).strip(" .,(){}")
        return bool(_LEGAL_RE.search(n)) and len(re.sub(r"\W", "", rest)) <= 3 and not _LEGAL_RE.search(c)
    if not n or NOT_NAME_RE.search(n) or ADDRESS_RE.search(n) or re.search(r"\d", n):
        return False
    if re.search(r"(&|\band|-|,)\s*$", c, re.I) or re.match(r"\s*&", n):
        return True
    rest = _LEGAL_RE.sub("", n).strip(" .,(){}")
    return bool(_LEGAL_RE.search(n)) and len(re.sub(r"\W", "", rest)) <= 3 and not _LEGAL_RE.search(c)


def _store(ls: list[OcrLine], head_end: int, registry: Any, country: str | None):
    cand = list(range(min(len(ls), max(1, head_end), 12)))
    if not cand:
        return None, None, (None, 0.0), None
    hs = sorted(_h(ls[i]) for i in cand)
    med_h = hs[len(hs) // 2]
    scored = [(_name_score(ls, i, med_h, registry, country), i) for i in cand]
    (best, chain, cscore), i = max(scored, key=lambda x: x[0][0])
    if best <= -5:
        return None, None, (None, 0.0), None
    name = _clean_name(ls[i].text)
    used = [i]
    if chain is None and i >= 1 and _join_next(_clean_name(ls[i - 1].text), ls[i].text, before=True):
        name = f"{_clean_name(ls[i - 1].text)} {name}".strip()  # "POPULAR BOOK" / "CO. (M) SDN BHD"
        used.insert(0, i - 1)
    elif chain is None and i + 1 < len(ls) and _join_next(_nfkc(ls[i].text).strip(" :;|~'\"`"), ls[i + 1].text):
        if re.search(r"(&|\band)\s*$", _nfkc(ls[i].text).strip(" :;|~'\"`"), re.I):
            name = re.sub(r"\s*$", "", _nfkc(ls[i].text).strip(" :;|~'\"`"))  # keep the "&" that joins them
        name = f"{name} {_clean_name(ls[i + 1].text)}".strip()
        used.append(i + 1)
    if chain is None and len(used) == 1 and i + 1 < len(ls) and REGNO_LINE_RE.search(_nfkc(ls[i + 1].text)):
        # A long business name wraps over the lines right above its registration number: each such line
        # in capitals like it, with no digits and no address or title, is part of the name.
        k = i - 1
        while k >= max(0, i - 2) and _wrapped_part(ls[k].text):
            name = f"{_clean_name(ls[k].text)} {name}".strip()
            used.insert(0, k)
            k -= 1
    conf = min(ls[k].confidence for k in used)
    if chain is None:
        conf = min(conf, 0.5 + 0.1 * best) if best < 4 else conf
    return name, used, (chain, cscore), round(max(0.0, min(1.0, conf)), 3)


def _wrapped_part(text: str) -> bool:
    t = _nfkc(text).strip()
    letters = [ch for ch in t if ch.isalpha()]
    return (len(letters) >= 4 and not re.search(r"\d", t) and not NOT_NAME_RE.search(t) and not ADDRESS_RE.search(t)
            and sum(ch.isupper() for ch in letters) >= 0.9 * len(letters) and len(letters) >= 0.7 * len(re.sub(r"\s", "", t)))


# ------------------------------------------------------------------ registration numbers
def _registration(ls: list[OcrLine], country: str | None) -> tuple[OcrLine, dict, int, int] | None:
    schemes = registration_schemes(country)
    for l in ls:
        t = _nfkc(l.text)
        for sc in schemes:
            m = re.search(sc["pattern"], t, re.I)
            if not m:
                continue
            raw = m.group(m.lastindex or 0) if m.lastindex else m.group(0)
            value = re.sub(r"[\s.]", "", raw)
            ok = _valid(sc.get("validate"), value)
            if ok is False:
                continue
            return l, {"scheme": sc["id"], "value": value, "valid": ok}, m.start(), m.end()
    return None


def _valid(kind: str | None, value: str) -> bool | None:
    if not kind:
        return None
    try:
        if kind == "au.abn":
            from stdnum.au import abn
            return abn.is_valid(value)
        if kind == "fr.siret":
            from stdnum.fr import siret
            return siret.is_valid(value)
        if kind == "fr.siren":
            from stdnum.fr import siren
            return siren.is_valid(value)
        if kind == "de.vat":
            from stdnum.de import vat
            return vat.is_valid(value)
        if kind == "kr.brn":
            from stdnum.kr import brn
            return brn.is_valid(value)
        if kind == "jp.cn":
            from stdnum.jp import cn
            return cn.is_valid(value.lstrip("Tt"))
    except Exception:  # noqa: BLE001 — a scheme python-stdnum lacks is simply not validated
        return None
    return None


# ------------------------------------------------------------------ date
def _dates(ls: list[OcrLine], country: str | None, expect: date | None):
    """(line index, FoundDate, score) of every date, best first."""
    out = []
    for i, l in enumerate(ls):
        t = _nfkc(l.text)
        for d in find_dates(t, country):
            s = d.confidence
            if DATE_LABEL_RE.search(t):
                s += 0.5
            if find_time(t[d.end:]) or find_time(t[:d.start]):
                s += 0.4
            if NOT_DATE_RE.search(t[:d.start]):
                s -= 1.0
            if expect is not None and abs((d.value - expect).days) <= 1:
                s += 1.0
            s -= 0.01 * i
            out.append((i, d, s))
    out.sort(key=lambda x: -x[2])
    return out


def _clipped_date(ls: list[OcrLine], out: Receipt, file: str | None) -> None:
    """No whole date is legible: keep what is left of one whose start the frame or the paper's edge cut
    off, with the time printed after it ("…7.2026 09:14"). It is no date, but the rules may check it
    against the recording's date and clock."""
    for l in ls:
        t = _nfkc(l.text)
        st = clipped_stamp(t)
        if st is None:
            continue
        tm = find_time(t[st[2]:])
        out.date_clipped = _fact(l, st[0], file, l.confidence, st[1], st[2])
        out.time = _fact(l, tm[0], file, l.confidence, st[2] + tm[1], st[2] + tm[2])
        return


# ------------------------------------------------------------------ amounts
def _amounts(text: str, tail: bool = True) -> list[tuple[str, str | None, int, int]]:
    t = _nfkc(text)
    amts = find_amounts(t)
    end = len(t.rstrip(" *.:;|,'\"ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    out = []
    for a in amts:
        raw = t[a[2]:a[3]].strip()
        pricey = a[1] or re.search(r"\d[.,]\d{2}(?!\d)|\d{3,}|\d,\d{3}", raw)
        if not pricey:
            continue
        if re.fullmatch(r"\d{1,2}[:/]\d{2}", raw):
            continue
        if not a[1] and re.fullmatch(r"\d{8,}", raw):  # a GTIN, phone or receipt number, not money
            continue
        if tail and a[3] < end - 3:
            continue
        out.append(a)
    return out


def _dec(s: str | None) -> Decimal | None:
    try:
        return Decimal(s) if s is not None else None
    except InvalidOperation:
        return None


def _cy(l: OcrLine) -> float:
    return (l.bbox[1] + l.bbox[3]) / 2


def _split_amount(ls: list[OcrLine], i: int) -> tuple[list, OcrLine] | None:
    """The amount of label line i when an OCR engine read the label and its amount as two lines: the
    amount-only line beside it on the same printed row (listed just before or after it, whichever sits
    nearer), or, printed under the label, the line after it."""
    best = None
    for j in (i - 1, i + 1):
        if not 0 <= j < len(ls) or re.search(r"[^\W\d_]{3,}", _nfkc(ls[j].text)):
            continue
        amts = _amounts(ls[j].text)
        if not amts:
            continue
        h = max(_h(ls[i]), _h(ls[j]))
        dy = abs(_cy(ls[j]) - _cy(ls[i]))
        if dy <= 0.6 * h or (j == i + 1 and dy <= 1.8 * h):
            if best is None or dy < best[0]:
                best = (dy, amts, ls[j])
    return (best[1], best[2]) if best else None


def _money(ls: list[OcrLine], start: int):
    """Total (line, amount tuple, confidence), subtotal, tendered, change, tax — by label."""
    totals, subs, tenders, changes, taxes = [], [], [], [], []
    for i in range(start, len(ls)):
        l = ls[i]
        t = _nfkc(l.text)
        amts = _amounts(t)
        src = l
        if not amts and re.search(r"[^\W\d_]{2,}", t):
            split = _split_amount(ls, i)
            if split:
                amts, src = split
        if not amts:
            continue
        a = amts[-1]
        if re.search(_SUB, t, re.I):
            subs.append((src, a))
            continue
        if CHANGE_RE.search(t) and not TOTAL_RE.search(t):
            changes.append((src, a))
            continue
        if TOTAL_RE.search(t) and not NOT_TOTAL_RE.search(t):
            tier = 3 if LAST_RE.search(t) else 2 if FINAL_RE.search(t) else 1
            totals.append((src, a, tier, i))
            continue
        if TENDER_RE.search(t) and not TAX_RE.search(t):
            tenders.append((src, a))
        elif (TAX_RE.search(t) or TAX_TOTAL_RE.search(t)) and not re.search(
                r"(incl|inclusive|included|inc\.|summary|code|amount)", t, re.I):
            taxes.append((src, a))  # "GST 6% 3.84", "TOTAL TAX 1.02" (not a tax table's heading or an incl. note)
    return totals, subs, tenders, changes, taxes


ROUND_RE = re.compile(r"round(ing|ed)?\b.*?(-?)\s*(?:RM|\$|€|£)?\s*(-?)\s*(\d*)[.,](\d\d)\s*\W*$", re.I)


def _rounding(ls: list[OcrLine], start: int) -> tuple[int, Decimal] | None:
    """(line index, value) of a rounding adjustment ('Rounding Adj -0.02')."""
    for i in range(start, len(ls)):
        m = ROUND_RE.search(_nfkc(ls[i].text))
        if m and abs(Decimal(f"{m.group(4) or 0}.{m.group(5)}")) < Decimal("0.10"):
            v = Decimal(f"{m.group(4) or 0}.{m.group(5)}")
            return i, (-v if (m.group(2) or m.group(3)) else v)
    return None


def _pick_total(totals, tenders, changes, subs=()):
    paid = None
    if tenders and changes:
        tv, cv = _dec(tenders[0][1][0]), _dec(changes[-1][1][0])
        if tv is not None and cv is not None and abs(tv) >= abs(cv):
            paid = abs(tv) - abs(cv)
    totals = [x for x in totals if (_dec(x[1][0]) or 0) > 0]
    if totals:
        if paid is not None:
            for src, a, _tier, _i in totals:
                if _dec(a[0]) == paid:
                    return src, a, 0.97, True
            for src, a, _tier, _i in totals:  # the total rounded to the coin, or one digit misread
                v = _dec(a[0])
                if v is not None and abs(v - paid) <= Decimal("0.10"):
                    return src, (format(paid, "f"), a[1], a[2], a[3]), 0.85, True
            for src, a in subs:  # nothing to add to the subtotal: it was charged, and the total line misread
                if paid > 0 and _dec(a[0]) == paid:
                    return src, a, 0.85, True
        for src, a in tenders:  # paid exactly (card, or cash without change)
            v = _dec(a[0])
            if v is not None and any(_dec(x[1][0]) == v for x in totals) and not changes:
                return src, next(x[1] for x in totals if _dec(x[1][0]) == v), 0.95, True
        top = max(x[2] for x in totals)
        best = max((x for x in totals if x[2] == top), key=lambda x: (_dec(x[1][0]) or Decimal(0), -x[3]))
        return best[0], best[1], 0.9 if top >= 2 else 0.85, False
    if paid is not None and paid > 0:
        src = tenders[0][0]
        return src, (format(paid, "f"), tenders[0][1][1], 0, len(src.text)), 0.75, True
    return None


def _one_slip(a: Decimal, b: Decimal) -> bool:
    """Two amounts that differ in one printed digit (an OCR slip: 84.00 / 94.00, 67.95 / 67.85, 04.00 / 94.00)."""
    sa, sb = f"{a:.2f}", f"{b:.2f}"
    n = max(len(sa), len(sb))
    sa, sb = sa.rjust(n, "0"), sb.rjust(n, "0")
    return sum(x != y for x, y in zip(sa, sb)) == 1


def _sum_check(tot, subs, taxes, rnd):
    """A total that is one digit from subtotal + tax (+ the rounding adjustment) is that sum misread; the
    receipt's own arithmetic then gives the total. A total equal to the subtotal is left alone (tax
    included in the subtotal), and so is one that several digits part from the sum."""
    src, a, conf, checked = tot
    t, s_ = _dec(a[0]), _dec(subs[0][1][0])
    x = _dec(taxes[0][1][0])
    if t is None or s_ is None or x is None or not (0 < x < s_):
        return tot, False
    want = s_ + x + (rnd[1] if rnd is not None else Decimal(0))
    if t == want:
        return tot, True
    if abs(t - s_) > Decimal("0.10") and _one_slip(t, want):
        return (src, (format(want.normalize(), "f"), a[1], a[2], a[3]), min(conf, 0.8), checked), True
    return tot, False


def _repeated_amount(ls: list[OcrLine], start: int):
    """No total label read at all (a garbled 'TOTAL'): the largest amount printed at least twice below the
    items on lines that are not tendered, change, tax, rounding or quantity lines — a total is printed
    again as the amount paid or the tax table's sum; an item's price repeats only as the total of a
    one-item receipt, where it is the total."""
    seen: dict[Decimal, list] = {}
    for i in range(start, len(ls)):
        t = _nfkc(ls[i].text)
        taxed = TAX_RE.search(t) and not re.search(r"(incl|inclusive|inc\.)", t, re.I)  # "Total (incl. GST)" is a total
        if re.search(r"[^\W\d_]{2,}", t) and (CHANGE_RE.search(t) or TENDER_RE.search(t) or taxed
                                               or NOT_TOTAL_RE.search(t) or re.search(r"disc", t, re.I)):
            continue
        for a in _amounts(t):
            if re.search(r"[@xX×]\s*(RM|\$|€|£)?\s*$", t[:a[2]]):
                continue  # a unit price
            v = _dec(a[0])
            if v is not None and v > 0 and re.search(r"[.,]\d\d$", t[a[2]:a[3]].strip()):
                seen.setdefault(v, []).append((ls[i], a))
    twice = [v for v, xs in seen.items() if len(xs) >= 2]
    if not twice:
        return None
    v = max(twice)
    src, a = seen[v][-1]
    return src, a, 0.6, False


# ------------------------------------------------------------------ the receipt
def parse_receipt(lines: list[OcrLine], country_hint: str | None = None, *, file: str | None = None,
                  registry: Any = None, expect_date: date | None = None) -> Receipt:
    out = Receipt()
    ls = [l for l in lines if l.text.strip() and not re.fullmatch(r"[\s\-=_*.~|:;,'\"`]+", l.text)]
    if not ls:
        return out
    out.text = "\n".join(l.text for l in ls)
    cc = (country_hint or "").upper() or None
    # Date and time.
    dates = _dates(ls, cc, expect_date)
    date_i = None
    if dates:
        i, d, _s = dates[0]
        l = ls[i]
        t = _nfkc(l.text)
        out.date = _fact(l, d.value.isoformat(), file, d.confidence, d.start, d.end)
        tm = find_time(t[d.end:])
        if tm:
            out.time = _fact(l, tm[0], file, 0.95, d.end + tm[1], d.end + tm[2])
        date_i = i
        seen = sorted({x[1].value.isoformat() for x in dates})
        if len(seen) > 1:
            out.dates_seen = seen
    if out.date is None:
        _clipped_date(ls, out, file)
    if out.time is None:
        for l in ls:
            tm = find_time(_nfkc(l.text))
            if tm and not find_amounts(_nfkc(l.text)[:tm[1]]) and not find_dates(_nfkc(l.text)):
                out.time = _fact(l, tm[0], file, 0.9, tm[1], tm[2])
                break
    # Where the header ends: the first item, total or date line.
    head_end = len(ls)
    for i, l in enumerate(ls):
        t = _nfkc(l.text)
        if i >= 1 and (TOTAL_RE.search(t) or (_amounts(t) and _letters(t) >= 3 and not REGNO_LINE_RE.search(t)
                                             and not ADDRESS_RE.search(t) and not NOT_NAME_RE.search(t))):
            head_end = i
            break
    if date_i is not None and date_i >= 2:
        head_end = min(head_end, date_i)
    head_end = max(head_end, 1)
    # Store, branch, address, country.
    name, used, (chain, cscore), nconf = _store(ls, head_end, registry, cc) if ls else (None, None, (None, 0), None)
    if name:
        l0 = ls[used[0]]
        out.store_name = Fact(value=name, confidence=nconf,
                              at=At(file=file, page=l0.page, bbox=[round(v, 1) for v in (
                                  min(ls[k].bbox[0] for k in used), min(ls[k].bbox[1] for k in used),
                                  max(ls[k].bbox[2] for k in used), max(ls[k].bbox[3] for k in used))]))
        if chain is not None:
            out.chain_id = _fact(l0, chain.id, file, cscore / 100)
    country = None
    after = (used[-1] + 1) if used else 0
    for i in range(after, min(len(ls), max(head_end, after + 1) + 2)):
        l = ls[i]
        c, conf = country_from_address(l.text, cc)
        if c and (re.search(r"\d", l.text) or conf >= 0.9) and not REGNO_LINE_RE.search(_nfkc(l.text)):
            out.address = _fact(l, l.text.strip(), file)
            out.country = _fact(l, c, file, conf)
            country = c
            break
    if used:
        for i in range(after, min(len(ls), after + 2)):
            t = _nfkc(ls[i].text).strip()
            if find_dates(t) or REGNO_LINE_RE.search(t) or NOT_NAME_RE.search(t):
                continue
            if out.address is not None and ls[i] is _line_of(out.address, ls):
                continue
            if BRANCH_RE.search(t) or (i == after and not ADDRESS_RE.search(t) and not re.search(r"\d", t)
                                       and 2 <= _letters(t) and len(t.split()) <= 4):
                out.branch = _fact(ls[i], _clean_name(t), file, 0.9 if BRANCH_RE.search(t) else 0.7)
                break
    reg = _registration(ls, country or cc)
    if reg is not None:
        l, val, a, b = reg
        out.registration = _fact(l, val, file, 0.95 if val.get("valid") else 0.8, a, b)
    # Money.
    body_from = max(head_end, (date_i + 1) if date_i is not None and date_i < head_end else 0)
    totals, subs, tenders, changes, taxes = _money(ls, min(body_from, len(ls) - 1) if body_from else 0)
    tot = _pick_total(totals, tenders, changes, subs)
    rnd = _rounding(ls, min(body_from, len(ls) - 1) if body_from else 0)
    if tot is not None and rnd is not None and rnd[1] != 0 and not tot[3]:
        # A printed total, then a rounding adjustment: the amount charged is the total rounded, when the
        # receipt prints that sum on a later line.
        want = (_dec(tot[1][0]) or Decimal(0)) + rnd[1]
        for j in range(rnd[0], len(ls)):
            for a in _amounts(ls[j].text):
                if _dec(a[0]) == want:
                    tot = (ls[j], a, 0.9, True)
                    break
            else:
                continue
            break
    arith = False
    # The subtotal + tax check may correct a total that nothing else confirms, or one "confirmed" only by
    # cash tendered with no change (the same amount printed twice, misread alike).
    exact_cash = not changes or (_dec(changes[-1][1][0]) or Decimal(0)) == 0
    if tot is not None and (not tot[3] or exact_cash) and subs and taxes:
        tot, arith = _sum_check(tot, subs, taxes, rnd)
    if tot is None:
        tot = _repeated_amount(ls, min(body_from, len(ls) - 1) if body_from else 0)
    cur = None
    if tot is not None:
        src, a, conf, checked = tot
        out.total = _fact(src, a[0], file, conf, a[2], a[3])
        if checked:
            out.notes.append(CHECKED_TOTAL)
        if arith:
            out.notes.append(SUM_TOTAL)
        cur = a[1]
    if subs:
        out.subtotal = _fact(subs[0][0], subs[0][1][0], file, 0.9, subs[0][1][2], subs[0][1][3])
    if tenders:
        out.tendered = _fact(tenders[0][0], tenders[0][1][0], file, 0.9, tenders[0][1][2], tenders[0][1][3])
    if changes:
        out.change = _fact(changes[-1][0], changes[-1][1][0], file, 0.9, changes[-1][1][2], changes[-1][1][3])
    # Items.
    stop = min([x[3] for x in totals] + [len(ls)])
    for s in subs:
        stop = min(stop, ls.index(s[0]))
    items, item_lines = [], []
    prev_text: OcrLine | None = None
    for l in ls[body_from:stop]:
        t = _nfkc(l.text)
        g = GTIN_LINE_RE.search(t) or LEAD_GTIN_RE.search(t)
        if g and _gtin_ok(g.group(1)):
            code = g.group(1)
            if items and "gtin" not in items[-1] and not (prev_text is not None and not _amounts(t)):
                items[-1]["gtin"] = code
                if not _amounts(t):
                    continue
            elif prev_text is not None and _amounts(t):
                a = _amounts(t)[-1]
                cur = cur or a[1]
                qm = re.search(r"(\d+)\s*[@x×*]", t[g.end():])
                items.append({"name": _nfkc(prev_text.text).strip(), "quantity": int(qm.group(1)) if qm else 1,
                              "amount": a[0], "gtin": code})
                item_lines += [prev_text, l]
                prev_text = None
                continue
            elif items and "gtin" not in items[-1]:
                items[-1]["gtin"] = code
                continue
        amts = _amounts(t)
        if not amts or SKIP_ITEM_RE.search(t):
            if not amts and not SKIP_ITEM_RE.search(t) and re.search(r"[^\W\d_]{2,}", t):
                prev_text = l
            continue
        a = amts[-1]
        cur = cur or a[1]
        nm = t[:a[2]].strip(" .:")
        qty = 1
        qm = re.match(r"^\s*(\d+)\s*[x×@*]\s*", nm)
        if qm:
            qty = int(qm.group(1))
            nm = nm[qm.end():].strip()
        if (not nm or not re.search(r"[^\W\d_]{2,}", nm)) and prev_text is not None:
            qm2 = re.match(r"^\s*(\d+)\s*(点|個|개)?\s*[x×@*]", t)
            if qm2:
                qty = int(qm2.group(1))
            nm = _nfkc(prev_text.text).strip()
            item_lines.append(prev_text)
        if not nm:
            continue
        items.append({"name": nm, "quantity": qty, "amount": a[0]})
        item_lines.append(l)
        prev_text = None
    if items:
        out.items = Fact(value=items, confidence=round(min(l.confidence for l in item_lines), 3),
                         at=At(file=file, page=item_lines[0].page, bbox=[
                             round(min(l.bbox[0] for l in item_lines), 1), round(min(l.bbox[1] for l in item_lines), 1),
                             round(max(l.bbox[2] for l in item_lines), 1), round(max(l.bbox[3] for l in item_lines), 1)]))
    if out.total is None and len(items) == 1:
        out.total = Fact(value=items[0]["amount"], confidence=0.6, at=out.items.at)
    local = COUNTRY_CURRENCY.get((country or cc or "").upper())
    if cur == "USD" and local and local != "USD" and local in {"AUD", "CAD", "NZD", "SGD", "HKD", "TWD"}:
        cur = local  # "$" is the local dollar outside the US
    if cur == "JPY" and local and local != "JPY":  # "\\" is a yen sign only in Japanese fonts
        cur = None
    ccy = cur or local
    if ccy:
        anchor = out.total or out.items
        out.currency = Fact(value=ccy, confidence=0.95 if cur else 0.7, at=anchor.at if anchor else None)
    return out


def _line_of(f: Fact, lines: list[OcrLine]) -> OcrLine | None:
    for l in lines:
        if f.at and f.at.bbox and abs(l.bbox[1] - f.at.bbox[1]) < 1 and l.page == f.at.page:
            return l
    return None


__all__ = ["parse_receipt", "OcrLine", "SYMBOLS"]
