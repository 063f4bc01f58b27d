"""Human renderings of report@1: what a reader sees in the text, Markdown and HTML forms."""
from __future__ import annotations

from typing import Any

from originproof.report.render import render_html, render_markdown, render_text


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
    for text in (render_markdown(rep), render_text(rep), render_html(rep)):
        assert "dossier.yaml: merchant.uscc" in text


UNREADABLE = dict(dossier={"merchant_id": None, "brand": None, "origin_country": None, "sha256": "cd" * 32})


def test_an_unreadable_package_is_headed_by_what_it_is_not_by_empty_manifest_values():
    rep = report(finding("INTAKE.MANIFEST", []), **UNREADABLE)
    for text in (render_markdown(rep, source="upload.zip"), render_text(rep, source="upload.zip"),
                 render_html(rep, source="upload.zip")):
        assert "Unreadable dossier" in text and "无法读取的档案" in text and "upload.zip" in text
        assert "None" not in text
    assert "Unreadable dossier" in render_markdown(rep).splitlines()[0]  # a service has no file name to give


def test_a_readable_dossier_is_headed_by_brand_origin_and_merchant():
    first = render_markdown(report(finding("PROCESS.DEADLINE", [])), source="d.zip").splitlines()[0]
    assert "Examplebrand (JP) · merchant M-1" in first and "d.zip" not in first


def test_the_text_report_keeps_file_names_whole_at_terminal_widths():
    from rich.console import Console

    names = ["evidence/production/certificate_of_origin_2026.pdf", "evidence/offline/store1_receipt.jpg",
             "https://www.amazon.co.jp/dp/B000EXAMPL"]
    rep = report(finding("CHAIN.MANUFACTURER", [{"file": names[0], "page": 1, "bbox": [50, 97.25, 197, 107.8]},
                                                {"file": names[1], "t": 12.5}, {"url": names[2]}]))
    for width in (100, 140, 160):
        con = Console(record=True, width=width)
        render_text(rep, console=con)
        text = con.export_text()
        for name in names:
            assert name in text, (width, name)
        assert "p.1 [50,97.25,197,107.8]" in text  # the location stays in one piece too


def test_a_listing_observed_three_times_is_listed_once_with_its_observations():
    url = "https://www.amazon.co.jp/dp/B000EXAMPL"
    obs = [{"url": url, "warc_record_id": f"<urn:uuid:{i}>", "captured_at": at, "file": "captures.warc.gz"}
           for i, at in enumerate(["2026-05-20T15:00:00+00:00", "2026-05-27T15:00:00+00:00",
                                   "2026-06-03T23:30:00+08:00"])]
    rep = report(finding("DIST.ONLINE.STABLE", obs, status="pass", subject="distribution.online[0]"))
    for text in (render_markdown(rep), render_text(rep, verbose=True), render_html(rep)):
        assert text.count(url) == 1
        assert "observed 3× (UTC) 2026-05-20, 2026-05-27, 2026-06-03" in text
    assert len(rep["findings"][0]["evidence"]) == 3  # the report itself keeps every observation's record


def test_a_pointer_given_twice_is_shown_once():
    at = {"file": "evidence/production/customs.pdf", "page": 1, "bbox": [50, 214.4, 382.2, 239.4]}
    md = render_markdown(report(finding("CHAIN.ORIGIN", [at, dict(at)])))
    assert md.count("evidence/production/customs.pdf p.1 [50,214.4,382.2,239.4]") == 1
