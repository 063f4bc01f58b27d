"""The command line as a user meets it."""
from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from originproof.cli.main import app

runner = CliRunner()


def test_a_broken_zip_is_reported_under_its_own_name(tmp_path):
    bad = tmp_path / "upload-2026.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    res = runner.invoke(app, ["check", str(bad), "--format", "md", "--no-record"])
    assert res.exit_code == 20
    head = res.stdout.splitlines()[0]
    assert "Unreadable dossier" in head and "upload-2026.zip" in head and "None" not in head
    rep = json.loads(runner.invoke(app, ["check", str(bad), "--format", "json", "--no-record"]).stdout)
    # The sanctions follow the policy's ladder for the worst severity (INTAKE.* is nonconforming) —
    # nothing that the ladder reserves for fraud or lateness.
    assert rep["verdict"] == "reject" and rep["severity"] == "nonconforming"
    assert rep["sanctions"] == ["reject_qualification"]


PAGE = """<html><head><title>Examplebrand Lotion 200ml</title><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Product", "name": "Examplebrand Lotion 200ml",
 "brand": {"@type": "Brand", "name": "Examplebrand"},
 "offers": {"@type": "Offer", "price": "1980", "priceCurrency": "JPY", "availability": "https://schema.org/InStock"}}
</script></head><body><h1>Examplebrand Lotion 200ml</h1></body></html>"""


def test_extract_prints_json_by_default_and_a_table_with_format_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, "utf-8")
    url = ["--url", "https://www.amazon.co.jp/dp/B000EXAMPL"]
    as_json = runner.invoke(app, ["extract", str(page), *url])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["fields"]["brand"]["value"] == "Examplebrand"
    as_text = runner.invoke(app, ["extract", str(page), *url, "--format", "text"])
    assert as_text.exit_code == 0
    assert as_text.stdout.startswith("page.html — listing")
    brand = next(line for line in as_text.stdout.splitlines() if " brand " in line)
    assert "Examplebrand" in brand and re.search(r"\b[01]\.\d\d\b", brand)  # with its confidence
    assert '"fields"' not in as_text.stdout  # not JSON


def test_extract_refuses_a_format_it_has_no_rendering_for(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, "utf-8")
    res = runner.invoke(app, ["extract", str(page), "--format", "md"])
    assert res.exit_code == 2 and "json or text" in res.output


def test_a_broken_or_invalid_policy_file_is_a_usage_error_not_a_traceback(tmp_path):
    dossier = tmp_path / "d"
    dossier.mkdir()
    broken = tmp_path / "broken.yaml"
    broken.write_text("offline: [1,\n  min: {", "utf-8")
    res = runner.invoke(app, ["check", str(dossier), "--policy", str(broken), "--no-record"])
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit)  # a usage error, nothing raised
    text = " ".join(res.output.split())
    assert "not valid YAML" in text and "line 2" in text and "Traceback" not in text
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("offline:\n  min_stores: three\n", "utf-8")
    res = runner.invoke(app, ["check", str(dossier), "--policy", str(invalid), "--no-record"])
    text = " ".join(res.output.split())
    assert res.exit_code == 2
    assert "offline.min_stores" in text and "errors.pydantic.dev" not in text


def test_extract_of_a_file_no_reader_takes_says_so_in_both_languages_and_exits_1(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a document\n", "utf-8")
    res = runner.invoke(app, ["extract", str(notes)])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit)  # the exit code, nothing raised
    obj = json.loads(res.stdout)
    assert obj["doc_type"] is None and "notes.txt" in obj["error"] and "pdf" in obj["error"]
    assert "不是" in obj["error_zh"]
    as_text = runner.invoke(app, ["extract", str(notes), "--format", "text"])
    assert as_text.exit_code == 1 and "未能读取" in as_text.stdout and "Traceback" not in as_text.output
    # Bytes that begin like a JPEG but do not decode: an error too, not the image library's traceback.
    broken = tmp_path / "photo.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    res = runner.invoke(app, ["extract", str(broken)])
    assert res.exit_code == 1 and json.loads(res.stdout)["error"].startswith("photo.jpg could not be read")


def test_demo_for_a_country_without_a_sample_names_the_ones_it_has(tmp_path):
    from originproof.samples.spec import COUNTRIES

    res = runner.invoke(app, ["demo", "--country", "CN", "--out", str(tmp_path / "demo")])
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit)
    text = " ".join(res.output.split())
    assert "--country" in text and "'CN'" in text and all(c in text for c in COUNTRIES)
    assert not (tmp_path / "demo").exists()  # refused before anything was written
