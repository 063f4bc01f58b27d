"""The external set (../shared/devset: honest dossiers another tool made) holds its floors in CI:
field accuracy of the document readers, verdicts as expected, and at most the fails/warns per rule
recorded in bench/external_floors.yaml (ceilings only come down). Skipped where the set is absent."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from originproof.bench.external import run_external

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT.parent / "shared" / "devset"
FLOORS = ROOT / "src" / "originproof" / "bench" / "external_floors.yaml"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (DEVSET / "labels.json").exists(), reason="no ../shared/devset beside the repo")]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_external(DEVSET, workers=2, home=tmp_path_factory.mktemp("external"))


@pytest.fixture(scope="module")
def floors():
    return yaml.safe_load(FLOORS.read_text("utf-8"))


def test_field_accuracy_holds_its_floor(result, floors):
    for group in ("text", "image"):
        found, total = result.field_accuracy(group)
        assert total and found / total >= floors["field_accuracy"][group], (group, found, total)


def test_verdicts_and_rule_ceilings(result, floors):
    approved = sum(o.verdict == o.expected for o in result.outcomes)
    assert approved >= floors["verdicts_as_expected"], [(o.id, o.verdict, o.bad) for o in result.outcomes]
    per_rule = result.per_rule()
    ceilings = floors.get("ceilings") or {}
    for rule, counts in per_rule.items():
        for status in ("fail", "warn"):
            allowed = (ceilings.get(rule) or {}).get(status, 0)
            assert counts.get(status, 0) <= allowed, (rule, status, counts, allowed)


def test_no_fraud_finding_on_an_honest_dossier(result):
    fraud = [(o.id, r) for o in result.outcomes for r, s, _ in o.bad if s == "fail" and r.startswith("AUTH.")]
    assert not fraud, fraud
