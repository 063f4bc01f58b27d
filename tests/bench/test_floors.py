"""CI ratchet: on the `ci` corpus no rule's detection may fall below its floor in floors.yaml and no
rule's false-fail rate on clean dossiers may rise above its ceiling. Raise the floors with
`originproof bench eval --size ci --update-floors` when a reader improves."""
from __future__ import annotations

import pytest

from originproof.bench import floors as fl
from originproof.bench.corpus import build_corpus
from originproof.bench.eval import check_corpus, score


@pytest.fixture(scope="session")
def ci_result(corpus_cache):
    floors = fl.load()
    entries = build_corpus(floors["corpus"], floors["seed"], corpus_cache, workers=2)
    results = check_corpus(entries, workers=2)
    return score(entries, results, floors["corpus"])


@pytest.mark.slow
def test_no_rule_falls_below_its_floor(ci_result):
    assert not ci_result.errors, ci_result.errors
    bad = fl.violations(ci_result, fl.load())
    assert not bad, "ratchet broken:\n" + "\n".join(bad)


@pytest.mark.slow
def test_every_covered_rule_is_measured(ci_result):
    from originproof.bench.defects import NOT_COVERED

    unmeasured = [r.rule for r in ci_result.rules.values() if r.expected == 0 and r.rule not in NOT_COVERED]
    assert not unmeasured, unmeasured
    assert ci_result.n_clean >= 3
