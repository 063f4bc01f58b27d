"""Printed captions, per document type and language, from `registry/data/captions/<type>.yaml`.

A caption is matched on folded text (NFKC, case, width and spaces ignored), after an optional box
number ("1.", "Box 3", "Feld 2", "①"); what follows it — a parenthetical hint "(Name, address,
country)", a second-language caption "/ Consignor", hint words, separators — still belongs to the
caption. Whatever is left after that is a value printed on the caption's own run.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[2] / "registry" / "data" / "captions"
# A box number before its caption; OCR often reads the number's point as a comma ("9, HS code").
BOX_NUMBER = re.compile(r"\s*(?:box|feld|case|casella|casilla|欄|欄目)?\s*(?:\d{1,2}|[①-⑳])\s*(?:[.,)．:、]\s*|\s+(?=\D))")
NOISE = re.compile(r"^[\s‘’'`\"|»«*.,]+")
HINT = re.compile(r"^\s*(?:[(（\[][^)）\]]{0,80}(?:[)）\]]|$)|[/:：.\-–—|;,·•]+)\s*")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # party | name | number | date | country | text | uscc | other | column
    captions: tuple[str, ...]
    multiline: bool = False
    # Short, common words ("No.", "Date") that are captions only when alone on their run or followed
    # by a value of the field's kind ("No. 123" is a number caption, "No. 5 Main Road" an address).
    strict: tuple[str, ...] = ()
    folded: tuple[str, ...] = ()  # the captions folded once (matching runs for every run of a page)
    folded_strict: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    doc_type: str
    fields: tuple[Field, ...]
    hint_words: frozenset[str]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"'})


def fold_chars(t: str) -> tuple[str, list[int]]:
    """Folded text and, per folded character, its index in `t`."""
    chars, idx = [], []
    for i, ch in enumerate(t):
        for c in unicodedata.normalize("NFKC", ch.translate(QUOTES)).casefold():
            if c.isspace():
                continue
            if "\u00c0" <= c <= "\u024f":
                # Latin accents are what OCR drops first ("Tatigkeit", "Betriebsstatte"): compare without them.
                c = unicodedata.normalize("NFKD", c)[0]
            chars.append(c)
            idx.append(i)
    return "".join(chars), idx


def fold(t: str) -> str:
    return fold_chars(t)[0]


@lru_cache(maxsize=None)
def load_data(doc_type: str) -> dict[str, Any]:
    return yaml.safe_load((DATA / f"{doc_type}.yaml").read_text("utf-8")) or {}


@lru_cache(maxsize=None)
def lexicon(doc_type: str) -> Lexicon:
    common = load_data("common")
    raw = load_data(doc_type)
    fields = []
    for name, spec in (raw.get("fields") or {}).items():
        caps = []
        for lang_caps in (spec.get("captions") or {}).values():
            caps += [str(c) for c in lang_caps]
        ordered = tuple(sorted(set(caps), key=lambda c: -len(fold(c))))
        strict = tuple(str(c) for c in spec.get("strict") or [])
        fields.append(Field(name, spec.get("kind", "text"), ordered, bool(spec.get("multiline", False)), strict,
                            tuple(fold(c) for c in ordered), tuple(fold(c) for c in strict)))
    hints = frozenset(fold(w) for w in (common.get("hint_words") or []) + (raw.get("hint_words") or []))
    return Lexicon(doc_type, tuple(fields), hints)


@dataclass
class CaptionMatch:
    field: Field
    end: int  # index in the run's text where the caption (with its hints) ends
    rest: str  # the value printed on the caption's own run ("" when none)
    fuzzy: bool = False  # told by its place (the head of a ruled cell) and a near spelling only


def match_garbled(text: str, lex: Lexicon, min_score: float = 72, margin: float = 12) -> CaptionMatch | None:
    """A caption OCR has garbled ("2 Connagnee (Nase addr country )"), for a run whose place already
    says it is a caption (the head of a ruled cell over a value): the near spelling must be clearly
    one field's, not another's."""
    from rapidfuzz import fuzz

    t = re.sub(r"^[^\w(]*(?:\d{1,2}|[^\W\d_])?[.\s]\s*", "", text, count=1)
    head = re.split(r"[(（:：]", t, maxsplit=1)[0]
    fh, ft = fold(head), fold(t)
    if len(fh) < 4:
        return None
    scores: dict[str, float] = {}
    for f in lex.fields:
        for fc in f.folded:
            if len(fc) < 4:
                continue
            s = max(fuzz.ratio(fh, fc), fuzz.ratio(ft, fc))
            scores[f.name] = max(scores.get(f.name, 0.0), s)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < min_score or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin):
        return None
    f = lex.field(ranked[0][0])
    return CaptionMatch(f, len(text), "", fuzzy=True) if f is not None else None


def _caption_at(folded: str, idx: list[int], raw: str, cap: str) -> bool:
    """`raw` (folded as `folded`, `idx` mapping back) opens with caption `cap`, ending at a word end
    in the printed text ("origin" is not "original"; "name and" is two words even folded together)."""
    if not folded.startswith(cap):
        return False
    end = idx[len(cap) - 1] + 1
    nxt = raw[end:end + 1]
    return not (cap[-1].isascii() and cap[-1].isalnum() and nxt.isascii() and nxt.isalpha())


def match(text: str, lex: Lexicon) -> CaptionMatch | None:
    """The caption `text` starts with, if any, and the value left on the same run. (A caption garbled
    by OCR is matched only where its place says it is one: `match_garbled`.)"""

    lead = NOISE.match(text)
    start = lead.end() if lead else 0
    m = BOX_NUMBER.match(text, start)
    start = m.end() if m else start
    folded, idx = fold_chars(text[start:])
    if not folded:
        return None
    # The longest caption that opens the run wins ("有効期間満了日" over "有効期間"), across fields; a
    # long run that is the start of a longer caption (wrapped over two lines) is that caption.
    best: tuple[int, Field] | None = None
    for f in lex.fields:
        for fc in f.folded:
            if not fc or (best is not None and len(fc) <= best[0]) or fc[0] != folded[0]:
                continue
            if _caption_at(folded, idx, text[start:], fc):
                best = (len(fc), f)
            elif f.kind == "column" and len(folded) >= 16 and fc.startswith(folded) and (
                    best is None or len(folded) > best[0]):
                best = (len(folded), f)
        for fc in f.folded_strict:
            if (best is None or len(fc) > best[0]) and _caption_at(folded, idx, text[start:], fc) and \
                    _strict_ok(text, start, fc, f):
                best = (len(fc), f)
    if best is not None:
        end = start + idx[min(best[0], len(idx)) - 1] + 1
        end = _skip_hints(text, end, best[1], lex)
        return CaptionMatch(best[1], end, text[end:].strip())
    return None


def _strict_ok(text: str, start: int, fc: str, f: Field) -> bool:
    """A strict caption stands alone, or is followed by a value of its field's kind."""
    from originproof.text.dates import find_dates

    folded, idx = fold_chars(text[start:])
    rest = text[start + idx[len(fc) - 1] + 1:].strip(" .:：")
    if not rest:
        return True
    if f.kind == "number":
        return re.fullmatch(r"(?:no\.?\s*)?[A-Z]{0,4}[\s\-/]?\d[\w\-/.]{2,24}", rest, re.I) is not None
    if f.kind == "date":
        found = find_dates(rest)
        return bool(found) and found[0].start <= 2
    return False


def _skip_hints(text: str, end: int, f: Field, lex: Lexicon) -> int:
    """Past parenthetical hints, separators, hint words and the same field's other-language caption."""
    colon = False
    while end < len(text):
        rest = text[end:]
        h = HINT.match(rest)
        if h and h.end() > 0 and colon and h.group(0).lstrip()[:1] in "([（":
            break  # "收货人：(9131…) 上海…": after the colon a bracket is the value's, no caption hint
        if h and h.end() > 0:
            # After a colon the value starts: hint words no longer belong to the caption.
            colon = colon or ":" in h.group(0) or "：" in h.group(0)
            end += h.end()
            continue
        if colon:
            break
        folded, idx = fold_chars(rest)
        if not folded:
            break
        other = next((c for c in f.folded if c and _caption_at(folded, idx, rest, c)), None)
        if other:
            end += idx[len(other) - 1] + 1
            continue
        w = re.match(r"\s*([^\W\d_]+(?:'s)?)\b", rest)
        if w and fold(w.group(1)) in lex.hint_words:
            end += w.end()
            continue
        break
    return end


def near_caption(text: str, lex: Lexicon, min_score: float = 70) -> bool:
    """A run that reads like one of the type's longer captions with a few characters misread
    ("会社法人等秋呈" for 会社法人等番号): a garbled caption, so no value either."""
    from rapidfuzz import fuzz

    ft = fold(text)
    if len(ft) < 5:
        return False
    return any(fuzz.ratio(ft, fc) >= min_score for f in lex.fields for fc in f.folded if len(fc) >= 5)


def is_hint(text: str, lex: Lexicon) -> bool:
    """A run that is only a caption's bracketed hint carried onto its own line ("(if known)", "(Name,
    address, country)"): part of the caption above it, never a value."""
    m = re.fullmatch(r"\s*[(（\[]([^)）\]]{1,80})[)）\]]?\s*", text or "")
    if not m:
        return False
    words = [fold(w) for w in re.findall(r"[^\W\d_]+(?:'s)?", m.group(1))]
    return bool(words) and all(w in lex.hint_words for w in words)


def is_caption(text: str, lex: Lexicon) -> bool:
    """A run that is only a caption (of any field of the type): never a value."""
    cm = match(text, lex)
    return cm is not None and not cm.rest
