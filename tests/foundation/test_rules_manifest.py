"""Rules that need only the manifest and the registries, tested on plain facts objects (no files)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from originproof.dossier.manifest import Manifest
from originproof.facts import DossierFacts, Unread
from originproof.facts.documents import CertificateOfOrigin, FactoryLicence
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules import run_rules
from originproof.verdict import decide

CST = timezone(timedelta(hours=8))
POLICY = load_policy()
REG = default_registry()


def manifest(**over) -> dict:
    m = {
        "format": "originproof/dossier@1",
        "submitted_at": "2026-06-15T10:00:00+08:00",
        "merchant": {"id": "M-1", "name": "上海澄源国际贸易有限公司", "uscc": "91310115MA1K3XXXX1"},
        "brand": {"name": "Hadaluna", "origin_country": "JP", "owner": "Hadaluna Cosmetics Co., Ltd."},
        "products": [{"sku": "P1", "name": "Hadaluna mask", "category": "cosmetics"}],
        "distribution": {"offline": [
            {"store": {"chain": "Matsumoto Kiyoshi", "branch": "Shinjuku", "country": "JP"}, "video": "v1.mp4"},
            {"store": {"chain": "イオン", "branch": "Makuhari", "country": "JP"}, "video": "v2.mp4"},
            {"store": {"chain": "Sugi Pharmacy", "branch": "Sakae", "country": "JP"}, "video": "v3.mp4"}]},
        "production": {"certificate_of_origin": ["coo.pdf"], "factory_licence": ["lic.pdf"],
                       "production_agreement": ["agr.pdf"], "customs_declaration": ["cus.pdf"]},
    }
    for k, v in over.items():
        cur = m
        keys = k.split("__")
        for kk in keys[:-1]:
            cur = cur[kk]
        if v is None:
            cur.pop(keys[-1], None)
        else:
            cur[keys[-1]] = v
    return m


def judge(m: dict, **facts_kw):
    man = Manifest.model_validate(m)
    # As the pipeline does: every supplied document is present in the facts, unread until a reader reads it.
    facts_kw.setdefault("documents", {slot: [Unread(files=pages, reason="not read in this test")
                                             for pages in man.production.documents(slot)]
                                      for slot in ("certificate_of_origin", "factory_licence",
                                                   "production_agreement", "customs_declaration")})
    f = DossierFacts(manifest=man, evaluated_at=man.submitted_at, digest="x" * 64, **facts_kw)
    out = run_rules(f, POLICY, REG)
    return out, decide(out, POLICY)


def by(findings, rule, subject=None):
    return [f for f in findings if f.rule == rule and (subject is None or f.subject == subject)]


def test_every_catalogue_rule_reports():
    out, v = judge(manifest())
    rules = {f.rule for f in out}
    catalogue = {"INTAKE.MANIFEST", "INTAKE.FILE", "PROCESS.DEADLINE", "DIST.ROUTE", "DIST.OFFLINE.MIN_STORES",
                 "DIST.OFFLINE.STORE_COUNTRY", "DIST.OFFLINE.STORE_QUALIFIED", "DIST.OFFLINE.VIDEO_CONTINUOUS",
                 "DIST.OFFLINE.VIDEO_STAGES", "DIST.OFFLINE.RECEIPT", "DIST.OFFLINE.VIDEO_ORIGINAL",
                 "DIST.OFFLINE.VIDEO_UNIQUE", "DIST.ONLINE.PLATFORM", "DIST.ONLINE.LISTING", "DIST.ONLINE.STABLE",
                 "PROD.COO.PRESENT", "PROD.COO.ISSUER", "PROD.COO.ORIGIN", "PROD.COO.GOODS", "PROD.FACTORY.PRESENT",
                 "PROD.FACTORY.VALID", "PROD.FACTORY.SCOPE", "PROD.FACTORY.COUNTRY", "PROD.AGREEMENT.PRESENT",
                 "PROD.AGREEMENT.PARTIES", "PROD.AGREEMENT.TERM", "PROD.AGREEMENT.PRODUCTS", "PROD.CUSTOMS.PRESENT",
                 "PROD.CUSTOMS.RECENT", "PROD.CUSTOMS.FORM", "PROD.CUSTOMS.GOODS", "PROD.CUSTOMS.IMPORTER",
                 "CHAIN.MANUFACTURER", "CHAIN.ORIGIN", "CHAIN.PRODUCTS", "CHAIN.TIMELINE", "AUTH.PDF_EDITED",
                 "AUTH.SIGNATURE", "AUTH.IMAGE_EDITED", "AUTH.DUPLICATE", "AUTH.IDENTIFIERS"}
    assert catalogue <= rules
    assert v.verdict != "approve"  # unread evidence can never approve


def test_deadline_passed_is_overdue():
    out, v = judge(manifest(deadline="2026-06-14T23:59:59+08:00"))
    [f] = by(out, "PROCESS.DEADLINE")
    assert f.status == "fail" and f.severity == "overdue" and f.remedy
    assert v.verdict == "reject" and v.severity == "overdue"
    assert v.sanctions == ["reject_qualification", "ban_new_listings"]


def test_deadline_met_and_absent():
    out, _ = judge(manifest(deadline="2026-06-15T10:00:00+08:00"))
    assert by(out, "PROCESS.DEADLINE")[0].status == "pass"
    out, _ = judge(manifest())
    assert by(out, "PROCESS.DEADLINE")[0].status == "n/a"


def test_naive_deadline_is_china_time():
    # 10:00 CST submission vs a naive 09:00 deadline (read as CST) → late.
    out, _ = judge(manifest(deadline="2026-06-15T09:00:00"))
    assert by(out, "PROCESS.DEADLINE")[0].status == "fail"


def test_two_stores_fail_min_stores_and_route():
    m = manifest()
    m["distribution"]["offline"] = m["distribution"]["offline"][:2]
    out, v = judge(m)
    [f] = by(out, "DIST.OFFLINE.MIN_STORES")
    assert f.status == "fail" and f.facts["claimed_distinct"] == 2
    assert by(out, "DIST.ROUTE")[0].status == "fail" and v.verdict == "reject"


def test_same_store_three_times_counts_once():
    m = manifest()
    m["distribution"]["offline"] = [
        {"store": {"chain": "Matsumoto Kiyoshi", "branch": "Shinjuku", "country": "JP"}, "video": f"v{i}.mp4"}
        for i in range(3)]
    out, _ = judge(m)
    f = by(out, "DIST.OFFLINE.MIN_STORES")[0]
    assert f.status == "fail" and f.facts["claimed_distinct"] == 1


def test_zero_store_offline_route_without_online_is_manifest_error():
    m = manifest()
    m["distribution"]["offline"] = []
    with pytest.raises(Exception):
        Manifest.model_validate(m)


def test_store_in_other_country():
    m = manifest()
    m["distribution"]["offline"][1]["store"]["country"] = "KR"
    out, v = judge(m)
    f = by(out, "DIST.OFFLINE.STORE_COUNTRY", "distribution.offline[1]")[0]
    assert f.status == "fail" and f.severity == "nonconforming" and "KR" in f.message.en
    assert v.verdict == "reject"


def test_unqualified_store_and_chain_of_other_country():
    m = manifest()
    m["distribution"]["offline"][0]["store"]["chain"] = "Tanaka Corner Shop"
    m["distribution"]["offline"][2]["store"]["chain"] = "Walgreens"
    out, _ = judge(m)
    assert by(out, "DIST.OFFLINE.STORE_QUALIFIED", "distribution.offline[0]")[0].status == "fail"
    f = by(out, "DIST.OFFLINE.STORE_QUALIFIED", "distribution.offline[2]")[0]
    assert f.status == "fail" and "US" in f.message.en
    assert by(out, "DIST.OFFLINE.STORE_QUALIFIED", "distribution.offline[1]")[0].status == "pass"  # イオン = AEON


def test_pharmacy_chain_forbidden_country_hint():
    m = manifest(brand__origin_country="DE")
    for v in m["distribution"]["offline"]:
        v["store"]["country"] = "DE"
    m["distribution"]["offline"][0]["store"]["chain"] = "Apotheke am Markt"
    m["distribution"]["offline"][1]["store"]["chain"] = "dm-drogerie markt"
    out, _ = judge(m)
    f = by(out, "DIST.OFFLINE.STORE_QUALIFIED", "distribution.offline[0]")[0]
    assert f.status == "fail" and "dm" in f.message.en
    assert by(out, "DIST.OFFLINE.STORE_QUALIFIED", "distribution.offline[1]")[0].status == "pass"


@pytest.mark.parametrize("url,status", [
    ("https://www.amazon.co.jp/dp/B07XXXXXXX", "pass"),
    ("https://www.amazon.co.jp/s?k=hadaluna", "fail"),
    ("https://www.amazon.com/dp/B07XXXXXXX", "fail"),  # a US platform for a JP brand
    ("https://shop.example.com/hadaluna", "fail"),  # not a registry platform
    ("ftp://www.amazon.co.jp/dp/B07XXXXXXX", "fail"),
    ("https://evil-amazon.co.jp.attacker.net/dp/B07XXXXXXX", "fail"),
])
def test_online_platform(url, status):
    m = manifest()
    m["distribution"]["online"] = [{"url": url}]
    out, _ = judge(m)
    f = by(out, "DIST.ONLINE.PLATFORM", "distribution.online[0]")[0]
    assert f.status == status, (url, f.message.en)
    if status == "fail":
        assert f.evidence and f.remedy


def test_unused_route_is_na_not_unknown():
    out, _ = judge(manifest())
    for code in ("DIST.ONLINE.PLATFORM", "DIST.ONLINE.LISTING", "DIST.ONLINE.STABLE"):
        [f] = by(out, code)
        assert f.status == "n/a" and f.subject == "distribution.online"


def test_production_documents_missing():
    m = manifest()
    m["production"] = {"certificate_of_origin": [], "customs_declaration": None}
    out, v = judge(m)
    for code, subj in [("PROD.COO.PRESENT", "production.certificate_of_origin"),
                       ("PROD.CUSTOMS.PRESENT", "production.customs_declaration"),
                       ("PROD.FACTORY.PRESENT", "production.factory_licence"),
                       ("PROD.AGREEMENT.PRESENT", "production.production_agreement")]:
        [f] = by(out, code)
        assert f.status == "fail" and f.subject == subj and f.remedy is not None
    assert v.verdict == "reject" and v.sanctions == ["reject_qualification"]


def test_document_recognised_as_other_type_fails_present():
    m = manifest()
    lic = FactoryLicence(files=["cus.pdf"])
    docs = {"customs_declaration": [lic], "certificate_of_origin": [CertificateOfOrigin(files=["coo.pdf"])],
            "factory_licence": [Unread(files=["lic.pdf"], reason="x")], "production_agreement": []}
    out, _ = judge(m, documents=docs)
    f = by(out, "PROD.CUSTOMS.PRESENT")[0]
    assert f.status == "fail" and "factory_licence" in f.message.en
    assert by(out, "PROD.COO.PRESENT")[0].status == "pass"
    assert by(out, "PROD.FACTORY.PRESENT")[0].status == "unknown"


def test_repeat_fraud_adds_termination():
    from originproof.findings import Finding, msg
    fraud = [Finding(rule="PROD.COO.ORIGIN", subject="x", status="fail", severity="fraud", message=msg("a", "b"))]
    assert "terminate_cooperation" not in decide(fraud, POLICY, 0).sanctions
    assert "terminate_cooperation" in decide(fraud, POLICY, 1).sanctions


def test_policy_override_changes_threshold(tmp_path):
    from originproof.policy import load_policy
    p = tmp_path / "p.yaml"
    p.write_text("offline: {min_stores: 2}\n")
    pol = load_policy(p)
    assert pol.offline.min_stores == 2 and pol.production.customs_max_age_days == 90
    bad = tmp_path / "bad.yaml"
    bad.write_text("offline: {min_storez: 2}\n")
    with pytest.raises(Exception):
        load_policy(bad)


def test_operator_registry_file_extends_chains(tmp_path):
    from originproof.registry import Registry
    (tmp_path / "chains.yaml").write_text(
        "chains:\n  - {id: jp_tanaka, country: JP, kind: supermarket, names: [Tanaka Corner Shop, 田中商店],"
        " source: 'operator: field visit 2026-05'}\n", "utf-8")
    reg = Registry.load([tmp_path])
    m = manifest()
    m["distribution"]["offline"][0]["store"]["chain"] = "田中商店"
    man = Manifest.model_validate(m)
    f = DossierFacts(manifest=man, evaluated_at=man.submitted_at, digest="x" * 64)
    out = run_rules(f, POLICY, reg)
    assert by(out, "DIST.OFFLINE.STORE_QUALIFIED", "distribution.offline[0]")[0].status == "pass"
    # …and the shipped entries are still there.
    assert reg.match_chain("マツモトキヨシ", "JP")[0] is not None


def test_report_order_does_not_depend_on_import_order(monkeypatch):
    """A worker process may import rule modules in another order than the CLI; the report must not change."""
    import random

    import originproof.rules.base as base
    first = [(f.rule, f.subject) for f in judge(manifest())[0]]
    blocks: dict[str, list] = {}
    for code, spec in base.RULES.items():  # modules register their rules in one block each
        blocks.setdefault(spec.fn.__module__, []).append((code, spec))
    order = list(blocks)
    random.Random(7).shuffle(order)
    monkeypatch.setattr(base, "RULES", {c: s for m in order for c, s in blocks[m]})
    import originproof.rules.engine as engine
    monkeypatch.setattr(engine, "RULES", base.RULES)
    monkeypatch.setattr(engine, "_SEQ", {})
    again = [(f.rule, f.subject) for f in judge(manifest())[0]]
    assert again == first
