"""DIST.OFFLINE.MIN_STORES counts what is still open, and who settles it, instead of 'only 0 pass'."""
from __future__ import annotations

from originproof.dossier.manifest import Manifest
from originproof.facts import DossierFacts
from originproof.findings import Finding, msg
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules.base import DEFERRED_TO_SUBMISSION, RuleContext
from originproof.rules.route import min_stores as min_stores_rule

POLICY, REG = load_policy(), default_registry()
MANIFEST = Manifest.model_validate({
    "format": "originproof/dossier@1", "submitted_at": "2026-06-15T10:00:00+08:00",
    "merchant": {"id": "M-1", "name": "示例贸易有限公司", "uscc": "91310115MA1K3XXXX1"},
    "brand": {"name": "Examplebrand", "origin_country": "JP", "owner": "Examplebrand Co., Ltd."},
    "products": [{"sku": "P1", "name": "Examplebrand lotion", "category": "cosmetics"}],
    "distribution": {"offline": [{"store": {"chain": chain, "branch": "Main", "country": "JP"}, "video": f"v{i}.mp4"}
                                 for i, chain in enumerate(("Examplemart", "Otherstore", "Thirdshop"))]}})


def visit(i: int, status: str, **facts) -> Finding:
    return Finding(rule="DIST.OFFLINE.RECEIPT", subject=f"distribution.offline[{i}]", status=status,
                   message=msg("说明", "what"), facts=facts)


def min_stores(*prior: Finding) -> Finding:
    ctx = RuleContext(facts=DossierFacts(manifest=MANIFEST, evaluated_at=MANIFEST.submitted_at), policy=POLICY,
                      registry=REG, prior=prior)
    [f] = min_stores_rule(ctx)
    return f


def test_open_visits_are_counted_as_still_to_be_confirmed_not_as_only_zero_passing():
    f = min_stores(visit(0, "unknown"), visit(1, "unknown"), visit(2, "unknown"))
    assert f.status == "unknown"
    assert "0 confirmed, 3 still to be confirmed by a person" in f.message.en and "only" not in f.message.en
    assert "3 家待人工核查确认" in f.message.zh and f.facts["to_confirm_by_person"] == 3


def test_a_store_waiting_only_for_the_reuse_check_at_submission_is_not_a_persons_task():
    f = min_stores(visit(0, "pass"), visit(1, "unknown"), visit(2, "unknown", **DEFERRED_TO_SUBMISSION))
    assert f.status == "unknown"  # the outcome does not change
    assert "1 confirmed, 1 still to be confirmed by a person" in f.message.en
    assert "1 to be confirmed when the dossier is submitted" in f.message.en and "目前无需处理" in f.message.zh
    assert f.facts["to_confirm_by_person"] == 1 and f.facts["to_confirm_at_submission"] == 1
