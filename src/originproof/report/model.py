"""Assemble the report@1 object (spec/report.md). Keys may be added, never renamed or dropped."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from originproof.facts import DossierFacts, EvidenceFacts
from originproof.findings import Finding
from originproof.policy import Policy
from originproof.verdict import Verdict

FORMAT = "originproof/report@1"


def build_report(facts: DossierFacts, findings: list[Finding], verdict: Verdict, policy: Policy,
                 timings_ms: dict[str, float] | None = None) -> dict[str, Any]:
    m = facts.manifest
    extracted: dict[str, Any] = {}
    for slot_docs in facts.documents.values():
        for d in slot_docs:
            if isinstance(d, EvidenceFacts) and d.file:
                extracted[d.file] = d.to_extracted()
    for item in list(facts.videos) + list(facts.receipt_photos):
        if isinstance(item, EvidenceFacts) and item.file:
            extracted[item.file] = item.to_extracted()
    if m is not None:
        for i, item in enumerate(facts.listings):
            if isinstance(item, EvidenceFacts) and i < len(m.distribution.online):
                extracted[m.distribution.online[i].url] = item.to_extracted()
    ev_at: datetime = facts.evaluated_at
    return {
        "format": FORMAT,
        "policy": {"id": policy.id, "version": policy.version},
        "evaluated_at": ev_at.isoformat(),
        "dossier": {
            "merchant_id": m.merchant.id if m else None,
            "brand": m.brand.name if m else None,
            "origin_country": m.brand.origin_country.upper() if m else None,
            "sha256": facts.digest,
        },
        "verdict": verdict.verdict,
        "severity": verdict.severity,
        "sanctions": verdict.sanctions,
        "findings": [f.to_report() for f in findings],
        "extracted": extracted,
        "summary": _summary(findings),
        "timings_ms": {k: round(v, 1) for k, v in (timings_ms or {"total": 0}).items()},
    }


def _summary(findings: list[Finding]) -> dict[str, int]:
    out = {"pass": 0, "fail": 0, "warn": 0, "unknown": 0, "n/a": 0}
    for f in findings:
        out[f.status] += 1
    return out
