"""Unit checks of the video reader's parts on small generated clips."""
from __future__ import annotations

from pathlib import Path

import pytest

from originproof.evidence.video.fingerprint import NEAR_DUPLICATE, video_distance, video_fingerprint
from originproof.evidence.video.geo import country_at, haversine_km
from originproof.evidence.video.probe import open_video, parse_iso6709, probe_container
from originproof.evidence.video.scan import find_discontinuities, scan_video
from originproof.samples.spec import clean_spec
from originproof.samples.video import reencode_video, render_store_video


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("clips")
    jp, kr = clean_spec("JP", 3), clean_spec("KR", 3)
    out = {
        "jp": render_store_video(jp, 0, d / "jp.mp4", seconds=8, location=(jp.stores[0].lat, jp.stores[0].lon)),
        "jp_take2": render_store_video(jp, 0, d / "jp2.mp4", seconds=8, seed=7),
        "kr": render_store_video(kr, 1, d / "kr.mp4", seconds=8),
        "splice": render_store_video(jp, 0, d / "splice.mp4", seconds=8, splice=True),
    }
    out["jp_small"] = reencode_video(out["jp"], d / "jp_small.mp4", size=(320, 180), crf=32)
    out["jp_mirror"] = reencode_video(out["jp"], d / "jp_mirror.mp4", size=(640, 360), mirror=True)
    out["jp_trim"] = reencode_video(out["jp"], d / "jp_trim.mp4", size=(640, 360), trim_start=1.0)
    return out


def _fp(p: Path) -> list[str]:
    with open_video(str(p)) as c:
        pr = probe_container(c)
        sc = scan_video(c, keep_pauses=False)
    return video_fingerprint(sc.times, sc.smalls, pr.duration)


def test_video_distance_same_footage_vs_other_footage(clips):
    a = _fp(clips["jp"])
    for copy in ("jp_small", "jp_mirror", "jp_trim"):
        assert video_distance(a, _fp(clips[copy])) <= NEAR_DUPLICATE, copy
    for other in ("jp_take2", "kr"):
        # Another take of the same store is framed, lit and peopled differently: far from a copy.
        assert video_distance(a, _fp(clips[other])) > 2 * NEAR_DUPLICATE, other
    assert video_distance(a, a) == 0.0
    assert video_distance(a, []) == 1.0


def test_hand_held_walk_is_continuous_and_splice_is_not(clips):
    for name in ("jp", "jp_take2", "kr"):
        with open_video(str(clips[name])) as c:
            assert [j for j in find_discontinuities(scan_video(c, keep_pauses=False), 15)] == [], name
    with open_video(str(clips["splice"])) as c:
        cuts = [j for j in find_discontinuities(scan_video(c, keep_pauses=False), 15) if j.kind == "cut"]
    assert len(cuts) == 1 and 2.0 < cuts[0].t < 6.0


def test_probe_reads_phone_metadata(clips):
    with open_video(str(clips["jp"])) as c:
        p = probe_container(c)
    assert p.make == "Apple" and p.created_at is not None and p.location == pytest.approx((35.6909, 139.7003))
    assert not any(v.startswith("Lavf") for _k, v in p.software_tags)


def test_iso6709_and_geo():
    assert parse_iso6709("+35.6909+139.7003+035.000/") == (35.6909, 139.7003)
    lat, lon = parse_iso6709("+3541.454+13942.018/")
    assert lat == pytest.approx(35.6909, abs=1e-3) and lon == pytest.approx(139.7003, abs=1e-3)
    assert parse_iso6709("garbage") is None
    assert country_at(35.6909, 139.7003)[0] == "JP"
    assert country_at(48.8730, 2.3370)[0] == "FR"
    assert country_at(-33.874, 151.207)[0] == "AU"
    assert country_at(30.0, 150.0) == (None, 0.0)  # the open Pacific
    cc, conf = country_at(47.56, 7.59)  # Basel, on the FR/DE/CH border: not a confident answer
    assert conf < 0.8
    assert haversine_km(35.6909, 139.7003, 35.6522, 140.0223) == pytest.approx(29.4, abs=0.5)


@pytest.mark.parametrize("country,style", [("JP", "fascia"), ("KR", "fascia"), ("DE", "banner"), ("JP", "lightbox")])
def test_fast_pans_past_large_signs_are_one_take_and_a_splice_is_a_confident_cut(country, style, tmp_path):
    # A 3-second walk past four scenes pans a whole frame width in about half a second, past a fascia
    # (a wide uniform sign) or a lightbox: no cut. The same walk spliced from two takes: a cut that fails.
    from originproof.rules.video import CUT_MIN_CONFIDENCE

    spec = clean_spec(country, 1).with_(extras={"storefront": style})
    honest = render_store_video(spec, 0, tmp_path / "pan.mp4", seconds=3)
    spliced = render_store_video(spec, 0, tmp_path / "splice.mp4", seconds=4, splice=True)
    with open_video(str(honest)) as c:
        assert find_discontinuities(scan_video(c, keep_pauses=False), 15) == []
    with open_video(str(spliced)) as c:
        cuts = find_discontinuities(scan_video(c, keep_pauses=False), 15)
    assert [j.kind for j in cuts] == ["cut"] and cuts[0].confidence >= CUT_MIN_CONFIDENCE
