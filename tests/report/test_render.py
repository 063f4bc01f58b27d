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


def test_one_files_reading_as_text_gives_each_field_its_value_confidence_and_place():
    from originproof.report.render import render_extracted_text

    obj = {"doc_type": "customs_declaration", "fields": {
        "declared_on": {"value": "2026-05-02", "confidence": 0.97, "at": {"page": 1, "bbox": [50, 139.6, 148.7, 150.1]}},
        "consignee": {"value": "示例贸易有限公司", "confidence": 0.62, "at": {"page": 1, "bbox": [50, 90, 440, 100]}},
        "lines": {"value": [{"hs_code": "3304990099", "goods_name": "Examplebrand lotion", "origin_country": "JP"}],
                  "confidence": 1.0, "at": None}},
           "forensics": {"signals": [{"code": "pdf.incremental_update_changes_text", "severity": "fraud",
                                      "at": {"page": 1, "bbox": [0, 0, 1, 1]}, "detail": "text changed"}],
                         "signatures": []},
           "notes": ["read from the text layer"]}
    text = render_extracted_text(obj, "customs.pdf", min_confidence=0.8)
    assert text.splitlines()[0] == "customs.pdf — customs_declaration"
    row = next(line for line in text.splitlines() if "declared_on" in line)
    assert "2026-05-02" in row and "0.97" in row and "p.1 [50,139.6,148.7,150.1]" in row
    assert "0.62 low" in next(line for line in text.splitlines() if "consignee" in line)
    assert "hs_code 3304990099 · goods_name Examplebrand lotion · origin_country JP" in text
    assert "pdf.incremental_update_changes_text (fraud) p.1 [0,0,1,1] — text changed" in text
    assert "read from the text layer" in text and "{" not in text  # a table, not JSON


def test_a_file_no_reader_could_read_says_why_in_both_languages():
    from originproof.report.render import render_extracted_text

    text = render_extracted_text({"doc_type": None, "error": "too costly to read: 900 pages",
                                  "error_zh": "读取代价过高：900 页"}, "big.pdf")
    assert "big.pdf" in text and "too costly to read" in text and "读取代价过高" in text


def test_the_html_reports_extracted_fields_are_rendered_for_a_reader_not_as_python_values():
    thumb = "data:image/jpeg;base64,/9j/4AAQSkZJRg=="
    fields = {
        "goods": {"value": [{"description": "Examplebrand lotion", "hs_code": "3304990099", "quantity": None}],
                  "confidence": 1.0, "at": {"page": 1, "bbox": [65, 196.7, 395, 222.7]}},
        "signatures_present": {"value": True, "confidence": 0.95, "at": None},
        "issue_date": {"value": None, "confidence": None, "at": None},
        "location": {"value": {"lat": 35.69, "lon": 139.7}, "confidence": 0.95, "at": {"t": 12.6}},
        "stages": {"value": [{"stage": "store", "t": 0.0, "thumbnail": thumb}], "confidence": 0.85, "at": {"t": 0}},
        "cuts": {"value": [], "confidence": 0.9, "at": None},
        "holder": {"value": "<script>alert(1)</script>", "confidence": 0.9, "at": None},
        "note": {"value": "data:text/html;base64,PHNjcmlwdD4=", "confidence": 0.5, "at": None},
    }
    html = render_html(report(extracted={"evidence/coo.pdf": {"doc_type": "certificate_of_origin", "fields": fields}}))
    part = html[html.index("Extracted fields"):]
    for python in ("{'", "None", "True", "[{"):
        assert python not in part, python
    assert "<th>description</th><th>hs_code</th><th>quantity</th>" in part  # goods as a small table
    assert "<td>Examplebrand lotion</td><td>3304990099</td><td>—</td>" in part
    assert "yes 是" in part and "p.1 [65,196.7,395,222.7]" in part and "@12.6s" in part
    assert f'<img class="thumb" src="{thumb}"' in part  # the stage's picture, not its base64 as text
    assert "<script>" not in part and "&lt;script&gt;alert(1)&lt;/script&gt;" in part  # still escaped
    assert 'src="data:text/html' not in part  # only a raster picture becomes an image
