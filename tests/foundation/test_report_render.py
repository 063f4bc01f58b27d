"""Report renderings: JSON contract keys, text, Markdown, and the HTML page in a real headless Chromium."""
from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from originproof.cli.main import app

runner = CliRunner()
REQUIRED = {"format", "policy", "evaluated_at", "dossier", "verdict", "severity", "sanctions", "findings",
            "extracted", "timings_ms"}


@pytest.fixture(scope="module")
def rejected_report(tmp_path_factory, clean_dossier_dir):
    import yaml
    d = tmp_path_factory.mktemp("r") / "d"
    shutil.copytree(clean_dossier_dir, d)
    m = yaml.safe_load((d / "dossier.yaml").read_text("utf-8"))
    m["deadline"] = "2026-06-01T00:00:00+08:00"
    m["distribution"]["offline"] = m["distribution"]["offline"][:2]
    (d / "dossier.yaml").write_text(yaml.safe_dump(m, allow_unicode=True), "utf-8")
    res = runner.invoke(app, ["check", str(d), "--format", "json", "--no-record"])
    assert res.exit_code == 20
    return d, json.loads(res.stdout)


def test_json_contract(rejected_report):
    _, r = rejected_report
    assert REQUIRED <= set(r)
    assert r["format"] == "originproof/report@1" and r["policy"] == {"id": "haitao-provenance", "version": "1"}
    assert set(r["dossier"]) >= {"merchant_id", "brand", "origin_country", "sha256"}
    assert r["verdict"] == "reject" and r["severity"] == "overdue"
    for f in r["findings"]:
        assert set(f) >= {"rule", "subject", "status", "severity", "message", "evidence", "facts"}
        assert f["status"] in {"pass", "fail", "warn", "unknown", "n/a"}
        if f["status"] in ("fail", "warn"):
            assert f["message"]["zh"] and f["message"]["en"] and f["severity"]
        else:
            assert f["severity"] is None


@pytest.mark.parametrize("fmt,needle", [("md", "| ✘ fail | `PROCESS.DEADLINE`"), ("text", "PROCESS.DEADLINE")])
def test_human_formats(rejected_report, tmp_path, fmt, needle):
    d, _ = rejected_report
    out = tmp_path / f"r.{fmt}"
    res = runner.invoke(app, ["check", str(d), "--format", fmt, "--no-record", "--output", str(out)])
    assert res.exit_code == 20
    text = out.read_text("utf-8")
    assert needle in text and "逾期" in text


@pytest.mark.browser
def test_html_report_in_headless_chromium(rejected_report, tmp_path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which("chromium"):
        pytest.fail("Debian chromium is required for the browser tests (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    d, r = rejected_report
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["check", str(d), "--format", "html", "--no-record", "--output", str(out)])
    assert res.exit_code == 20
    html = out.read_text("utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html.split("</style>")[0]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = b.new_page()
            page.goto(out.as_uri())
            assert page.inner_text("#verdict").startswith("reject")
            rows = page.locator("#findings tbody tr")
            assert rows.count() == len(r["findings"])
            # failing findings are listed first and carry both languages
            first = rows.nth(0)
            assert "fail" in first.get_attribute("class")
            assert page.locator("tr[data-rule='PROCESS.DEADLINE'] td").nth(3).inner_text().count("\n") >= 1
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            b.close()
    assert (tmp_path / "report.png").stat().st_size > 10_000
