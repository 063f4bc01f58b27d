"""Human renderings of report@1: what a reader sees in the text, Markdown and HTML forms."""
from __future__ import annotations

from typing import Any

from originproof.report.render import render_html, render_markdown


def report(*findings: dict[str, Any], **over: Any) -> dict[str, Any]:
    rep = {"format": "originproof/report@1", "policy": {"id": "haitao-provenance", "version": "1"},
           "evaluated_at": "2026-06-15T10:00:00+08:00",
           "dossier": {"merchant_id": "M-1", "brand": "Examplebrand", "origin_country": "JP", "sha256": "ab" * 32},
           "verdict": "reject", "severity": "nonconforming", "sanctions": ["reject_qualification"],
           "findings": list(findings), "extracted": {}, "summary": {}, "timings_ms": {"total": 0}}
    rep.update(over)
    return rep


def finding(rule: str, evidence: list[dict], status: str = "fail", subject: str = "dossier") -> dict[str, Any]:
    return {"rule": rule, "subject": subject, "status": status,
            "severity": "nonconforming" if status == "fail" else None,
            "message": {"zh": "说明", "en": "what is wrong"}, "evidence": evidence, "facts": {}}


def test_a_manifest_value_is_pointed_at_by_file_and_field():
    rep = report(finding("INTAKE.MANIFEST", [{"file": "dossier.yaml", "field": "merchant.uscc"}]))
    for text in (render_markdown(rep), render_html(rep)):
        assert "dossier.yaml: merchant.uscc" in text
