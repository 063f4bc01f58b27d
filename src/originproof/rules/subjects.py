"""Which subjects a rule speaks about (spec/rules.md, "How findings are addressed")."""
from __future__ import annotations

from originproof.dossier.manifest import PRODUCTION_SLOTS
from originproof.facts import DossierFacts


def visits(f: DossierFacts) -> list[str]:
    m = f.manifest
    return [f"distribution.offline[{i}]" for i in range(len(m.distribution.offline))] if m else []


def listings(f: DossierFacts) -> list[str]:
    m = f.manifest
    return [f"distribution.online[{i}]" for i in range(len(m.distribution.online))] if m else []


def documents(f: DossierFacts, slot: str) -> list[str]:
    m = f.manifest
    return [f"production.{slot}[{i}]" for i in range(len(m.production.documents(slot)))] if m else []


def all_documents(f: DossierFacts) -> list[str]:
    return [s for slot in PRODUCTION_SLOTS for s in documents(f, slot)]


def index_of(subject: str) -> int:
    return int(subject.rsplit("[", 1)[1].rstrip("]"))
