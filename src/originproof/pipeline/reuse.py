"""Reuse across dossiers: gather this dossier's fingerprints and look them up in the store.

The matching lives in `originproof.evidence.forensics.reuse` (filled-in values for documents,
dihedral/crop hashes confirmed by ORB for photos, segment hashes for videos; the first submission
owns a fingerprint). Without a store no hits are claimed and the reuse rules stay `unknown`.
"""
from __future__ import annotations

from originproof.facts import DossierFacts, EvidenceFacts, ReuseHit, VideoFacts
from originproof.store import Store


def collect_fingerprints(facts: DossierFacts) -> list[tuple[str, str, str | None, str, str]]:
    """(path, kind, role, scheme, value) for every fingerprint the readers produced."""
    out: list[tuple[str, str, str | None, str, str]] = []
    for slot, docs in facts.documents.items():
        for d in docs:
            if isinstance(d, EvidenceFacts) and d.forensics is not None:
                for scheme, values in d.forensics.fingerprints.items():
                    out += [(d.file or "", "document", slot, scheme, v) for v in values]
    for v in facts.videos:
        if isinstance(v, VideoFacts):
            out += [(v.file or "", "video", "video", "vseq", fp) for fp in v.fingerprint]
            if v.forensics is not None:
                for scheme, values in v.forensics.fingerprints.items():
                    out += [(v.file or "", "video", "video", scheme, x) for x in values]
    for r in facts.receipt_photos:
        if isinstance(r, EvidenceFacts) and r.forensics is not None:
            for scheme, values in r.forensics.fingerprints.items():
                out += [(r.file or "", "image", "receipt", scheme, x) for x in values]
    return out


def stored_fingerprints(facts: DossierFacts) -> list[tuple[str, str, str | None, str, str]]:
    """The fingerprints a recorded dossier leaves in the index (query-only transforms left out)."""
    from originproof.evidence.forensics.fingerprints import QUERY_ONLY

    return [f for f in collect_fingerprints(facts) if f[3] not in QUERY_ONLY]


def find_reuse(facts: DossierFacts, store: Store) -> list[ReuseHit] | None:
    """None when no matcher is built (the reuse rules then stay `unknown`)."""
    try:
        from originproof.evidence.forensics.reuse import find_hits  # type: ignore[attr-defined]
    except ImportError:
        return None
    return find_hits(facts, collect_fingerprints(facts), store)
