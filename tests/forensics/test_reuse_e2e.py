"""End to end through pipeline.check_path with a SQLite store: what counts as reuse across dossiers."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from originproof.pipeline.check import CheckOptions, check_path
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.samples.dossier import write_dossier
from originproof.samples.spec import clean_spec
from originproof.store import Store


def _find(report, rule, subject):
    return [f for f in report["findings"] if f["rule"] == rule and f["subject"] == subject]


def _status(report, rule, subject):
    fs = _find(report, rule, subject)
    assert fs, f"no {rule} finding on {subject}"
    return fs[0]["status"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    base = tmp_path_factory.mktemp("reuse")
    store = Store(f"sqlite:///{base / 's.db'}")
    opts = CheckOptions(policy=load_policy(None), registry=default_registry(), store=store, record=True)
    a = write_dossier(clean_spec("JP", 1), base / "a", offline=False)
    return base, store, opts, a


def _variant(src: Path, dst: Path, *, merchant: str | None = None, brand: str | None = None, uscc: str | None = None) -> Path:
    shutil.copytree(src, dst)
    m = yaml.safe_load((dst / "dossier.yaml").read_text("utf-8"))
    if merchant:
        m["merchant"]["id"] = merchant
    if uscc:
        m["merchant"]["uscc"] = uscc
    if brand:
        m["brand"]["name"] = brand
    m["submitted_at"] = m["submitted_at"].replace("10:00", "10:05")  # a distinct dossier digest
    (dst / "dossier.yaml").write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst


def test_reuse_semantics(env):
    base, store, opts, a = env
    r1 = check_path(a, opts).report
    assert _status(r1, "AUTH.DUPLICATE", "production.certificate_of_origin[0]") == "pass"
    # Same dossier twice is not a duplicate.
    r2 = check_path(a, opts).report
    assert all(f["status"] != "fail" for f in r2["findings"] if f["rule"] == "AUTH.DUPLICATE")
    # Same merchant + brand resubmitting (new digest) is not reuse.
    b = _variant(a, base / "b")
    r3 = check_path(b, opts).report
    assert r3["dossier"]["sha256"] != r1["dossier"]["sha256"]
    assert all(f["status"] != "fail" for f in r3["findings"] if f["rule"] == "AUTH.DUPLICATE")
    # Another merchant reusing the CoO → fail naming the other dossier(s).
    c = _variant(a, base / "c", merchant="M-999999", uscc="91310000MA1FL8TQ2X")
    r4 = check_path(c, opts).report
    coo = _find(r4, "AUTH.DUPLICATE", "production.certificate_of_origin[0]")[0]
    assert coo["status"] == "fail" and coo["severity"] == "fraud"
    # The reviewer sees the other dossier; the seller's message names no other merchant, brand or dossier.
    assert r1["dossier"]["sha256"] in coo["facts"]["reviewer"]["other_dossiers"]
    for leak in (r1["dossier"]["merchant_id"], r1["dossier"]["brand"], r1["dossier"]["sha256"][:12]):
        assert leak not in coo["message"]["en"] and leak not in coo["message"]["zh"], leak
        assert all(leak not in str(e) for e in coo["evidence"]), leak
    assert "submitted before by another account" in coo["message"]["en"] and "其他账户" in coo["message"]["zh"]
    assert r1["dossier"]["merchant_id"] not in str(coo)  # not even in the reviewer-only facts
    assert coo["remedy"]["zh"] and coo["remedy"]["en"]
    # …and the factory licence, shared by one factory, is not reuse by itself (same licence).
    assert _status(r4, "AUTH.DUPLICATE", "production.factory_licence[0]") == "pass"
    # The earlier dossier is flagged for re-check.
    assert store.dossier_flagged(r1["dossier"]["sha256"])
    # …and re-checking it does not turn the owner into a re-user of its own evidence: the first
    # submission owns the fingerprint.
    r5 = check_path(a, opts).report
    assert r5["dossier"]["sha256"] == r1["dossier"]["sha256"]
    assert all(f["status"] == "pass" for f in r5["findings"] if f["rule"] == "AUTH.DUPLICATE"), \
        [f["message"]["en"] for f in r5["findings"] if f["rule"] == "AUTH.DUPLICATE" and f["status"] != "pass"]
    # The re-user checked again still fails.
    r6 = check_path(c, opts).report
    assert _status(r6, "AUTH.DUPLICATE", "production.certificate_of_origin[0]") == "fail"


def test_shared_factory_licence_across_brands(env):
    base, store, opts, a = env
    # Another brand of the same owner/factory: its own CoO/customs/agreement, the same licence file.
    s1 = clean_spec("JP", 1)
    s2 = clean_spec("JP", 2)
    prods = [replace(p, name=p.name.replace("Hadaluna", "Kiyora") + " Deluxe", name_local=p.name_local.replace("ハダルナ", "キヨラ"),
                     sku=p.sku + "K") for p in s2.products]
    # Same factory (and so the same licence), another brand owner and importer with their own shipment.
    s2 = s2.with_(brand="Kiyora", brand_local="キヨラ", merchant_id="M-777777", merchant_name="杭州清禾跨境贸易有限公司",
                  products=prods, factory=s1.factory)
    d = write_dossier(s2, base / "d", offline=False)
    shutil.copy(a / "evidence/production/licence.pdf", d / "evidence/production/licence.pdf")
    r = check_path(d, opts).report
    assert _status(r, "AUTH.DUPLICATE", "production.factory_licence[0]") == "pass"
    # Its own production documents were never seen elsewhere.
    cu = _find(r, "AUTH.DUPLICATE", "production.customs_declaration[0]")[0]
    assert cu["status"] == "pass", cu["message"]["en"]


def test_unknown_without_store(tmp_path):
    a = write_dossier(clean_spec("KR", 3), tmp_path / "a", offline=False)
    r = check_path(a, CheckOptions(policy=load_policy(None), registry=default_registry(), store=None)).report
    assert _status(r, "AUTH.DUPLICATE", "production.certificate_of_origin[0]") == "unknown"


def test_template_reuse_with_changed_number_and_dates(env):
    base, store, opts, a = env
    from datetime import timedelta

    s1 = clean_spec("JP", 1)
    # Another merchant re-types the first dossier's CoO and customs form with new numbers and dates.
    s3 = s1.with_(merchant_id="M-555555", coo_date=s1.coo_date + timedelta(days=3),
                  customs_declared=s1.customs_declared + timedelta(days=4), customs_number=s1.customs_number[:-4] + "7777",
                  extras={"coo_number": s1.coo_number[:-3] + "999"})
    e = write_dossier(s3, base / "e", offline=False)
    r = check_path(e, opts).report
    slots = ["certificate_of_origin"]
    if r["extracted"].get("evidence/production/customs.pdf", {}).get("fields", {}).get("lines"):
        slots.append("customs_declaration")  # a re-typed declaration is judged on its goods lines too
    for slot in slots:
        f = _find(r, "AUTH.DUPLICATE", f"production.{slot}[0]")[0]
        assert f["status"] == "fail" and f["severity"] == "fraud", (slot, f["message"]["en"])
        assert f["facts"]["reviewer"]["other_dossiers"]
