"""Hostile and careless input, end to end through `originproof check`: every case ends with a report
(exit 20 or 10) carrying the right INTAKE finding, within a generous time and memory cap, and leaves
nothing in the temporary folder. Fixtures are generated here, a few KB each."""
from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.dossier.hostile import big_page_pdf, huge_frame_mp4, truncated_jpeg

OP = str(Path(sys.executable).parent / "originproof")
MEMORY_CAP = 3 * 1024 ** 3  # address space of the check process: generous, a runaway hits it
TIME_CAP_S = 240  # generous: a hang or a minutes-long decode fails, ordinary slowness does not


def manifest(**over) -> dict:
    """A valid dossier@1 manifest: one store visit (video + receipt) and one certificate."""
    m = {
        "format": "originproof/dossier@1",
        "merchant": {"id": "M-1", "name": "Example Trading Co., Ltd.", "uscc": "91310000MA1FL0000X"},
        "brand": {"name": "Example", "origin_country": "JP", "owner": "Example K.K."},
        "products": [{"sku": "S1", "name": "Face cream", "category": "cosmetics"}],
        "distribution": {"offline": [{"store": {"chain": "Shop", "country": "JP"},
                                      "video": "evidence/offline/store1.mp4",
                                      "receipt": "evidence/offline/receipt1.jpg"}]},
        "production": {"certificate_of_origin": ["evidence/production/coo.pdf"]},
    }
    m.update(over)
    return m


def write_dossier(root: Path, m: dict | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "dossier.yaml").write_text(yaml.safe_dump(m or manifest(), allow_unicode=True, sort_keys=False), "utf-8")
    return root


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_check(path: Path, tmp_path: Path) -> tuple[int, dict]:
    """`originproof check` in a capped child; asserts time, and that the temp folder is left empty."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmpdir), "ORIGINPROOF_HOME": str(tmp_path / "home"), "OMP_THREAD_LIMIT": "1"}
    t0 = time.monotonic()
    p = subprocess.run([OP, "check", str(path), "--format", "json", "--no-record"], capture_output=True, text=True,
                       env=env, timeout=TIME_CAP_S, preexec_fn=_cap_memory)
    elapsed = time.monotonic() - t0
    assert p.returncode in (10, 20), (p.returncode, p.stderr[-3000:])
    assert elapsed < TIME_CAP_S
    left = sorted(x.name for x in tmpdir.iterdir() if not x.name.startswith("."))  # hidden: host markers
    assert left == [], left
    [line] = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    return p.returncode, json.loads(line)


def failing(report: dict, rule: str) -> list[dict]:
    out = [f for f in report["findings"] if f["rule"] == rule and f["status"] == "fail"]
    for f in out:  # every refusal explains itself in both languages
        assert f["message"]["en"] and any("\u4e00" <= ch <= "\u9fff" for ch in f["message"]["zh"])
    return out


def codes(report: dict, rule: str) -> dict[str, str]:
    return {f["facts"]["code"]: f["subject"] for f in failing(report, rule)}


# ------------------------------------------------------------------------------ manifests
def _manifest_case(tmp_path: Path, name: str, raw: bytes) -> dict:
    d = tmp_path / "d"
    d.mkdir()
    (d / name).write_bytes(raw)
    code, r = run_check(d, tmp_path)
    assert code == 20
    return codes(r, "INTAKE.MANIFEST")


def test_yaml_nested_200000_deep(tmp_path):
    assert "too_deep" in _manifest_case(tmp_path, "dossier.yaml", b"a: " + b"[" * 200_000 + b"]" * 200_000)


def test_json_nested_200000_deep(tmp_path):
    assert "too_deep" in _manifest_case(tmp_path, "dossier.json", b'{"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")


@pytest.mark.parametrize("name", ["dossier.yaml", "dossier.json"])
def test_integer_of_5000_digits(tmp_path, name):
    m = json.dumps(manifest()).replace('"S1"', "1" * 5000).encode()  # JSON is YAML too
    assert "number_too_long" in _manifest_case(tmp_path, name, m)


def test_billion_laughs_is_refused_before_expansion(tmp_path):
    laughs = b'lol1: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
        f"lol{i}: &{chr(97 + i - 1)} [{','.join(['*' + chr(97 + i - 2)] * 9)}]\n".encode() for i in range(2, 10))
    raw = yaml.safe_dump(manifest(), sort_keys=False).encode() + laughs
    assert "too_many_nodes" in _manifest_case(tmp_path, "dossier.yaml", raw)


def test_duplicate_merchant_block(tmp_path):
    raw = yaml.safe_dump(manifest(), sort_keys=False).encode() + b"merchant: {id: M-2, name: Other, uscc: X}\n"
    assert "duplicate_key" in _manifest_case(tmp_path, "dossier.yaml", raw)


def test_yaml_and_json_manifest_together(tmp_path):
    d = write_dossier(tmp_path / "d")
    (d / "dossier.json").write_text(json.dumps(manifest(merchant={"id": "M-2", "name": "Other", "uscc": "X"})))
    code, r = run_check(d, tmp_path)
    assert code == 20 and "two_manifests" in codes(r, "INTAKE.MANIFEST")


def test_manifest_symlink_out_of_root(tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(yaml.safe_dump(manifest()))
    d = tmp_path / "d"
    d.mkdir()
    os.symlink(outside, d / "dossier.yaml")
    code, r = run_check(d, tmp_path)
    assert code == 20 and "symlink_out" in codes(r, "INTAKE.MANIFEST")


def test_manifest_fifo(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    os.mkfifo(d / "dossier.yaml")  # reading it would block forever
    code, r = run_check(d, tmp_path)
    assert code == 20 and "not_regular" in codes(r, "INTAKE.MANIFEST")


# ------------------------------------------------------------------------------ files
def test_evidence_fifo_is_not_a_regular_file(tmp_path):
    d = write_dossier(tmp_path / "d")
    (d / "evidence/production").mkdir(parents=True)
    os.mkfifo(d / "evidence/production/coo.pdf")
    code, r = run_check(d, tmp_path)
    assert code == 20
    assert codes(r, "INTAKE.FILE").get("not_regular") == "production.certificate_of_origin[0]"


def test_costly_files_within_the_caps_are_refused_before_decoding(tmp_path):
    """A 7200 pt blank page, frames declaring 16000×15992, a truncated JPEG declaring 9000×8000 — stacked
    in one dossier, each a few KB."""
    d = write_dossier(tmp_path / "d")
    (d / "evidence/offline").mkdir(parents=True)
    (d / "evidence/production").mkdir(parents=True)
    big_page_pdf(d / "evidence/production/coo.pdf")
    huge_frame_mp4(d / "evidence/offline/store1.mp4")
    truncated_jpeg(d / "evidence/offline/receipt1.jpg")
    assert sum(f.stat().st_size for f in d.rglob("*") if f.is_file()) < 64 * 1024
    code, r = run_check(d, tmp_path)
    assert code == 20
    costly = {f["subject"] for f in failing(r, "INTAKE.FILE") if f["facts"]["code"] == "too_costly"}
    assert costly == {"production.certificate_of_origin[0]", "distribution.offline[0].video",
                      "distribution.offline[0].receipt"}
    assert all("too costly" in f["message"]["en"] for f in failing(r, "INTAKE.FILE"))


# ------------------------------------------------------------------------------ zips
def _zip(tmp_path: Path, members: list[tuple[str, bytes]]) -> Path:
    z = tmp_path / "d.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("dossier.yaml", yaml.safe_dump(manifest()))
        for name, data in members:
            zf.writestr(name, data)
    return z


def test_zip_file_and_folder_of_one_name(tmp_path):
    z = _zip(tmp_path, [("evidence", b"a file"), ("evidence/offline/store1.mp4", b"\0" * 64)])
    code, r = run_check(z, tmp_path)
    assert code == 20
    c = codes(r, "INTAKE.FILE")
    assert c.get("path_collision") in ("distribution.offline[0].video", "distribution.offline[0].receipt",
                                       "production.certificate_of_origin[0]")


def test_zip_file_then_folder_of_the_same_name(tmp_path):
    z = _zip(tmp_path, [("evidence/production/coo.pdf", b"%PDF-1.7"), ("evidence/production/coo.pdf/x", b"x")])
    code, r = run_check(z, tmp_path)
    assert code == 20
    assert codes(r, "INTAKE.FILE").get("path_collision") == "production.certificate_of_origin[0]"


def test_zip_names_differing_only_in_case(tmp_path):
    z = _zip(tmp_path, [("evidence/production/coo.pdf", b"%PDF-1.7"), ("evidence/production/COO.pdf", b"%PDF-1.7")])
    code, r = run_check(z, tmp_path)
    assert code == 20
    assert codes(r, "INTAKE.FILE").get("path_collision") == "production.certificate_of_origin[0]"


# ------------------------------------------------------------------------------ listings
def test_truncated_warc_leaves_the_listing_unobserved_and_says_so(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    url = "https://www.amazon.co.jp/dp/B000000000"
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    body = b"<html><body><h1>Example Face cream</h1><span>In stock</span>" + b" " * 4000 + b"</body></html>"
    w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    warc = tmp_path / "captures.warc"
    warc.write_bytes(buf.getvalue()[:-1500])  # cut inside the page
    d = write_dossier(tmp_path / "d", manifest(distribution={"online": [{"url": url}]}))
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    p = subprocess.run([OP, "check", str(d), "--format", "json", "--no-record", "--web-archive", str(warc)],
                       capture_output=True, text=True, timeout=TIME_CAP_S, preexec_fn=_cap_memory,
                       env={**os.environ, "TMPDIR": str(tmpdir), "ORIGINPROOF_HOME": str(tmp_path / "home")})
    assert p.returncode in (10, 20), p.stderr[-3000:]
    r = json.loads(p.stdout)
    listing = [f for f in r["findings"] if f["rule"].startswith("DIST.ONLINE") and f["subject"].startswith(
        "distribution.online[0]")]
    status = {f["rule"]: f["status"] for f in listing}
    assert status["DIST.ONLINE.LISTING"] == "unknown" and status["DIST.ONLINE.STABLE"] == "unknown"
    assert any("truncated" in n for n in r["extracted"][url]["notes"])  # said plainly, not used in part


def test_dossier_given_as_a_fifo(tmp_path):
    fifo = tmp_path / "d.zip"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    code, r = run_check(fifo, tmp_path)
    assert code == 20 and "not_regular" in codes(r, "INTAKE.MANIFEST") and r["dossier"]["sha256"]
