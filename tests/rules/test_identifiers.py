"""AUTH.IDENTIFIERS on plain facts: an invalid credit code read by OCR that is one confusable character
from the code the dossier states (the merchant's) is a suspected misread (unknown), not fraud; the same
code stated by a text layer fails, and so does an OCR read that matches nothing the dossier states."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from originproof.dossier.manifest import Manifest
from originproof.facts import DossierFacts
from originproof.facts.base import Fact
from originproof.facts.documents import CustomsDeclaration
from originproof.policy import load_policy
from originproof.registry import Registry
from originproof.rules.base import RuleContext
from originproof.rules.identifiers import identifiers
from originproof.text.identifiers import confusable_with, uscc_valid

VALID = "91310115MA1K4DXB3R"


def _valid_code() -> str:
    # Any code whose check character is right: take a base and fix its last character.
    from originproof.text.identifiers import USCC_CHARS
    base = VALID[:17]
    return next(base + c for c in USCC_CHARS if uscc_valid(base + c))


def _ctx(uscc: str, confidence: float, merchant: str | None = None) -> RuleContext:
    m = Manifest.model_validate({
        "format": "originproof/dossier@1", "submitted_at": "2026-06-01T10:00:00+08:00",
        "merchant": {"id": "M-1", "name": "示例贸易有限公司", "uscc": merchant or _valid_code()},
        "brand": {"name": "Example", "origin_country": "JP", "owner": "Example KK"},
        "products": [{"sku": "P1", "name": "Example Cream", "category": "cosmetics"}],
        "distribution": {"online": [{"url": "https://www.amazon.co.jp/dp/B000000000"}]},
        "production": {"customs_declaration": ["c.pdf"]}})
    doc = CustomsDeclaration(consignee_uscc=Fact(value=uscc, confidence=confidence))
    facts = DossierFacts(manifest=m, evaluated_at=datetime(2026, 6, 1, tzinfo=timezone.utc),
                         documents={"customs_declaration": [doc]})
    return RuleContext(facts=facts, policy=load_policy(None), registry=Registry.load())


def _misread_of(code: str) -> str:
    # Swap one digit for the letter OCR confuses it with, where that breaks the check character.
    for i, ch in enumerate(code):
        alt = {"6": "G", "0": "O", "1": "I", "5": "S", "8": "B"}.get(ch)
        if alt and not uscc_valid(code[:i] + alt + code[i + 1:]) and 1 < i < 17:
            return code[:i] + alt + code[i + 1:]
    raise AssertionError("no confusable character")


def test_confusable_means_one_character_ocr_confuses():
    good = _valid_code()
    assert confusable_with(_misread_of(good), good)
    assert not confusable_with(good[:-2] + "XX", good)  # two characters, and not confusable ones


@pytest.mark.parametrize("confidence,status", [(0.95, "unknown"), (1.0, "fail")])
def test_ocr_misread_of_the_merchant_code_is_unknown_but_a_stated_invalid_code_fails(confidence, status):
    good = _valid_code()
    bad = _misread_of(good)
    assert confusable_with(bad, good)
    findings = list(identifiers(_ctx(bad, confidence, merchant=good)))
    assert [f.status for f in findings] == [status]


def test_an_invalid_ocr_code_that_matches_nothing_stated_still_fails():
    from originproof.text.identifiers import USCC_CHARS
    other = next("91440300MA5ABCDE" + a + b for a in USCC_CHARS for b in USCC_CHARS
                 if uscc_valid("91440300MA5ABCDE" + a + b))
    bad = _misread_of(other)  # one confusion from a valid code, but not from the merchant's
    findings = list(identifiers(_ctx(bad, 0.95)))
    assert [f.status for f in findings] == ["fail"]
