"""Intake: every broken dossier gets the right INTAKE.* finding and exit code, never a traceback."""
from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from originproof.cli.main import app

runner = CliRunner()
CACHE: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _shared_cache(cache_store_url):
    CACHE["url"] = cache_store_url


def run_check(path: Path, *extra: str):
    res = runner.invoke(app, ["check", str(path), "--format", "json", "--no-record", "--store", CACHE["url"], *extra])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    lines = [ln for ln in res.stdout.splitlines() if ln.strip().startswith("{")]
    return res.exit_code, [json.loads(ln) for ln in lines]


def findings(report, rule, status=None):
    return [f for f in report["findings"] if f["rule"] == rule and (status is None or f["status"] == status)]


def assert_explained(f):
    """Every failing finding explains itself: zh + en message, and a pointer when it rests on a file."""
    assert f["message"]["zh"] and f["message"]["en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in f["message"]["zh"])


def test_clean_folder_has_no_intake_failure(clean_dossier_dir):
    code, [r] = run_check(clean_dossier_dir)
    assert r["format"] == "originproof/report@1"
    assert not [f for f in r["findings"] if f["rule"].startswith("INTAKE") and f["status"] != "pass"]
    assert code == {"approve": 0, "review": 10, "reject": 20}[r["verdict"]]


def test_folder_and_zip_give_same_digest_and_findings(clean_dossier_dir, tmp_path):
    z = tmp_path / "d.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(clean_dossier_dir.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(clean_dossier_dir).as_posix())
    _, [a] = run_check(clean_dossier_dir)
    _, [b] = run_check(z)
    assert a["dossier"]["sha256"] == b["dossier"]["sha256"]
    strip = lambda r: [(f["rule"], f["subject"], f["status"]) for f in r["findings"]]  # noqa: E731
    assert strip(a) == strip(b)


def test_zip_with_top_folder(clean_dossier_dir, tmp_path):
    z = tmp_path / "d.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(clean_dossier_dir.rglob("*")):
            if p.is_file():
                zf.write(p, "top/" + p.relative_to(clean_dossier_dir).as_posix())
    _, [r] = run_check(z)
    assert findings(r, "INTAKE.MANIFEST", "pass")


def test_bad_yaml(dossier_copy):
    d = dossier_copy()
    (d / "dossier.yaml").write_text("format: originproof/dossier@1\nmerchant: [unclosed\n", "utf-8")
    code, [r] = run_check(d)
    assert code == 20 and r["verdict"] == "reject"
    [f] = findings(r, "INTAKE.MANIFEST", "fail")
    assert f["facts"]["code"] == "parse_error" and f["severity"] == "nonconforming"
    assert f["evidence"] == [{"file": "dossier.yaml"}]
    assert_explained(f)


def test_unknown_keys_are_listed_not_fatal(dossier_copy):
    d = dossier_copy(lambda m: (m["brand"].__setitem__("orgin_country_typo", "JP"), m.__setitem__("x_extra", 1)))
    _, [r] = run_check(d)
    [f] = findings(r, "INTAKE.MANIFEST", "pass")
    assert set(f["facts"]["unknown_keys"]) == {"x_extra", "brand.orgin_country_typo"}


def test_missing_required_key(dossier_copy):
    d = dossier_copy(lambda m: m["merchant"].pop("uscc"))
    code, [r] = run_check(d)
    [f] = findings(r, "INTAKE.MANIFEST", "fail")
    assert "merchant.uscc" in f["message"]["en"] and code == 20


def test_missing_file(dossier_copy):
    d = dossier_copy()
    (d / "evidence/production/agreement.pdf").unlink()
    code, [r] = run_check(d)
    [f] = findings(r, "INTAKE.FILE", "fail")
    assert f["subject"] == "production.production_agreement[0]" and f["facts"]["code"] == "missing"
    assert f["evidence"] == [{"file": "evidence/production/agreement.pdf"}]
    assert findings(r, "PROD.AGREEMENT.PRESENT", "fail")
    assert code == 20
    assert_explained(f)


def test_dotdot_path(dossier_copy):
    d = dossier_copy(lambda m: m["production"].__setitem__("certificate_of_origin", ["../outside.pdf"]))
    (d.parent / "outside.pdf").write_bytes(b"%PDF-1.4 secret")
    _, [r] = run_check(d)
    [f] = findings(r, "INTAKE.FILE", "fail")
    assert f["facts"]["code"] == "traversal"


def test_absolute_path(dossier_copy):
    d = dossier_copy(lambda m: m["production"].__setitem__("certificate_of_origin", ["/etc/passwd"]))
    _, [r] = run_check(d)
    assert findings(r, "INTAKE.FILE", "fail")[0]["facts"]["code"] == "absolute_path"


def test_symlink_out_of_root(dossier_copy, tmp_path):
    d = dossier_copy()
    secret = tmp_path / "secret.pdf"
    shutil.copy(d / "evidence/production/coo.pdf", secret)
    (d / "evidence/production/coo.pdf").unlink()
    os.symlink(secret, d / "evidence/production/coo.pdf")
    _, [r] = run_check(d)
    assert findings(r, "INTAKE.FILE", "fail")[0]["facts"]["code"] == "symlink_out"


def test_wrong_magic_bytes(dossier_copy):
    d = dossier_copy()
    (d / "evidence/production/licence.pdf").write_bytes(b"MZ\x90\x00 this is an executable, not a PDF" * 10)
    _, [r] = run_check(d)
    [f] = findings(r, "INTAKE.FILE", "fail")
    assert f["facts"]["code"] == "wrong_type"


def test_extension_content_mismatch(dossier_copy):
    d = dossier_copy()
    jpg = (d / "evidence/offline/store1_receipt.jpg").read_bytes()
    (d / "evidence/production/licence.pdf").write_bytes(jpg)  # a JPEG named .pdf
    _, [r] = run_check(d)
    assert findings(r, "INTAKE.FILE", "fail")[0]["facts"]["code"] == "type_mismatch"


def test_video_slot_with_pdf(dossier_copy):
    d = dossier_copy(lambda m: m["distribution"]["offline"][0].__setitem__("video", "evidence/production/coo.pdf"))
    _, [r] = run_check(d)
    [f] = findings(r, "INTAKE.FILE", "fail")
    assert f["subject"] == "distribution.offline[0].video" and f["facts"]["code"] == "wrong_type"


def test_empty_file(dossier_copy):
    d = dossier_copy()
    (d / "evidence/production/customs.pdf").write_bytes(b"")
    _, [r] = run_check(d)
    assert findings(r, "INTAKE.FILE", "fail")[0]["facts"]["code"] == "empty"
    assert findings(r, "PROD.CUSTOMS.PRESENT", "fail")


def test_truncated_video(dossier_copy):
    d = dossier_copy()
    v = d / "evidence/offline/store2.mp4"
    v.write_bytes(v.read_bytes()[:2000])
    code, [r] = run_check(d)
    [f] = findings(r, "INTAKE.FILE", "fail")
    assert f["subject"] == "distribution.offline[1].video" and f["facts"]["code"] == "undecodable"
    assert code == 20


def test_hostile_pdf(dossier_copy):
    d = dossier_copy()
    (d / "evidence/production/coo.pdf").write_bytes(
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[2 0 R]/Count 99999999>>"
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF")
    _, [r] = run_check(d)
    assert findings(r, "INTAKE.FILE", "fail")[0]["facts"]["code"] in ("undecodable", "too_many_pages")


def test_oversized_file_by_policy(dossier_copy, tmp_path):
    pol = tmp_path / "p.yaml"
    pol.write_text("intake: {max_file_mb: 0.001}\n")
    d = dossier_copy()
    _, [r] = run_check(d, "--policy", str(pol))
    assert any(f["facts"]["code"] == "too_large" for f in findings(r, "INTAKE.FILE", "fail"))


def test_zip_bomb(tmp_path, clean_dossier_dir):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(clean_dossier_dir / "dossier.yaml", "dossier.yaml")
        zf.writestr("evidence/padding.bin", b"\0" * (60 * 1024 * 1024))  # compresses ~1000:1
    code, [r] = run_check(z)
    [f] = findings(r, "INTAKE.MANIFEST", "fail")
    assert f["facts"]["code"] == "zip_bomb" and code == 20
    assert_explained(f)


def test_zip_traversal_member(tmp_path, clean_dossier_dir):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(clean_dossier_dir / "dossier.yaml", "dossier.yaml")
        zf.writestr("../../escaped.txt", b"x")
    _, [r] = run_check(z)
    assert findings(r, "INTAKE.MANIFEST", "fail")[0]["facts"]["code"] == "traversal"
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_zip_symlink_member(tmp_path, clean_dossier_dir):
    z = tmp_path / "link.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(clean_dossier_dir / "dossier.yaml", "dossier.yaml")
        info = zipfile.ZipInfo("evidence/link.pdf")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    _, [r] = run_check(z)
    assert findings(r, "INTAKE.MANIFEST", "fail")[0]["facts"]["code"] == "symlink_out"


def test_corrupt_zip_still_gets_report(tmp_path):
    z = tmp_path / "broken.zip"
    z.write_bytes(b"PK\x03\x04garbage" * 10)
    code, [r] = run_check(z)
    assert code == 20 and findings(r, "INTAKE.MANIFEST", "fail")[0]["facts"]["code"] == "bad_zip"


def test_folder_without_manifest(tmp_path):
    (tmp_path / "empty").mkdir()
    code, [r] = run_check(tmp_path / "empty")
    assert code == 20 and findings(r, "INTAKE.MANIFEST", "fail")[0]["facts"]["code"] == "no_manifest"


def test_nonexistent_path_is_usage_error(tmp_path):
    res = runner.invoke(app, ["check", str(tmp_path / "nope"), "--no-record"])
    assert res.exit_code == 2


def test_unknown_flag_is_usage_error(clean_dossier_dir):
    res = runner.invoke(app, ["check", str(clean_dossier_dir), "--frobnicate"])
    assert res.exit_code == 2


def test_unknown_country_code(dossier_copy):
    d = dossier_copy(lambda m: m["brand"].__setitem__("origin_country", "XX"))
    code, [r] = run_check(d)
    [f] = findings(r, "INTAKE.MANIFEST", "fail")
    assert f["facts"]["code"] == "bad_country" and code == 20


def test_json_manifest_same_digest_as_yaml(dossier_copy):
    a = dossier_copy(name="a")
    b = dossier_copy(name="b")
    m = yaml.load((b / "dossier.yaml").read_text("utf-8"), Loader=yaml.BaseLoader)
    # BaseLoader keeps every scalar a string; reload with the real loader for types but keep timestamps as str.
    from originproof.dossier.intake import _StrLoader
    m = yaml.load((b / "dossier.yaml").read_text("utf-8"), Loader=_StrLoader)
    (b / "dossier.yaml").unlink()
    (b / "dossier.json").write_text(json.dumps(m, ensure_ascii=False), "utf-8")
    _, [ra] = run_check(a)
    _, [rb] = run_check(b)
    assert ra["dossier"]["sha256"] == rb["dossier"]["sha256"]


def test_many_dossiers_json_lines_worst_exit(dossier_copy, tmp_path):
    good = dossier_copy(name="good")
    bad = tmp_path / "bad"
    bad.mkdir()
    res = runner.invoke(app, ["check", str(good), str(bad), "--format", "json", "--no-record", "--store", CACHE["url"]])
    lines = [json.loads(ln) for ln in res.stdout.splitlines() if ln.startswith("{")]
    assert len(lines) == 2 and lines[1]["verdict"] == "reject"
    assert res.exit_code == 20


def test_zero_store_offline_route(dossier_copy):
    def mut(m):
        m["distribution"] = {"offline": []}
    code, [r] = run_check(dossier_copy(mut))
    [f] = findings(r, "INTAKE.MANIFEST", "fail")
    assert "offline / online" in f["message"]["en"] and code == 20


def test_deadline_passed_via_cli(dossier_copy):
    code, [r] = run_check(dossier_copy(lambda m: m.__setitem__("deadline", "2026-06-01T00:00:00+08:00")))
    [f] = findings(r, "PROCESS.DEADLINE", "fail")
    assert f["severity"] == "overdue" and code == 20 and "ban_new_listings" in r["sanctions"]


def test_non_platform_url_via_cli(dossier_copy):
    code, [r] = run_check(dossier_copy(
        lambda m: m["distribution"].__setitem__("online", [{"url": "https://my-own-shop.example/hadaluna"}])))
    [f] = findings(r, "DIST.ONLINE.PLATFORM", "fail")
    assert f["subject"] == "distribution.online[0]" and code == 20


def test_bad_as_of_is_usage_error(clean_dossier_dir):
    res = runner.invoke(app, ["check", str(clean_dossier_dir), "--as-of", "next tuesday", "--no-record"])
    assert res.exit_code == 2


def test_as_of_sets_the_evaluation_instant(dossier_copy):
    _, [r] = run_check(dossier_copy(), "--as-of", "2026-07-01T12:00:00+08:00")
    assert r["evaluated_at"].startswith("2026-07-01T12:00:00")
