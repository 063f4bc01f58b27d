"""Every PROD.*, CHAIN.* and AUTH.IDENTIFIERS rule: one dossier that must pass it and one that must
fail it, end to end through pipeline.check_path."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from originproof.samples import ids
from originproof.samples.spec import COUNTRIES, clean_spec
from tests.documents.conftest import findings

OURS = ("PROD.", "CHAIN.", "AUTH.IDENTIFIERS")


def _ours(report):
    return [f for f in report["findings"] if f["rule"].startswith(OURS)]


@pytest.mark.parametrize("country", ["JP", "KR", "US", "DE", "FR", "AU"])
def test_clean_dossier_passes_every_production_rule(check_spec, country):
    rep = check_spec(f"clean_{country}", clean_spec(country, 1))
    bad = [(f["rule"], f["subject"], f["status"], f["message"]["en"]) for f in _ours(rep)
           if f["status"] not in ("pass", "n/a")]
    assert not bad, bad
    rules = {f["rule"] for f in _ours(rep) if f["status"] == "pass"}
    assert {"PROD.COO.ISSUER", "PROD.FACTORY.VALID", "PROD.AGREEMENT.PARTIES", "PROD.CUSTOMS.GOODS",
            "CHAIN.MANUFACTURER", "CHAIN.ORIGIN", "CHAIN.PRODUCTS", "CHAIN.TIMELINE", "AUTH.IDENTIFIERS"} <= rules


def _other_products(spec):
    return [replace(p, name=f"Zebrafix Garden Hose {i} m", name_local=f"Zebrafix Garden Hose {i} m", hs_code="3917390000")
            for i, p in enumerate(spec.products, 1)]


def _defects():
    s = clean_spec("JP", 2)
    d0 = s.submitted_at.date()
    other_uscc = ids.make_uscc(__import__("random").Random(99))
    return {
        # rule: (spec, manifest edit, expected status, expected severity)
        "PROD.COO.ISSUER": (s.with_(coo_issuer="Acme Export Paperwork Services"), None, "fail", "nonconforming"),
        "PROD.COO.ORIGIN": (s.with_(extras={"coo_origin_name": "CHINA"}), None, "fail", "fraud"),
        "PROD.COO.GOODS": (s.with_(extras={"coo_products": _other_products(s)}), None, "fail", "nonconforming"),
        "PROD.FACTORY.VALID": (s.with_(licence_expires=d0 - timedelta(days=10),
                                       licence_issued=d0 - timedelta(days=5 * 365 + 10)), None, "fail", "nonconforming"),
        "PROD.FACTORY.SCOPE": (s.with_(extras={"licence_activities": ["菓子製造業"]}), None, "fail", "nonconforming"),
        "PROD.FACTORY.COUNTRY": (s.with_(extras={"factory_address": "Via Roma 1, 20121 Milano, Italy"}), None, "fail", "fraud"),
        "PROD.AGREEMENT.PARTIES": (s.with_(extras={"agreement_owner": "ミドリ商事株式会社",
                                                   "agreement_owner_en": "Midori Shoji Co., Ltd."}), None, "fail", "nonconforming"),
        "PROD.AGREEMENT.TERM": (s.with_(extras={"agreement_unsigned": True}), None, "fail", "nonconforming"),
        "PROD.AGREEMENT.PRODUCTS": (s.with_(extras={"agreement_products": _other_products(s),
                                                    "agreement_brand_line": "Zebrafix"}), None, "fail", "nonconforming"),
        "PROD.CUSTOMS.RECENT": (s.with_(extras={"customs_declared": d0 - timedelta(days=91)}), None, "fail", "nonconforming"),
        "PROD.CUSTOMS.FORM": (s.with_(extras={"customs_number": s.customs_number[:8] + "0" + s.customs_number[9:]}), None,
                              "fail", "nonconforming"),
        "PROD.CUSTOMS.GOODS": (s.with_(extras={"customs_origin": "CN"}), None, "fail", "fraud"),
        "PROD.CUSTOMS.IMPORTER": (s.with_(extras={"consignee_uscc": other_uscc}), None, "warn", "nonconforming"),
        "CHAIN.MANUFACTURER": (s.with_(extras={"coo_producer": "Acme Contract Manufacturing Co., Ltd."}), None, "fail", "fraud"),
        "CHAIN.ORIGIN": (s.with_(extras={"customs_origin": "KR"}), None, "fail", "fraud"),
        "CHAIN.PRODUCTS": (s.with_(extras={"customs_products": _other_products(s)}), None, "fail", "nonconforming"),
        "CHAIN.TIMELINE": (s.with_(agreement_signed=s.coo_date + timedelta(days=3),
                                   agreement_start=s.coo_date + timedelta(days=3)), None, "fail", "nonconforming"),
        "AUTH.IDENTIFIERS": (s.with_(extras={"consignee_uscc": ids.corrupt_check_digit(s.merchant_uscc)}), None, "fail", "fraud"),
        "PROD.CUSTOMS.PRESENT": (s, lambda m: m["production"].update(
            customs_declaration=m["production"]["factory_licence"]), "fail", "nonconforming"),
        "PROD.FACTORY.PRESENT": (s, lambda m: m["production"].update(factory_licence=[]), "fail", "nonconforming"),
        "PROD.COO.PRESENT": (s, lambda m: m["production"].update(
            certificate_of_origin=m["production"]["production_agreement"]), "fail", "nonconforming"),
        "PROD.AGREEMENT.PRESENT": (s, lambda m: m["production"].pop("production_agreement"), "fail", "nonconforming"),
    }


DEFECTS = _defects()


@pytest.mark.parametrize("code", sorted(DEFECTS))
def test_defect_fails_its_rule(check_spec, code):
    spec, edit, status, severity = DEFECTS[code]
    rep = check_spec(f"defect_{code}", spec, edit)
    fs = findings(rep, code)
    hit = [f for f in fs if f["status"] == status]
    assert hit, [(f["subject"], f["status"], f["message"]["en"]) for f in fs]
    f = hit[0]
    assert f["severity"] == severity
    assert f["message"]["zh"] and f["message"]["en"]
    if code not in ("PROD.FACTORY.PRESENT", "PROD.AGREEMENT.PRESENT"):  # nothing supplied: no file to point at
        assert f["evidence"], "a failing finding must point at the evidence"
    if code.startswith("CHAIN."):
        assert f["subject"] == "dossier"
    elif code.endswith(".PRESENT"):
        assert f["subject"].startswith("production.") and "[" not in f["subject"]
    else:
        assert f["subject"].startswith("production.") and f["subject"].endswith("[0]")
    assert rep["verdict"] in ("reject", "review")


def test_licence_filed_as_customs_is_reported_as_licence(check_spec):
    spec, edit, *_ = DEFECTS["PROD.CUSTOMS.PRESENT"]
    rep = check_spec("defect_PROD.CUSTOMS.PRESENT", spec, edit)
    f = findings(rep, "PROD.CUSTOMS.PRESENT")[0]
    assert "factory_licence" in f["message"]["en"]
    path = rep["extracted"]
    assert any(v.get("doc_type") == "factory_licence" for v in path.values())


def test_day_90_is_inside_the_customs_window(check_spec):
    s = clean_spec("KR", 3)
    d0 = s.submitted_at.date()
    rep = check_spec("day90", s.with_(extras={"customs_declared": d0 - timedelta(days=90)}))
    f = findings(rep, "PROD.CUSTOMS.RECENT")[0]
    assert f["status"] == "pass", f["message"]
    assert f["facts"]["age_days"] == 90


def test_agent_named_in_manifest_is_accepted_as_consignee(check_spec):
    s = clean_spec("JP", 4)
    agent = ids.make_uscc(__import__("random").Random(7))
    spec = s.with_(extras={"consignee_uscc": agent})
    rep = check_spec("agent", spec, lambda m: m["merchant"].update(agents=[{"name": "上海报关代理有限公司", "uscc": agent}]))
    assert findings(rep, "PROD.CUSTOMS.IMPORTER")[0]["status"] == "pass"


def test_all_preset_countries_are_known():
    assert {"JP", "KR", "US", "DE", "FR", "AU"} <= set(COUNTRIES)


def test_cross_script_manufacturer_without_bridge_is_unknown_not_pass(check_spec):
    s = clean_spec("JP", 5)
    spec = s.with_(extras={"agreement_factory_en": s.factory.name, "agreement_reg_numbers": False})
    rep = check_spec("cross_script", spec)
    f = findings(rep, "CHAIN.MANUFACTURER")[0]
    assert f["status"] == "unknown", f["message"]


def test_invalid_corporate_number_on_licence_is_fraud(check_spec):
    s = clean_spec("JP", 6)
    bad = s.factory.__class__(**{**s.factory.__dict__, "reg_no": ids.corrupt_check_digit(s.factory.reg_no[::-1])[::-1]})
    rep = check_spec("bad_corp_no", s.with_(factory=bad))
    f = [x for x in findings(rep, "AUTH.IDENTIFIERS") if x["subject"] == "production.factory_licence[0]"][0]
    assert f["status"] == "fail" and f["severity"] == "fraud", f["message"]
    ok = [x for x in findings(rep, "AUTH.IDENTIFIERS") if x["subject"] == "production.customs_declaration[0]"][0]
    assert ok["status"] == "pass"


def test_cbec_inventory_list_stands_for_the_declaration(check_spec):
    s = clean_spec("KR", 7)
    rep = check_spec("inventory", s.with_(extras={"customs_form": "inventory", "supervision_mode": "9610"}))
    assert findings(rep, "PROD.CUSTOMS.PRESENT")[0]["status"] == "pass"
    form = findings(rep, "PROD.CUSTOMS.FORM")[0]
    assert form["status"] == "pass", form["message"]
    ext = [v for k, v in rep["extracted"].items() if k.endswith("customs.pdf")][0]
    assert ext["fields"]["form"]["value"] == "inventory"


def test_inventory_list_under_general_trade_mode_fails_form(check_spec):
    s = clean_spec("KR", 8)
    rep = check_spec("inventory_0110", s.with_(extras={"customs_form": "inventory", "supervision_mode": "0110"}))
    assert findings(rep, "PROD.CUSTOMS.FORM")[0]["status"] == "fail"


def test_qr_payload_disagreeing_with_certificate_number_is_fraud(check_spec):
    s = clean_spec("AU", 9)
    rep = check_spec("qr_mismatch", s.with_(extras={"coo_qr_payload": "COO;AU26-000001;AU;20260101"}))
    f = [x for x in findings(rep, "AUTH.IDENTIFIERS") if x["subject"] == "production.certificate_of_origin[0]"][0]
    assert f["status"] == "fail" and f["severity"] == "fraud", f["message"]
    assert f["evidence"][0].get("bbox")


def test_gmp_certificate_without_register_extract_does_not_stand_in(check_spec):
    s = clean_spec("DE", 10)
    rep = check_spec("no_register", s.with_(extras={"no_register_extract": True}))
    f = findings(rep, "PROD.FACTORY.VALID")[0]
    # The companion is named as a person reads it (the scheme's printed name); its id stays in the facts.
    assert f["status"] == "fail" and "Handelsregisterauszug" in f["message"]["en"], f["message"]
    assert "de_company_register" in f["facts"]["missing"]
