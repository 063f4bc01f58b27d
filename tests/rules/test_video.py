"""DIST.OFFLINE.VIDEO_ORIGINAL words a merely old recording neutrally, apart from a contradiction."""
from __future__ import annotations

import random

import pytest
from datetime import datetime, timedelta, timezone

from originproof.dossier.manifest import Manifest
from originproof.facts import DossierFacts, Fact, VideoFacts
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules import run_rules
from originproof.samples.ids import make_uscc

POLICY, REG = load_policy(), default_registry()
SUBMITTED = datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc)
MANIFEST = Manifest.model_validate({
    "format": "originproof/dossier@1", "submitted_at": SUBMITTED.isoformat(),
    "merchant": {"id": "M-1", "name": "示例贸易有限公司", "uscc": make_uscc(random.Random(5))},
    "brand": {"name": "Examplebrand", "origin_country": "JP", "owner": "Examplebrand Co., Ltd."},
    "products": [{"sku": "P1", "name": "Examplebrand lotion", "category": "cosmetics"}],
    "distribution": {"offline": [{"store": {"chain": "Examplemart", "country": "JP"}, "video": "v1.mp4"}]}})


def original(created: datetime, **video) -> dict:
    v = VideoFacts(files=["v1.mp4"], created_at=Fact(value=created.isoformat(), confidence=1.0), **video)
    facts = DossierFacts(manifest=MANIFEST, evaluated_at=SUBMITTED, videos=[v])
    [f] = [f for f in run_rules(facts, POLICY, REG) if f.rule == "DIST.OFFLINE.VIDEO_ORIGINAL"]
    return f.to_report()


def test_an_old_recording_is_a_date_outside_the_window_not_a_doubt_about_the_file():
    f = original(SUBMITTED - timedelta(days=200))
    assert f["status"] == "fail" and f["severity"] == "nonconforming"  # the outcome stays what it was
    assert "2025-11-27" in f["message"]["en"] and "outside the 180-day window" in f["message"]["en"]
    assert "2025-11-27" in f["message"]["zh"] and "180 天" in f["message"]["zh"]
    said = f["message"]["en"] + f["remedy"]["en"]
    for accusing in ("contradicts", "original file", "editing"):
        assert accusing not in said
    assert "与申报不符" not in f["message"]["zh"] and "原始视频" not in f["remedy"]["zh"]
    assert "recent store visit" in f["remedy"]["en"] and "近期" in f["remedy"]["zh"]


def test_a_recording_after_submission_is_still_a_contradiction():
    f = original(SUBMITTED + timedelta(days=2))
    assert f["status"] == "fail" and f["severity"] == "fraud"
    assert "contradicts the claim" in f["message"]["en"] and "与申报不符" in f["message"]["zh"]
    assert "original file" in f["remedy"]["en"]


def test_old_and_filmed_abroad_stays_a_contradiction_naming_both():
    f = original(SUBMITTED - timedelta(days=200), location_country=Fact(value="KR", confidence=0.99))
    assert f["status"] == "fail" and f["severity"] == "fraud"
    assert "contradicts the claim" in f["message"]["en"] and "200 days" in f["message"]["en"]
    assert "KR" in f["message"]["en"]


def receipt_finding(**fields) -> dict:
    from originproof.facts.documents import Receipt

    photo = Receipt(files=["r1.jpg"], items=Fact(value=[{"name": "Examplebrand lotion"}], confidence=0.9), **fields)
    v = VideoFacts(files=["v1.mp4"], created_at=Fact(value=SUBMITTED.isoformat(), confidence=1.0))
    facts = DossierFacts(manifest=MANIFEST, evaluated_at=SUBMITTED, videos=[v], receipt_photos=[photo])
    [f] = [f for f in run_rules(facts, POLICY, REG) if f.rule == "DIST.OFFLINE.RECEIPT"]
    return f.to_report()


def test_a_partly_read_receipt_says_what_was_not_read_in_chinese_in_the_chinese_message():
    import re

    f = receipt_finding(store_name=Fact(value="Zzyzx Shop", confidence=0.5))
    assert f["status"] == "unknown"
    assert "store name read with low confidence" in f["message"]["en"] and "date unreadable" in f["message"]["en"]
    zh = f["message"]["zh"]
    assert "门店名称识别置信度低" in zh and "日期无法辨认" in zh
    assert not re.search(r"[A-Za-z]", zh), zh  # no English fragment left in the Chinese sentence


def test_a_pre_check_says_reuse_is_checked_at_submission_and_asks_nothing_now():
    v = VideoFacts(files=["v1.mp4"], created_at=Fact(value=SUBMITTED.isoformat(), confidence=1.0))
    for precheck in (True, False):
        facts = DossierFacts(manifest=MANIFEST, evaluated_at=SUBMITTED, videos=[v], precheck=precheck)
        out = run_rules(facts, POLICY, REG)
        said = [f for f in out if f.rule in ("DIST.OFFLINE.VIDEO_UNIQUE", "AUTH.DUPLICATE")
                and f.subject == "distribution.offline[0]"]
        assert len(said) == 2 and all(f.status == "unknown" for f in said)  # the outcome stays undecided
        for f in said:
            assert ("when the dossier is submitted" in f.message.en) is precheck, f.message.en
            assert ("提交档案时" in f.message.zh and "无需处理" in f.message.zh) is precheck, f.message.zh
            assert ("a person must check" in f.message.en or "需人工核查" in f.message.zh) is not precheck


def clipped_receipt_finding(frag: str, hhmm: str, created: datetime, duration_s: float = 60.0) -> dict:
    from originproof.facts.documents import Receipt

    m = MANIFEST.model_copy(deep=True)
    m.brand.origin_country = "DE"
    m.distribution.offline[0].store.country = "DE"
    photo = Receipt(files=["r1.jpg"], items=Fact(value=[{"name": "Examplebrand lotion"}], confidence=0.9),
                    store_name=Fact(value="Examplemart", confidence=0.95),
                    date_clipped=Fact(value=frag, confidence=0.7), time=Fact(value=hhmm, confidence=0.7))
    v = VideoFacts(files=["v1.mp4"], created_at=Fact(value=created.isoformat(), confidence=1.0),
                   duration_s=Fact(value=duration_s, confidence=1.0))
    facts = DossierFacts(manifest=m, evaluated_at=SUBMITTED, videos=[v], receipt_photos=[photo])
    [f] = [f for f in run_rules(facts, POLICY, REG) if f.rule == "DIST.OFFLINE.RECEIPT"]
    return f.to_report()


RECORDED = datetime(2026, 7, 22, 7, 13, 5, tzinfo=timezone.utc)  # 09:13 in Berlin (summer time)


def test_a_date_cut_off_in_the_picture_matches_by_the_time_it_prints():
    f = clipped_receipt_finding("7.2026", "09:14", RECORDED)
    assert f["status"] == "pass", f["message"]
    assert "cut off" in f["message"]["en"] and "09:14" in f["message"]["en"] and "截去" in f["message"]["zh"]


@pytest.mark.parametrize("frag,hhmm", [
    ("7.2026", "10:14"),   # an hour away from the recording: another visit's receipt, or the time misread
    ("7.2026", "07:13"),   # the UTC clock, not the store's
    ("6.2026", "09:13"),   # what is left of the date is another month
])
def test_a_cut_off_date_that_does_not_fit_the_recording_is_left_to_a_person_never_failed(frag, hhmm):
    f = clipped_receipt_finding(frag, hhmm, RECORDED)
    assert f["status"] == "unknown" and "date unreadable" in f["message"]["en"]
