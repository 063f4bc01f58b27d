"""Store-visit findings name chains as the registry prints them, never by their ids, and say in
Chinese what they rest on."""
from __future__ import annotations

from originproof.dossier.manifest import Manifest
from originproof.facts import DossierFacts
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules import run_rules

POLICY, REG = load_policy(), default_registry()


def qualified(chain: str, rule: str = "DIST.OFFLINE.STORE_QUALIFIED") -> dict:
    man = Manifest.model_validate({
        "format": "originproof/dossier@1", "submitted_at": "2026-06-15T10:00:00+08:00",
        "merchant": {"id": "M-1", "name": "示例贸易有限公司", "uscc": "91310115MA1K3XXXX1"},
        "brand": {"name": "Examplebrand", "origin_country": "JP", "owner": "Examplebrand Co., Ltd."},
        "products": [{"sku": "P1", "name": "Examplebrand lotion", "category": "cosmetics"}],
        "distribution": {"offline": [{"store": {"chain": chain, "country": "JP"}, "video": "v1.mp4"}]}})
    out = run_rules(DossierFacts(manifest=man, evaluated_at=man.submitted_at), POLICY, REG)
    [f] = [f for f in out if f.rule == rule]
    return f.to_report()


def test_a_listed_chain_is_named_by_its_registry_name_not_its_id():
    f = qualified("イオン")
    assert f["status"] == "pass" and "(AEON)" in f["message"]["en"] and "（AEON）" in f["message"]["zh"]
    assert "jp_aeon" not in f["message"]["en"] + f["message"]["zh"] and f["facts"]["chain_id"] == "jp_aeon"
    same = qualified("AEON")
    assert same["message"]["en"].endswith("chain of JP")  # nothing to add when the claim spells it so


def test_a_chain_of_another_country_is_named_too():
    f = qualified("E-mart")
    assert f["status"] == "fail" and "(E-mart is a chain of KR)" in f["message"]["en"]
    assert "kr_emart" not in f["message"]["en"] + f["message"]["zh"]


def test_a_kana_or_company_form_name_is_not_given_as_the_chinese_name():
    f = qualified("Matsumoto Kiyoshi")
    assert f["status"] == "pass" and f["message"]["zh"].endswith("名录内连锁")  # 株式会社マツモトキヨシ is no Chinese


def test_the_store_country_basis_is_said_in_chinese():
    import re

    f = qualified("AEON", rule="DIST.OFFLINE.STORE_COUNTRY")
    assert f["status"] == "pass" and "依据：申报" in f["message"]["zh"] and not re.search(r"[a-z]", f["message"]["zh"])
    assert "per the claim" in f["message"]["en"] and f["facts"]["basis"] == "claim"
