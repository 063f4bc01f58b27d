"""Country names and addresses → ISO 3166-1 alpha-2, in the languages documents use."""
from __future__ import annotations

import re
import unicodedata

import pycountry

# Names as printed on certificates, customs forms (Chinese) and local addresses.
NAMES: dict[str, list[str]] = {
    "JP": ["japan", "日本", "日本国", "nippon", "japon", "giappone", "japón", "일본"],
    "KR": ["republic of korea", "south korea", "korea", "korea, republic of", "大韩民国", "韩国", "韓国", "대한민국", "한국",
           "corée", "corée du sud", "südkorea", "corea del sud"],
    "US": ["united states of america", "united states", "usa", "u.s.a.", "美国", "美國", "アメリカ", "米国", "미국",
           "vereinigte staaten", "états-unis", "etats-unis", "stati uniti"],
    "DE": ["germany", "deutschland", "federal republic of germany", "德国", "ドイツ", "독일", "allemagne", "germania", "alemania"],
    "FR": ["france", "french republic", "法国", "フランス", "프랑스", "frankreich", "francia"],
    "AU": ["australia", "commonwealth of australia", "澳大利亚", "オーストラリア", "호주", "australien", "australie"],
    "GB": ["united kingdom", "great britain", "england", "scotland", "uk", "u.k.", "英国", "イギリス", "영국",
           "vereinigtes königreich", "royaume-uni", "regno unito"],
    "IT": ["italy", "italia", "意大利", "イタリア", "이탈리아", "italien", "italie"],
    "ES": ["spain", "españa", "espana", "西班牙", "スペイン", "spanien", "espagne"],
    "NL": ["netherlands", "the netherlands", "nederland", "holland", "荷兰", "オランダ"],
    "CH": ["switzerland", "schweiz", "suisse", "svizzera", "瑞士", "スイス"],
    "NZ": ["new zealand", "新西兰", "ニュージーランド"],
    "CA": ["canada", "加拿大", "カナダ"],
    "TH": ["thailand", "泰国", "タイ", "ประเทศไทย"],
    "SG": ["singapore", "新加坡", "シンガポール"],
    "CN": ["china", "people's republic of china", "中国", "中华人民共和国", "中國", "中国大陆"],
    "AT": ["austria", "österreich", "奥地利"],
    "BE": ["belgium", "belgique", "belgië", "比利时"],
    "TW": ["taiwan", "台湾", "臺灣"],
    "HK": ["hong kong", "香港"],
    "VN": ["vietnam", "viet nam", "越南"],
    "MY": ["malaysia", "马来西亚"],
    "IN": ["india", "印度"],
}

# Address hints that name no country: prefectures, provinces, states, postcode shapes.
ADDRESS_HINTS: list[tuple[str, re.Pattern[str]]] = [
    ("JP", re.compile(r"(東京都|北海道|大阪府|京都府|[^\s]{1,3}県)[^\s]{0,6}[市区町村郡]")),
    ("JP", re.compile(r"〒?\s?\d{3}-\d{4}")),
    ("KR", re.compile(r"(서울|부산|대구|인천|광주|대전|울산|세종|경기도|강원|충청|전라|경상|제주)[가-힣]*\s")),
    ("KR", re.compile(r"[가-힣]+(시|구|군|읍|면|동|로|길)\s")),
    ("US", re.compile(r"\b(AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\s+\d{5}(-\d{4})?\b")),
    ("AU", re.compile(r"\b(NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+\d{4}\b")),
    ("GB", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b")),
    ("DE", re.compile(r"(straße|strasse|str\.|weg|platz|allee)\s*\d+[a-z]?,?\s+\d{5}\s+\w", re.I)),
    ("FR", re.compile(r"\b\d{1,4}(?:bis|ter)?,?\s+(rue|avenue|boulevard|bd|place|chemin|route|allée|quai)\b.*\b\d{5}\s+\w", re.I)),
    ("IT", re.compile(r"\b(via|viale|piazza|corso)\b.*\b\d{5}\s+\w", re.I)),
]


def _norm(t: str) -> str:
    return unicodedata.normalize("NFKC", t or "").casefold()


_NAME_RE = [(c, re.compile(r"(?<![a-z])" + re.escape(n) + r"(?![a-z])" if n.isascii() else re.escape(n)))
            for c, ns in NAMES.items() for n in sorted(ns, key=len, reverse=True)]


def country_from_name(text: str) -> str | None:
    """A country named in `text` (a field value such as 'JAPAN', '日本', 'JP')."""
    t = _norm(text).strip(" .,:;()")
    if not t:
        return None
    if re.fullmatch(r"[a-z]{2}", t):
        c = pycountry.countries.get(alpha_2=t.upper())
        return c.alpha_2 if c else None
    if re.fullmatch(r"[a-z]{3}", t):
        c = pycountry.countries.get(alpha_3=t.upper())
        if c:
            return c.alpha_2
    best: tuple[int, str] | None = None
    for c, rx in _NAME_RE:
        m = rx.search(t)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), c)
    return best[1] if best else None


def country_near_name(text: str) -> str | None:
    """A country whose name is one OCR slip (a letter dropped, added or misread) away from `text`
    ("APAN", "FRANCF"), when exactly one country is that close. Short names are left alone: "IRAN" and
    "IRAQ" are one letter apart. A guess to cross-check, never a confident reading."""
    from rapidfuzz.distance import Levenshtein
    t = _norm(text).strip(" .,:;()|")
    if len(t) < 4 or not re.fullmatch(r"[a-z][a-z .'-]*", t):
        return None
    near = {c for c, ns in NAMES.items() for n in ns
            if n.isascii() and len(n) >= 5 and Levenshtein.distance(t, n, score_cutoff=1) <= 1}
    return near.pop() if len(near) == 1 else None


def country_from_address(text: str, prior: str | None = None) -> tuple[str | None, float]:
    """Country of an address: an explicit country name wins; else address-shape hints."""
    explicit = None
    tail = _norm(text).rsplit(",", 1)[-1]
    explicit = country_from_name(tail) if tail else None
    if explicit is None:
        # A country name anywhere in the address (not a state abbreviation).
        t = _norm(text)
        for c, rx in _NAME_RE:
            if len(rx.pattern) > 6 and rx.search(t):
                explicit = c
                break
    if explicit:
        return explicit, 0.97
    votes: dict[str, int] = {}
    for c, rx in ADDRESS_HINTS:
        if rx.search(text or ""):
            votes[c] = votes.get(c, 0) + 1
    if not votes:
        # A bare "postcode town" line fits the prior country's shape but proves little.
        if prior and re.search(r"\b\d{4,5}\s+[^\W\d]{3,}", text or ""):
            return prior, 0.8
        return None, 0.0
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if prior and prior in votes:
        return prior, 0.9
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return ranked[0][0], 0.6
    return ranked[0][0], 0.85
