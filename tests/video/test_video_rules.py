"""End to end through pipeline.check_path: each generated store visit gives the expected status of
the expected DIST.OFFLINE rule."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from originproof.evidence.video.reader import ocr_budget
from originproof.rules.video import ordered_stages
from originproof.samples.video import visit_day
from tests.video.conftest import finding

pytestmark = pytest.mark.slow


def test_clean_visit_passes_video_rules_and_keeps_timeline(video_dossier, checker, jp):
    res = checker(video_dossier("clean", jp, [{"store": 0}]))
    for rule in ("DIST.OFFLINE.VIDEO_CONTINUOUS", "DIST.OFFLINE.VIDEO_STAGES", "DIST.OFFLINE.VIDEO_ORIGINAL",
                 "DIST.OFFLINE.RECEIPT", "DIST.OFFLINE.STORE_COUNTRY"):
        f = finding(res, rule)
        assert f["status"] == "pass", (rule, f["message"])
    # Without a store, earlier dossiers are not searched: uniqueness is not claimed.
    assert finding(res, "DIST.OFFLINE.VIDEO_UNIQUE")["status"] == "unknown"
    v = res.facts.videos[0]
    stages = v.stages.value
    # Each stage is found in the natural order along the take (a stage may be seen in several frames).
    assert list(ordered_stages(v.stage_marks)) == ["store", "shelf_pick", "payment", "receipt"]
    assert all(s["thumbnail"].startswith("data:image/jpeg;base64,") for s in stages)
    assert stages == sorted(stages, key=lambda s: s["t"])
    assert v.location_country.value == "JP" and v.ocr_calls <= ocr_budget(v.get("duration_s"))
    assert v.receipt_facts is not None and v.receipt_facts.get("chain_id") == "jp_matsumoto_kiyoshi"


def test_spliced_visit_fails_continuity(video_dossier, checker, jp):
    f = finding(checker(video_dossier("splice", jp, [{"store": 0, "splice": True}])), "DIST.OFFLINE.VIDEO_CONTINUOUS")
    assert f["status"] == "fail" and f["severity"] == "fraud"
    assert any("t" in e for e in f["evidence"])


def test_timestamp_jump_fails_continuity(video_dossier, checker, de):
    res = checker(video_dossier("gap", de, [{"store": 1, "pts_gap": 2.0}]))
    f = finding(res, "DIST.OFFLINE.VIDEO_CONTINUOUS")
    assert f["status"] == "fail"
    assert any(d.kind == "timestamp_jump" for d in res.facts.videos[0].discontinuities)


def test_missing_receipt_fails_stages_and_receipt(video_dossier, checker, jp):
    res = checker(video_dossier("noreceipt", jp, [{"store": 0, "stages": ["store", "shelf_pick", "payment"]}]))
    f = finding(res, "DIST.OFFLINE.VIDEO_STAGES")
    assert f["status"] == "fail" and f["facts"]["missing"] == ["receipt"]
    assert finding(res, "DIST.OFFLINE.RECEIPT")["status"] == "fail"


def test_missing_shelf_pick_fails_stages(video_dossier, checker, jp):
    f = finding(checker(video_dossier("noshelf", jp, [{"store": 0, "stages": ["store", "payment", "receipt"]}])),
                "DIST.OFFLINE.VIDEO_STAGES")
    assert f["status"] == "fail" and f["facts"]["missing"] == ["shelf_pick"]


def test_stages_out_of_order_fail(video_dossier, checker, de):
    f = finding(checker(video_dossier("order", de, [{"store": 1, "stages": ["store", "payment", "shelf_pick", "receipt"]}])),
                "DIST.OFFLINE.VIDEO_STAGES")
    assert f["status"] == "fail" and f["facts"]["order"] == ["store", "payment", "shelf_pick", "receipt"]


def test_clean_german_visit_passes_stages(video_dossier, checker, de):
    res = checker(video_dossier("de_clean", de, [{"store": 1}]))
    assert finding(res, "DIST.OFFLINE.VIDEO_STAGES")["status"] == "pass"
    assert finding(res, "DIST.OFFLINE.VIDEO_CONTINUOUS")["status"] == "pass"


def test_receipt_from_another_chain_fails(video_dossier, checker, jp):
    spec = jp.with_(extras={"receipt_chain": "ウエルシア薬局"})
    f = finding(checker(video_dossier("otherchain", spec, [{"store": 0}])), "DIST.OFFLINE.RECEIPT")
    assert f["status"] == "fail" and "welcia" in f["message"]["en"].lower()


def test_receipt_dated_a_week_off_fails(video_dossier, checker, jp):
    spec = jp.with_(extras={"receipt_date": visit_day(jp, 0) - timedelta(days=7)})
    f = finding(checker(video_dossier("weekoff", spec, [{"store": 0}])), "DIST.OFFLINE.RECEIPT")
    assert f["status"] == "fail" and "7 days" in f["message"]["en"]


def test_gps_in_another_country_fails_original_and_country(video_dossier, checker, jp):
    spec = jp.with_(extras={"video_location": (37.5636, 126.9850)})  # Seoul
    res = checker(video_dossier("gps_kr", spec, [{"store": 0}]))
    f = finding(res, "DIST.OFFLINE.VIDEO_ORIGINAL")
    assert f["status"] == "fail" and f["severity"] == "fraud" and f["facts"]["gps_country"] == "KR"
    assert finding(res, "DIST.OFFLINE.STORE_COUNTRY")["status"] == "fail"


def test_editing_app_tag_warns(video_dossier, checker, jp):
    f = finding(checker(video_dossier("capcut", jp, [{"store": 0, "software": "CapCut 12.1.0"}])),
                "DIST.OFFLINE.VIDEO_ORIGINAL")
    assert f["status"] == "warn" and "CapCut" in f["message"]["en"]


def test_same_video_twice_in_one_dossier_is_not_unique(video_dossier, checker, jp, tmp_path_factory):
    from originproof.samples.video import reencode_video

    base = video_dossier("clean", jp, [{"store": 0}])
    copy = reencode_video(base / "evidence/offline/visit1.mp4", tmp_path_factory.mktemp("re") / "small.mp4",
                          size=(480, 270), crf=30)
    res = checker(video_dossier("dup_within", jp, [{"store": 0, "file": base / "evidence/offline/visit1.mp4"},
                                                   {"store": 1, "file": copy}]))
    for sub in ("distribution.offline[0]", "distribution.offline[1]"):
        f = finding(res, "DIST.OFFLINE.VIDEO_UNIQUE", sub)
        assert f["status"] == "fail" and f["severity"] == "fraud"


def test_three_takes_of_one_store_count_once_and_are_not_duplicates(video_dossier, checker, jp):
    res = checker(video_dossier("one_store", jp, [{"store": 0, "seed": 11}, {"store": 0, "seed": 12},
                                                  {"store": 0, "seed": 13}]))
    ms = finding(res, "DIST.OFFLINE.MIN_STORES", "dossier")
    assert ms["status"] == "fail" and ms["facts"]["claimed_distinct"] == 1
    # Three genuine takes of one store are three recordings, not one recording reused.
    for k in range(3):
        f = finding(res, "DIST.OFFLINE.VIDEO_UNIQUE", f"distribution.offline[{k}]")
        assert f["status"] == "unknown", f["message"]


def test_reencoded_video_under_second_merchant(video_dossier, checker, jp, tmp_path_factory):
    import random

    from originproof.samples.ids import make_uscc
    from originproof.samples.video import reencode_video

    base = video_dossier("clean", jp, [{"store": 0}])
    db = tmp_path_factory.mktemp("store") / "s.db"
    url = f"sqlite:///{db}"
    first = checker(base, url, record=True)
    assert first.facts.reuse_checked
    assert finding(first, "DIST.OFFLINE.VIDEO_UNIQUE")["status"] == "pass"
    copy = reencode_video(base / "evidence/offline/visit1.mp4", tmp_path_factory.mktemp("re2") / "v.mp4",
                          size=(512, 288), crf=28)
    # The same merchant resubmitting its own video for the same brand is not reuse.
    again = checker(video_dossier("resubmit", jp, [{"store": 0, "file": copy}]), url, record=True)
    assert finding(again, "DIST.OFFLINE.VIDEO_UNIQUE")["status"] == "pass"
    # Another merchant is another legal person: its own id AND its own USCC.
    other = jp.with_(merchant_id="M-999999", merchant_name="杭州某某贸易有限公司",
                     merchant_uscc=make_uscc(random.Random(999), "330100"))
    res = checker(video_dossier("second_merchant", other, [{"store": 0, "file": copy}]), url, record=True)
    f = finding(res, "DIST.OFFLINE.VIDEO_UNIQUE")
    assert f["status"] == "fail" and f["severity"] == "fraud", f["message"]
    assert any(h.kind == "video" and h.distance <= 0.07 for h in res.facts.reuse)
    # The seller learns only that another account submitted it; the reviewer sees which dossier.
    assert first.facts.digest[:12] not in f["message"]["en"] and jp.merchant_id not in f["message"]["en"]
    assert first.facts.digest in f["facts"]["reviewer"]["other_dossiers"]


def test_receipt_of_another_chain_read_without_confidence_is_unknown(video_dossier, checker, jp):
    from originproof.policy import load_policy
    from originproof.registry import default_registry
    from originproof.rules.base import RuleContext
    from originproof.rules.video import receipt

    spec = jp.with_(extras={"receipt_chain": "ウエルシア薬局"})
    facts = checker(video_dossier("otherchain", spec, [{"store": 0}])).facts.model_copy(deep=True)
    rc = facts.videos[0].receipt_facts
    low = load_policy().reading.min_field_confidence - 0.2

    def status(name: str) -> str:
        rc.store_name.value, rc.store_name.confidence, rc.chain_id = name, low, None
        rc.text = "\n".join([name] + (rc.text or "").splitlines()[1:])
        return next(iter(receipt(RuleContext(facts=facts, policy=load_policy(), registry=default_registry())))).status

    assert status("ウエルシア薬局") == "fail"  # the other chain's name whole, the claimed one nowhere
    assert status("ウエルシフ薬局") == "unknown"  # a near spelling read without confidence: a person checks
