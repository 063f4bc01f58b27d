"""The one builder of check options carries the door a dossier came in by, so a report's advice is
one its reader can act on: flags on the command line, never to a seller using the service."""
from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest
import yaml

from originproof.pipeline import check_path
from originproof.pipeline.options import Operator, check_options
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.samples.ids import make_uscc

OP = Operator(load_policy(None), default_registry())
RECEIVED = datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc)


def test_a_service_stamped_check_is_reported_to_the_service_and_a_plain_one_to_the_command_line():
    assert check_options(OP, record=False).entry == "cli"
    assert check_options(OP, record=False, received_at=RECEIVED).entry == "service"
    assert check_options(OP, record=False, entry="service").entry == "service"


@pytest.fixture
def online_only(tmp_path):
    """A manifest-only dossier on the online route: a check of it reads nothing but the listing."""
    root = tmp_path / "d"
    root.mkdir()
    (root / "dossier.yaml").write_text(yaml.safe_dump({
        "format": "originproof/dossier@1", "submitted_at": "2026-06-15T10:00:00+08:00",
        "merchant": {"id": "M-1", "name": "示例贸易有限公司", "uscc": make_uscc(random.Random(7))},
        "brand": {"name": "Examplebrand", "origin_country": "JP", "owner": "Examplebrand Co., Ltd."},
        "products": [{"sku": "P1", "name": "Examplebrand lotion", "category": "cosmetics"}],
        "distribution": {"online": [{"url": "https://www.amazon.co.jp/dp/B000EXAMPL"}]},
    }, allow_unicode=True), "utf-8")
    return root


def _listing_advice(root, **kw) -> list[dict]:
    rep = check_path(root, check_options(OP, record=False, **kw)).report
    out = [f for f in rep["findings"] if f["rule"] in ("DIST.ONLINE.LISTING", "DIST.ONLINE.STABLE")]
    assert len(out) == 2 and all(f["status"] == "unknown" for f in out)
    return out


def test_without_observation_the_command_line_is_told_its_flags(online_only):
    for f in _listing_advice(online_only):
        assert "--web-archive" in f["remedy"]["en"] and "--web-archive" in f["remedy"]["zh"]


def test_without_observation_a_seller_is_told_it_has_nothing_to_do_and_no_flag(online_only):
    for f in _listing_advice(online_only, received_at=RECEIVED):
        said = " ".join([f["message"]["en"], f["message"]["zh"], f["remedy"]["en"], f["remedy"]["zh"]])
        assert "--" not in said
        assert "Nothing for the seller to do" in f["remedy"]["en"] and "商家无需操作" in f["remedy"]["zh"]
        assert "operator" in f["remedy"]["en"] and "运营方" in f["remedy"]["zh"]
