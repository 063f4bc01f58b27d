"""Intake judges the manifest's own identifiers: a merchant's USCC must be one (GB 32100-2015)."""
from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import pytest

from originproof.dossier.intake import open_dossier
from originproof.facts import DossierFacts
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules import run_rules
from originproof.samples.ids import corrupt_check_digit, make_uscc

POLICY, REG = load_policy(), default_registry()
GOOD = make_uscc(random.Random(3))


def _manifest(uscc: str) -> dict:
    return {"format": "originproof/dossier@1", "submitted_at": "2026-06-15T10:00:00+08:00",
            "merchant": {"id": "M-1", "name": "示例贸易有限公司", "uscc": uscc},
            "brand": {"name": "Examplebrand", "origin_country": "JP", "owner": "Examplebrand Co., Ltd."},
            "products": [{"sku": "P1", "name": "Examplebrand lotion", "category": "cosmetics"}],
            "distribution": {"online": [{"url": "https://www.amazon.co.jp/dp/B000EXAMPL"}]}}


def _manifest_findings(tmp_path, uscc: str, name: str = "dossier.json"):
    (tmp_path / name).write_text(json.dumps(_manifest(uscc), ensure_ascii=False), "utf-8")
    with open_dossier(tmp_path, POLICY.intake, REG) as it:
        facts = DossierFacts(manifest=it.manifest, evaluated_at=datetime(2026, 6, 15, tzinfo=timezone.utc),
                             intake=it.problems)
    return [f for f in run_rules(facts, POLICY, REG) if f.rule == "INTAKE.MANIFEST"]


def test_a_valid_uscc_passes(tmp_path):
    assert [f.status for f in _manifest_findings(tmp_path, GOOD)] == ["pass"]


@pytest.mark.parametrize("name", ["dossier.json", "dossier.yaml"])
def test_a_wrong_check_character_is_a_manifest_fail_pointing_at_the_field(tmp_path, name):
    bad = corrupt_check_digit(GOOD)
    [f] = _manifest_findings(tmp_path, bad, name)
    assert f.status == "fail" and f.severity == "nonconforming" and f.facts["code"] == "bad_uscc"
    assert f.evidence == [{"file": name, "field": "merchant.uscc"}]
    assert bad in f.message.en and "check character" in f.message.en
    assert bad in f.message.zh and "校验码" in f.message.zh
    assert f.remedy is not None and "business licence" in f.remedy.en and "营业执照" in f.remedy.zh


def test_a_uscc_of_the_wrong_length_says_so(tmp_path):
    [f] = _manifest_findings(tmp_path, GOOD[:-1])
    assert f.status == "fail" and "17 characters" in f.message.en and "17 位" in f.message.zh


def test_letters_where_the_standard_allows_none_are_not_called_a_check_character_error(tmp_path):
    [f] = _manifest_findings(tmp_path, "Z" + GOOD[1:])
    assert f.status == "fail" and "check character" not in f.message.en and "form" in f.message.en



@pytest.mark.parametrize("written, meant", [("Japan", "JP"), ("日本", "JP"), ("JPN", "JP")])
def test_a_country_written_by_name_is_the_manifests_error_but_the_evidence_is_judged_against_it(tmp_path, written,
                                                                                              meant):
    m = _manifest(GOOD)
    m["brand"]["origin_country"] = written
    (tmp_path / "dossier.json").write_text(json.dumps(m, ensure_ascii=False), "utf-8")
    with open_dossier(tmp_path, POLICY.intake, REG) as it:
        assert it.manifest.brand.origin_country == meant  # rules compare evidence with Japan, not with "Japan"
        [p] = [p for p in it.problems if p.code == "bad_country"]
        assert meant in p.message_en and meant in p.message_zh and p.facts["value"] == written


def test_a_country_code_that_names_nothing_stays_as_written(tmp_path):
    m = _manifest(GOOD)
    m["brand"]["origin_country"] = "XX"
    (tmp_path / "dossier.json").write_text(json.dumps(m, ensure_ascii=False), "utf-8")
    with open_dossier(tmp_path, POLICY.intake, REG) as it:
        assert it.manifest.brand.origin_country == "XX"
        assert [p.code for p in it.problems] == ["bad_country"]
