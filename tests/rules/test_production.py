"""Production-proof rules name bodies, schemes and categories as a person reads them, never by a
registry id or a manifest code."""
from __future__ import annotations

import random
import re

from originproof.dossier.manifest import Manifest
from originproof.facts import DossierFacts, Fact
from originproof.facts.documents import CertificateOfOrigin, FactoryLicence
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules import run_rules
from originproof.samples.ids import make_uscc

POLICY, REG = load_policy(), default_registry()


def findings(rule: str, category: str = "cosmetics", origin: str = "JP", **documents) -> list[dict]:
    man = Manifest.model_validate({
        "format": "originproof/dossier@1", "submitted_at": "2026-06-15T10:00:00+08:00",
        "merchant": {"id": "M-1", "name": "示例贸易有限公司", "uscc": make_uscc(random.Random(5))},
        "brand": {"name": "Examplebrand", "origin_country": origin, "owner": "Examplebrand Co., Ltd."},
        "products": [{"sku": "P1", "name": "Examplebrand lotion", "category": category}],
        "distribution": {"online": [{"platform": "amazon_jp", "url": "https://www.amazon.co.jp/dp/B000EXAMPL"}]},
        "production": {"certificate_of_origin": ["coo.pdf"], "factory_licence": ["lic.pdf"]}})
    facts = DossierFacts(manifest=man, evaluated_at=man.submitted_at, documents=documents)
    return [f.to_report() for f in run_rules(facts, POLICY, REG) if f.rule == rule]


def sure(value) -> Fact:
    return Fact(value=value, confidence=1.0)


def test_the_licensed_scope_names_the_category_in_chinese_in_the_chinese_message():
    lic = FactoryLicence(files=["lic.pdf"], activities=sure(["化粧品製造業"]))
    [f] = findings("PROD.FACTORY.SCOPE", factory_licence=[lic])
    assert f["status"] == "pass" and "化妆品" in f["message"]["zh"] and "cosmetics" not in f["message"]["zh"]
    [f] = findings("PROD.FACTORY.SCOPE", category="mother_baby", factory_licence=[lic])
    assert f["status"] == "fail"
    assert "母婴用品" in f["message"]["zh"] and "mother & baby" in f["message"]["en"]
    assert "mother_baby" not in f["message"]["zh"] + f["message"]["en"]


def test_a_scheme_that_covers_the_category_is_named_not_given_by_its_registry_id():
    lic = FactoryLicence(files=["lic.pdf"], scheme=sure("jp_cosmetics_mfg_licence"))
    [f] = findings("PROD.FACTORY.SCOPE", factory_licence=[lic])
    assert f["status"] == "pass"
    assert "Cosmetics Manufacturing Licence" in f["message"]["en"] and "化粧品製造業許可" in f["message"]["zh"]
    assert "jp_cosmetics_mfg_licence" not in f["message"]["en"] + f["message"]["zh"]
    assert not re.search(r"[A-Za-z]", f["message"]["zh"])


def test_an_official_issuer_is_named_as_printed_not_by_its_registry_id():
    coo = CertificateOfOrigin(files=["coo.pdf"], issuer=sure("大阪商工会議所 Osaka Chamber of Commerce and Industry"),
                              certificate_number=sure("JP26-000001"))
    [f] = findings("PROD.COO.ISSUER", certificate_of_origin=[coo])
    assert f["status"] == "pass"
    assert "Osaka Chamber of Commerce and Industry" in f["message"]["en"] and "大阪商工会議所" in f["message"]["zh"]
    assert "jp_local_chambers" not in f["message"]["en"] + f["message"]["zh"]
    assert f["facts"]["issuer_id"] == "jp_local_chambers"  # machines keep the id


def test_a_certificate_that_stands_in_only_with_another_names_both_documents():
    iso = FactoryLicence(files=["lic.pdf"], scheme=sure("de_iso22716"), licence_number=sure("DE-22716-0001"),
                         issue_date=sure("2025-01-10"))
    [f] = findings("PROD.FACTORY.VALID", origin="DE", factory_licence=[iso])
    assert f["status"] == "fail" and f["facts"]["missing"] == ["de_company_register"]
    said = f["message"]["en"] + f["message"]["zh"] + f["remedy"]["en"] + f["remedy"]["zh"]
    assert "Handelsregisterauszug" in said and "_" not in said


def test_activities_that_name_no_known_activity_are_left_to_a_person_not_failed():
    lic = FactoryLicence(files=["lic.pdf"], activities=sure(["RAH"]))  # a small caption misread as the value
    [f] = findings("PROD.FACTORY.SCOPE", factory_licence=[lic])
    assert f["status"] == "unknown" and "RAH" in f["message"]["en"] and "人工核查" in f["message"]["zh"]
    food = FactoryLicence(files=["lic.pdf"], activities=sure(["健康食品製造業"]))  # another category's activity
    [f] = findings("PROD.FACTORY.SCOPE", factory_licence=[food])
    assert f["status"] == "fail"
