"""Document type from content (title and body keywords), never from the manifest slot."""
from __future__ import annotations

import re
from functools import lru_cache

from originproof.evidence.documents.layout import DocText, norm
from originproof.evidence.layout.captions import load_data

@lru_cache(maxsize=1)
def _cues() -> dict[str, list[tuple[str, float]]]:
    """Cues per document type (registry/data/captions/doc_types.yaml): adding a form is a data change."""
    raw = load_data("doc_types").get("cues") or {}
    return {t: [(str(c["cue"]), float(c["weight"])) for c in cs] for t, cs in raw.items()}


def recognise(doc: DocText) -> tuple[str, float]:
    """(doc_type, confidence). 'other' when nothing scores."""
    lines = doc.lines
    if not lines:
        return "other", 0.0
    title = norm(" ".join(l.text for l in lines[:3]))
    body = norm(doc.text)
    scores: dict[str, float] = {}
    for t, kws in _cues().items():
        s = 0.0
        for kw, w in kws:
            k = norm(kw)
            if k in title:
                s += 3 * w
            elif k in body:
                s += w
        scores[t] = s
    # Receipts: short lines with amounts, no legal title.
    amounts = sum(1 for l in lines if re.search(r"\d[.,]\d{2}\b|[¥₩€$£\\]\s?\d", l.text))
    if len(lines) < 40 and amounts >= 2:
        scores["receipt"] += 2
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 4:
        return "other", 0.3
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0)
    return best, min(0.99, 0.6 + margin / 20)
