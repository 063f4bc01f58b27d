"""The purchase is recognised whatever the storefront looks like: the sample takes draw the chain's sign
in several designs; the held-out design ("lightbox") is never used while tuning and checks that the
readers did not learn one way of drawing a store."""
from __future__ import annotations

import hashlib

import pytest

from originproof.evidence.readers import FileRef, ReadContext
from originproof.evidence.video.reader import read_video
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules.video import ordered_stages
from originproof.samples.spec import clean_spec
from originproof.samples.video import HELD_OUT_STOREFRONT, STOREFRONTS, render_store_video

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("style", [*STOREFRONTS, HELD_OUT_STOREFRONT])
@pytest.mark.parametrize("country", ["JP", "KR", "DE"])
def test_every_storefront_design_shows_the_whole_purchase(country, style, tmp_path):
    spec = clean_spec(country, 1).with_(extras={"storefront": style})
    path = render_store_video(spec, 0, tmp_path / "visit.mp4", seconds=8)
    ctx = ReadContext(registry=default_registry(), policy=load_policy(), origin_country=country,
                      brand_names=[spec.brand, spec.brand_local])
    vf = read_video(FileRef(path="visit.mp4", real=path, sha256=hashlib.sha256(path.read_bytes()).hexdigest()), ctx)
    chain = ordered_stages(vf.stage_marks)
    assert list(chain) == ["store", "shelf_pick", "payment", "receipt"], vf.stage_marks
    assert all(m.thumbnail for m in chain.values())
