"""Whole sample dossiers (three store visits, receipt photos, production documents) through
pipeline.check_path with a store: every DIST.OFFLINE rule passes on a clean Japanese and a clean
Korean dossier — kana and Hangul signage, tills and receipts included."""
from __future__ import annotations

import pytest

from originproof.samples.dossier import write_dossier
from originproof.samples.spec import clean_spec
from tests.video.conftest import finding

pytestmark = pytest.mark.slow

VISIT_RULES = ("DIST.OFFLINE.STORE_COUNTRY", "DIST.OFFLINE.STORE_QUALIFIED", "DIST.OFFLINE.VIDEO_CONTINUOUS",
               "DIST.OFFLINE.VIDEO_STAGES", "DIST.OFFLINE.RECEIPT", "DIST.OFFLINE.VIDEO_ORIGINAL",
               "DIST.OFFLINE.VIDEO_UNIQUE")


@pytest.mark.parametrize("country", ["JP", "KR"])
def test_clean_full_dossier_passes_every_offline_rule(country, tmp_path_factory, checker):
    spec = clean_spec(country, 1)
    root = write_dossier(spec, tmp_path_factory.mktemp(f"full_{country}") / "dossier", video_seconds=6)
    db = tmp_path_factory.mktemp(f"full_{country}_store") / "s.db"
    res = checker(root, f"sqlite:///{db}")
    assert res.facts.reuse_checked
    for k in range(len(spec.stores)):
        sub = f"distribution.offline[{k}]"
        for rule in VISIT_RULES:
            f = finding(res, rule, sub)
            assert f["status"] == "pass", (rule, sub, f["message"]["en"])
        v = res.facts.videos[k]
        assert [m.stage for m in v.stage_marks][:1] == ["store"], v.stage_marks  # the sign was read
        assert {m.stage for m in v.stage_marks} == {"store", "shelf_pick", "payment", "receipt"}
    ms = finding(res, "DIST.OFFLINE.MIN_STORES", "dossier")
    assert ms["status"] == "pass" and ms["facts"]["passing_distinct"] == 3, ms["message"]["en"]
    # The receipt photos name the chain, not the branch line under it.
    chains = {r.get("chain_id") for r in res.facts.receipt_photos}
    assert len(chains) == 3 and None not in chains
