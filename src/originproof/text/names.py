"""Entity and brand names: normalise across scripts, widths and legal suffixes before matching."""
from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Legal-form words in the languages we meet; removed before comparing legal entities, because
# "Kracie Home Products, Ltd." and "クラシエホームプロダクツ株式会社" differ mostly by them.
LEGAL_SUFFIXES = [
    "株式会社", "有限会社", "合同会社", "(株)", "㈱", "（株）", "kabushiki kaisha", "kabushikikaisha", "k.k.", "kk",
    "주식회사", "(주)", "㈜", "유한회사",
    "有限公司", "股份有限公司", "有限责任公司", "集团",
    "co., ltd.", "co.,ltd.", "co. ltd.", "co ltd", "company limited", "limited", "ltd.", "ltd", "inc.", "inc",
    "incorporated", "corporation", "corp.", "corp", "llc", "l.l.c.", "plc", "pty ltd", "pty. ltd.", "pty",
    "gmbh & co. kg", "gmbh", "ag", "kg", "ohg", "e.k.", "ug (haftungsbeschränkt)",
    "s.a.s.", "sas", "s.a.", "sa", "sarl", "s.a.r.l.", "s.r.l.", "srl", "s.p.a.", "spa", "s.l.", "sl",
    "b.v.", "bv", "n.v.", "nv", "pte. ltd.", "pte ltd", "sdn bhd", "co.", "company",
]
_SUFFIX_RE = re.compile(
    "|".join(sorted((re.escape(s) for s in LEGAL_SUFFIXES), key=len, reverse=True)), re.IGNORECASE)
_PUNCT_RE = re.compile(r"[\s\-_.,;:'\"’`·・()（）\[\]【】「」&/]+")


def fold(text: str) -> str:
    """NFKC, case-fold, katakana→hiragana-insensitive width folding; whitespace and punctuation dropped."""
    t = unicodedata.normalize("NFKC", text or "").casefold()
    return _PUNCT_RE.sub("", t)


def strip_legal(name: str) -> str:
    t = unicodedata.normalize("NFKC", name or "").casefold()
    # Only strip legal forms standing as words (or CJK affixes), so "Agrana" keeps its "ag".
    t = re.sub(r"(?<![a-z])(" + _SUFFIX_RE.pattern + r")(?![a-z])", " ", t, flags=re.IGNORECASE)
    return fold(t)


def name_similarity(a: str, b: str) -> float:
    """0–100 similarity of two entity names after normalisation."""
    na, nb = strip_legal(a), strip_legal(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 100.0
    if len(na) >= 4 and len(nb) >= 4 and (na in nb or nb in na):
        return 95.0
    return float(max(fuzz.ratio(na, nb), fuzz.token_set_ratio(na, nb) if " " in a + b else 0))


def best_match(name: str, candidates: list[str]) -> tuple[str | None, float]:
    best, score = None, 0.0
    for c in candidates:
        s = name_similarity(name, c)
        if s > score:
            best, score = c, s
    return best, score


def contains_name(text: str, name: str) -> bool:
    """Whether `name` occurs in `text`, ignoring width, case, spaces and punctuation."""
    n = fold(name)
    return bool(n) and n in fold(text)
