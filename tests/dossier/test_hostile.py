"""Hostile and careless input, end to end through `originproof check`: every case ends with a report
(reject or review: exit 20 or 10) carrying the right INTAKE finding, within a generous time and memory
cap, and leaves nothing in the temporary folder. Fixtures are generated here, a few KB each.

All cases go through ONE capped `check` run (it takes many dossiers and prints a JSON line each):
one process start instead of sixteen, and the caps then bound the whole stack of attacks."""
from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path
from typing import Callable

import pytest
import yaml

from tests.dossier.hostile import big_page_pdf, huge_frame_mp4, huge_image_pdf, truncated_jpeg

OP = str(Path(sys.executable).parent / "originproof")
MEMORY_CAP = 3 * 1024 ** 3  # address space of the check process: generous, a runaway hits it
TIME_CAP_S = 300  # generous: a hang or a minutes-long decode fails, ordinary slowness does not
LISTING_URL = "https://www.amazon.co.jp/dp/B000000000"


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


def _manifest_only(name: str, raw: bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        d.mkdir()
        (d / name).write_bytes(raw)
        return d
    return make


def _laughs() -> bytes:
    return b'lol1: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
        f"lol{i}: &{chr(97 + i - 1)} [{','.join(['*' + chr(97 + i - 2)] * 9)}]\n".encode() for i in range(2, 10))


def _both_manifests(d: Path) -> Path:
    write_dossier(d)
    (d / "dossier.json").write_text(json.dumps(manifest(merchant={"id": "M-2", "name": "Other", "uscc": "X"})))
    return d


def _manifest_link_out(d: Path) -> Path:
    outside = d.parent / f"{d.name}-elsewhere.yaml"
    outside.write_text(yaml.safe_dump(manifest()))
    d.mkdir()
    os.symlink(outside, d / "dossier.yaml")
    return d


def _manifest_fifo(d: Path) -> Path:
    d.mkdir()
    os.mkfifo(d / "dossier.yaml")  # reading it would block forever
    return d


def _evidence_fifo(d: Path) -> Path:
    write_dossier(d)
    (d / "evidence/production").mkdir(parents=True)
    os.mkfifo(d / "evidence/production/coo.pdf")
    return d


def _costly(d: Path) -> Path:
    """A 7200 pt blank page, an A4 page embedding a 40000×40000 image, frames declaring 16000×15992, a
    truncated JPEG declaring 9000×8000 — stacked in one dossier, a few KB in all."""
    write_dossier(d, manifest(production={"certificate_of_origin": ["evidence/production/coo.pdf"],
                                          "factory_licence": ["evidence/production/licence.pdf"]}))
    (d / "evidence/offline").mkdir(parents=True)
    (d / "evidence/production").mkdir(parents=True)
    big_page_pdf(d / "evidence/production/coo.pdf")
    huge_image_pdf(d / "evidence/production/licence.pdf")
    huge_frame_mp4(d / "evidence/offline/store1.mp4")
    truncated_jpeg(d / "evidence/offline/receipt1.jpg")
    assert sum(f.stat().st_size for f in d.rglob("*") if f.is_file()) < 64 * 1024
    return d


def _zip(members: list[tuple[str, bytes]]) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        z = d.with_suffix(".zip")
        with warnings.catch_warnings(), zipfile.ZipFile(z, "w") as zf:
            warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point of one case
            zf.writestr("dossier.yaml", yaml.safe_dump(manifest()))
            for name, data in members:
                zf.writestr(name, data)
        return z
    return make


def _fifo_source(d: Path) -> Path:
    fifo = d.with_suffix(".zip")
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    return fifo


def _online_only(d: Path) -> Path:
    return write_dossier(d, manifest(distribution={"online": [{"url": LISTING_URL}]}))


def _truncated_warc(path: Path) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    body = b"<html><body><h1>Example Face cream</h1><span>In stock</span>" + b" " * 4000 + b"</body></html>"
    w.write_record(w.create_warc_record(LISTING_URL, "response", payload=io.BytesIO(body), http_headers=http))
    path.write_bytes(buf.getvalue()[:-1500])  # cut inside the page
    return path


def _manifest_json_long_int() -> bytes:
    return json.dumps(manifest()).replace('"S1"', "1" * 5000).encode()  # JSON is YAML too


CASES: dict[str, Callable[[Path], Path]] = {
    "yaml_200000_deep": _manifest_only("dossier.yaml", b"a: " + b"[" * 200_000 + b"]" * 200_000),
    "json_200000_deep": _manifest_only("dossier.json", b'{"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"),
    "yaml_5000_digits": _manifest_only("dossier.yaml", _manifest_json_long_int()),
    "json_5000_digits": _manifest_only("dossier.json", _manifest_json_long_int()),
    "billion_laughs": _manifest_only("dossier.yaml", yaml.safe_dump(manifest(), sort_keys=False).encode() + _laughs()),
    "duplicate_merchant": _manifest_only("dossier.yaml", yaml.safe_dump(manifest(), sort_keys=False).encode()
                                         + b"merchant: {id: M-2, name: Other, uscc: X}\n"),
    "yaml_and_json": _both_manifests,
    "manifest_link_out": _manifest_link_out,
    "manifest_fifo": _manifest_fifo,
    "evidence_fifo": _evidence_fifo,
    "costly_files": _costly,
    "zip_file_and_folder": _zip([("evidence", b"a file"), ("evidence/offline/store1.mp4", b"\0" * 64)]),
    "zip_file_then_folder": _zip([("evidence/production/coo.pdf", b"%PDF-1.7"),
                                  ("evidence/production/coo.pdf/x", b"x")]),
    "zip_case_fold": _zip([("evidence/production/coo.pdf", b"%PDF-1.7"), ("evidence/production/COO.pdf", b"%PDF-1.7")]),
    "zip_manifest_twice": _zip([("dossier.yaml", yaml.safe_dump(manifest(merchant={"id": "M-2", "name": "Other",
                                                                                   "uscc": "X"})).encode())]),
    "fifo_source": _fifo_source,
    "truncated_warc": _online_only,
}


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict]:
    base = tmp_path_factory.mktemp("hostile")
    paths = [make(base / name) for name, make in CASES.items()]
    warc = _truncated_warc(base / "captures.warc")
    tmpdir = base / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "ORIGINPROOF_HOME": str(base / "home"), "OMP_THREAD_LIMIT": "1"}
    t0 = time.monotonic()
    p = subprocess.run([OP, "check", *map(str, paths), "--format", "json", "--no-record", "--web-archive", str(warc)],
                       capture_output=True, text=True, env=env, timeout=TIME_CAP_S, preexec_fn=_cap_memory)
    assert time.monotonic() - t0 < TIME_CAP_S
    assert p.returncode == 20, (p.returncode, p.stderr[-3000:])  # the worst verdict: a crash would be 1
    lines = [json.loads(ln) for ln in p.stdout.splitlines() if ln.startswith("{")]
    assert len(lines) == len(CASES)  # every dossier got a report, in order
    left = sorted(x.name for x in tmpdir.iterdir() if not x.name.startswith("."))  # hidden: host markers
    assert left == [], left
    return dict(zip(CASES, lines))


def failing(report: dict, rule: str) -> list[dict]:
    out = [f for f in report["findings"] if f["rule"] == rule and f["status"] == "fail"]
    for f in out:  # every refusal explains itself in both languages
        assert f["message"]["en"] and any("\u4e00" <= ch <= "\u9fff" for ch in f["message"]["zh"])
    return out


def codes(report: dict, rule: str) -> dict[str, str]:
    assert report["verdict"] in ("reject", "review")  # exit 20 or 10
    return {f["facts"]["code"]: f["subject"] for f in failing(report, rule)}


@pytest.mark.parametrize("case,code", [
    ("yaml_200000_deep", "too_deep"), ("json_200000_deep", "too_deep"),
    ("yaml_5000_digits", "number_too_long"), ("json_5000_digits", "number_too_long"),
    ("billion_laughs", "too_many_nodes"), ("duplicate_merchant", "duplicate_key"),
    ("yaml_and_json", "two_manifests"), ("manifest_link_out", "symlink_out"), ("manifest_fifo", "not_regular"),
    ("zip_manifest_twice", "path_collision"),
    ("fifo_source", "not_regular"),
])
def test_manifest_refusals_are_findings(reports, case, code):
    r = reports[case]
    assert r["verdict"] == "reject" and code in codes(r, "INTAKE.MANIFEST")
    assert r["dossier"]["sha256"]


def test_evidence_fifo_is_not_a_regular_file(reports):
    assert codes(reports["evidence_fifo"], "INTAKE.FILE").get("not_regular") == "production.certificate_of_origin[0]"


def test_costly_files_within_the_caps_are_refused_before_decoding(reports):
    failed = failing(reports["costly_files"], "INTAKE.FILE")
    assert {f["subject"] for f in failed if f["facts"]["code"] == "too_costly"} == {
        "production.certificate_of_origin[0]", "production.factory_licence[0]", "distribution.offline[0].video",
        "distribution.offline[0].receipt"}
    assert all("too costly" in f["message"]["en"] for f in failed)


@pytest.mark.parametrize("case,subjects", [
    ("zip_file_and_folder", {"distribution.offline[0].video", "distribution.offline[0].receipt",
                             "production.certificate_of_origin[0]"}),
    ("zip_file_then_folder", {"production.certificate_of_origin[0]"}),
    ("zip_case_fold", {"production.certificate_of_origin[0]"}),
])
def test_zip_path_collisions(reports, case, subjects):
    collided = {f["subject"] for f in failing(reports[case], "INTAKE.FILE") if f["facts"]["code"] == "path_collision"}
    assert collided and collided <= subjects
    assert reports[case]["verdict"] == "reject"


def test_truncated_warc_leaves_the_listing_unobserved_and_says_so(reports):
    r = reports["truncated_warc"]
    status = {f["rule"]: f["status"] for f in r["findings"] if f["subject"] == "distribution.online[0]"}
    assert status["DIST.ONLINE.LISTING"] == "unknown" and status["DIST.ONLINE.STABLE"] == "unknown"
    assert any("truncated" in n for n in r["extracted"][LISTING_URL]["notes"])  # said plainly, not used in part


def test_single_file_extract_keeps_the_budgets(tmp_path):
    from originproof.pipeline.single import extract_file
    from originproof.policy import load_policy
    from originproof.registry import default_registry

    for f in (big_page_pdf(tmp_path / "a.pdf"), huge_image_pdf(tmp_path / "b.pdf"), huge_frame_mp4(tmp_path / "v.mp4"), truncated_jpeg(tmp_path / "r.jpg")):
        out = extract_file(f, kind=None, url=None, origin="JP", policy=load_policy(), registry=default_registry())
        assert out["doc_type"] is None and out["error"].startswith("too costly to read")
