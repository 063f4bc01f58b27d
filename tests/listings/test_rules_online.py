"""DIST.ONLINE.* judged from WARC observation histories (replay: no network), per rules.md."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from originproof.dossier.manifest import Manifest
from originproof.evidence.listings import read_listing
from originproof.evidence.listings.archive import WarcArchive
from originproof.evidence.readers import ReadContext
from originproof.facts import DossierFacts
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules import run_rules
from originproof.samples.listings import (redirect, spec_for_listing, variant_response, write_capture)
from originproof.samples.spec import clean_spec

POLICY = load_policy(None)
REG = default_registry()
SPEC = clean_spec("JP", 3)
AT = SPEC.submitted_at
AMZ = SPEC.listings[0]  # https://www.amazon.co.jp/dp/…
RAK = SPEC.listings[1]  # https://item.rakuten.co.jp/hadaluna/…/


def page(url: str, variant: str, **kw):
    return variant_response(spec_for_listing(SPEC, url, **kw), variant)


def archive(tmp_path: Path, url: str, history: list[tuple[float, object]]) -> list[Path]:
    """history: (days before the evaluation instant, variant name | Resp | ("error", code) | ("chain", [...]))."""
    a = WarcArchive(tmp_path / "warc")
    for days, what in history:
        when = AT - timedelta(days=days)
        if isinstance(what, tuple) and what[0] == "error":
            write_capture(a, url, when, None, error=what[1])
        elif isinstance(what, tuple) and what[0] == "chain":
            first, *rest = what[1]
            write_capture(a, url, when, first, location_chain=rest)
        else:
            write_capture(a, url, when, page(url, what) if isinstance(what, str) else what)
    return a.files()


def judge(urls: list[str], files: list[Path], *, at=AT, network: bool = False, spec=SPEC) -> dict:
    m = Manifest.model_validate(spec.with_(listings=urls).manifest([], {}, online=True, offline=False))
    ctx = ReadContext(registry=REG, policy=POLICY, origin_country="JP", brand_names=[m.brand.name],
                      evaluated_at=at, web_archives=files, allow_network=network)
    facts = DossierFacts(manifest=m, evaluated_at=at, listings=[read_listing(u, ctx) for u in urls])
    out = {}
    for f in run_rules(facts, POLICY, REG):
        if f.rule.startswith("DIST.ONLINE") or f.rule == "DIST.ROUTE":
            out.setdefault(f.rule, []).append(f)
    return out


def status(res: dict, rule: str, i: int = 0) -> str:
    return res[rule][i].status


def check_fail_shape(f):
    assert f.severity == "nonconforming" and f.message.zh and f.message.en and f.remedy is not None
    assert f.evidence and all("url" in e and "warc_record_id" in e and "captured_at" in e and "file" in e
                              for e in f.evidence if "warc_record_id" in e)


STABLE3 = [(16, "live"), (9, "live"), (2, "live")]


@pytest.mark.parametrize("url", [AMZ, RAK])
def test_live_in_stock_and_stable_passes(tmp_path, url):
    res = judge([url], archive(tmp_path, url, STABLE3))
    assert [status(res, r) for r in ("DIST.ONLINE.PLATFORM", "DIST.ONLINE.LISTING", "DIST.ONLINE.STABLE",
                                     "DIST.ROUTE")] == ["pass"] * 4
    ev = res["DIST.ONLINE.LISTING"][0].evidence[0]
    assert ev["url"] == url and ev["warc_record_id"].startswith("<urn:uuid:") and ev["file"].endswith(".warc.gz")
    assert ev["captured_at"] == (AT - timedelta(days=2)).astimezone(timezone.utc).isoformat()


def test_exactly_the_thresholds_pass(tmp_path):
    res = judge([AMZ], archive(tmp_path, AMZ, [(21, "live"), (14, "live"), (7, "live")]))
    assert status(res, "DIST.ONLINE.STABLE") == "pass"


@pytest.mark.parametrize("variant,rule_states", [
    ("out_of_stock", ("fail", "fail")), ("gone", ("fail", "fail")), ("gone200", ("fail", "fail"))])
def test_latest_observation_negative(tmp_path, variant, rule_states):
    res = judge([RAK], archive(tmp_path, RAK, [(16, "live"), (9, "live"), (2, variant)]))
    assert (status(res, "DIST.ONLINE.LISTING"), status(res, "DIST.ONLINE.STABLE")) == rule_states
    for r in ("DIST.ONLINE.LISTING", "DIST.ONLINE.STABLE"):
        check_fail_shape(res[r][0])
    assert status(res, "DIST.ONLINE.PLATFORM") == "pass"  # a gone page does not make the URL a non-product URL
    assert status(res, "DIST.ROUTE") == "fail"


def test_search_page_instead_of_product_page(tmp_path):
    url = "https://store.shopping.yahoo.co.jp/hadaluna/4901234567894.html"
    res = judge([url], archive(tmp_path, url, [(16, page(url, "search")), (2, page(url, "search"))]))
    assert status(res, "DIST.ONLINE.PLATFORM") == "fail" and res["DIST.ONLINE.PLATFORM"][0].facts["decided_by"] == "page"
    assert status(res, "DIST.ONLINE.LISTING") == "fail" and status(res, "DIST.ONLINE.STABLE") == "fail"
    check_fail_shape(res["DIST.ONLINE.LISTING"][0])


def test_wrong_brand(tmp_path):
    other = spec_for_listing(SPEC, RAK, brand="Otherbrand", title="Otherbrand 美容液 30ml", gtin="4901234567894"[:-1] + "0")
    wrong = variant_response(replace(other, gtin=None), "live")
    res = judge([RAK], archive(tmp_path, RAK, [(16, wrong), (9, wrong), (2, wrong)]))
    f = res["DIST.ONLINE.LISTING"][0]
    assert f.status == "fail" and "Otherbrand" in f.message.en
    check_fail_shape(f)
    assert status(res, "DIST.ONLINE.STABLE") == "fail"


def test_brand_across_scripts_matches(tmp_path):
    # The page names the brand only in katakana; the manifest lists that as a local name.
    local = variant_response(spec_for_listing(SPEC, RAK, brand=SPEC.brand_local, gtin=None), "live")
    res = judge([RAK], archive(tmp_path, RAK, [(16, local), (9, local), (2, local)]))
    assert status(res, "DIST.ONLINE.LISTING") == "pass"


@pytest.mark.parametrize("hist", [
    [(16, "captcha"), (9, "captcha"), (2, "captcha")],
    [(16, ("error", "timeout")), (9, "5xx"), (2, "captcha")],
])
def test_block_captcha_timeout_5xx_are_unknown_never_pass(tmp_path, hist):
    res = judge([AMZ], archive(tmp_path, AMZ, hist))
    assert status(res, "DIST.ONLINE.LISTING") == "unknown" and status(res, "DIST.ONLINE.STABLE") == "unknown"
    assert status(res, "DIST.ROUTE") == "unknown"


def test_blocks_neither_count_nor_break(tmp_path):
    hist = [(16, "live"), (12, "captcha"), (9, "live"), (5, ("error", "timeout")), (3, "5xx"), (2, "live"), (1, "captcha")]
    res = judge([AMZ], archive(tmp_path, AMZ, hist))
    assert status(res, "DIST.ONLINE.LISTING") == "pass" and status(res, "DIST.ONLINE.STABLE") == "pass"
    assert res["DIST.ONLINE.STABLE"][0].facts["run_observations"] == 3
    # Two live observations plus blocks are not three.
    res = judge([AMZ], archive(tmp_path / "b", AMZ, [(16, "live"), (9, "captcha"), (2, "live")]))
    assert status(res, "DIST.ONLINE.STABLE") == "unknown"


def test_gap_in_the_middle_fails_stability(tmp_path):
    for variant in ("out_of_stock", "gone"):
        res = judge([AMZ], archive(tmp_path / variant, AMZ, [(16, "live"), (9, variant), (2, "live")]))
        f = res["DIST.ONLINE.STABLE"][0]
        assert f.status == "fail" and f.facts["break_state"] == variant
        check_fail_shape(f)
        assert status(res, "DIST.ONLINE.LISTING") == "pass"


def test_stability_re_established_after_an_old_gap(tmp_path):
    hist = [(40, "live"), (35, "gone"), (20, "live"), (12, "live"), (4, "live")]
    assert status(judge([AMZ], archive(tmp_path, AMZ, hist)), "DIST.ONLINE.STABLE") == "pass"


@pytest.mark.parametrize("hist,why", [
    ([(30, "live"), (22, "live"), (12, "live")], "latest_live_age_days"),
    ([(6, "live"), (4, "live"), (2, "live")], "run_span_days"),
    ([(3, "live")], "run_observations"),
])
def test_not_yet_stable_is_unknown(tmp_path, hist, why):
    f = judge([AMZ], archive(tmp_path, AMZ, hist))["DIST.ONLINE.STABLE"][0]
    assert f.status == "unknown" and why in f.facts
    if why == "latest_live_age_days":
        assert f.facts["latest_live_age_days"] > 7 and "7" in f.message.en


def test_observations_after_the_evaluation_instant_are_ignored(tmp_path):
    files = archive(tmp_path, AMZ, [(16, "live"), (9, "live"), (2, "live"), (-3, "gone"), (-5, "gone")])
    res = judge([AMZ], files)
    assert status(res, "DIST.ONLINE.LISTING") == "pass" and status(res, "DIST.ONLINE.STABLE") == "pass"
    later = judge([AMZ], files, at=AT + timedelta(days=6))  # the monitor's later re-check sees them
    assert status(later, "DIST.ONLINE.LISTING") == "fail"
    only_late = judge([RAK], archive(tmp_path / "l", RAK, [(-1, "live")]))
    assert status(only_late, "DIST.ONLINE.LISTING") == "unknown"


def test_redirect_off_platform_and_to_another_country(tmp_path):
    evil = ("chain", [redirect("https://evil-shop.example/hadaluna")])
    res = judge([AMZ], archive(tmp_path, AMZ, [(16, evil), (9, evil), (2, evil)]))
    assert status(res, "DIST.ONLINE.PLATFORM") == "fail" and "leaves" in res["DIST.ONLINE.PLATFORM"][0].message.en
    assert status(res, "DIST.ONLINE.LISTING") == "fail"
    us = "https://www.amazon.com/dp/B0XXXXXXXX"
    chain = ("chain", [redirect(us), (us, page(us, "live"))])
    res = judge([AMZ], archive(tmp_path / "us", AMZ, [(16, chain), (9, chain), (2, chain)]))
    f = res["DIST.ONLINE.PLATFORM"][0]
    assert f.status == "fail" and f.facts["final_platform"] == "us_amazon"


def test_same_platform_redirect_is_followed_in_the_archive(tmp_path):
    www = AMZ
    bare = AMZ.replace("www.", "")
    chain = ("chain", [redirect(www), (www, page(www, "live"))])
    res = judge([bare], archive(tmp_path, bare, [(16, chain), (9, chain), (2, chain)]))
    assert status(res, "DIST.ONLINE.LISTING") == "pass" and status(res, "DIST.ONLINE.STABLE") == "pass"


def test_foreign_warc_without_our_headers(tmp_path):
    """A WARC from another producer: plain warcio request/response pairs, nothing of ours."""
    path = tmp_path / "other.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for days in (16, 9, 2):
            status_, headers, body = page(RAK, "live")
            http = StatusAndHeaders("200 OK", headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            when = (AT - timedelta(days=days)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            rec = w.create_warc_record(RAK, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": when})
            w.write_record(rec)
    res = judge([RAK], [path])
    assert status(res, "DIST.ONLINE.LISTING") == "pass" and status(res, "DIST.ONLINE.STABLE") == "pass"


def test_no_archive_and_no_network_is_unknown_and_says_why(tmp_path):
    res = judge([AMZ], [])
    f = res["DIST.ONLINE.LISTING"][0]
    assert f.status == "unknown" and "web archive" in f.message.en
    assert status(res, "DIST.ONLINE.STABLE") == "unknown"
    assert status(res, "DIST.ONLINE.PLATFORM") == "pass"  # judged from the URL and the registry


def test_url_without_capture_is_unknown(tmp_path):
    files = archive(tmp_path, AMZ, STABLE3)
    res = judge([AMZ, RAK], files)
    assert [f.status for f in res["DIST.ONLINE.LISTING"]] == ["pass", "unknown"]
    assert "no capture" in res["DIST.ONLINE.LISTING"][1].message.en


def test_route_not_used_is_na(tmp_path):
    from originproof.samples.dossier import write_dossier  # noqa: F401 — manifest only, no files needed
    m = Manifest.model_validate(SPEC.manifest(["v1.mp4", "v2.mp4", "v3.mp4"], {}, online=False, offline=True))
    facts = DossierFacts(manifest=m, evaluated_at=AT)
    fs = [f for f in run_rules(facts, POLICY, REG) if f.rule.startswith("DIST.ONLINE")]
    assert {(f.rule, f.subject, f.status) for f in fs} == {
        ("DIST.ONLINE.PLATFORM", "distribution.online", "n/a"), ("DIST.ONLINE.LISTING", "distribution.online", "n/a"),
        ("DIST.ONLINE.STABLE", "distribution.online", "n/a")}


def test_a_damaged_archive_file_is_skipped_not_fatal(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage" * 100)
    files = archive(tmp_path, AMZ, STABLE3)
    res = judge([AMZ], [bad, *files])
    assert status(res, "DIST.ONLINE.LISTING") == "pass"
    only_bad = judge([AMZ], [bad])["DIST.ONLINE.LISTING"][0]
    assert only_bad.status == "unknown" and "bad.warc.gz" in only_bad.message.en


def test_a_registered_chains_own_web_shop_is_a_local_platform(tmp_path):
    url = "https://www.aeon.co.jp/item/4901234567894"  # AEON: a chain of the origin country's registry
    res = judge([url], archive(tmp_path, url, STABLE3))
    assert status(res, "DIST.ONLINE.PLATFORM") == "pass"
    assert res["DIST.ONLINE.PLATFORM"][0].facts["platform"] == "shop:jp_aeon"
    assert status(res, "DIST.ONLINE.LISTING") == "pass" and status(res, "DIST.ROUTE") == "pass"


@pytest.mark.parametrize("url", ["https://www.example-drugstore.co.jp/item/4901234567894",  # no registered chain
                                 "https://www.aeon.de/item/4901234567894",  # not the chain's country code
                                 "https://www.carrefour.fr/p/x-4901234567894"])  # a chain of another country
def test_a_shop_that_is_no_registered_chain_of_the_origin_still_fails(tmp_path, url):
    res = judge([url], archive(tmp_path, url, STABLE3))
    assert status(res, "DIST.ONLINE.PLATFORM") == "fail"


def test_another_brand_read_without_confidence_is_no_break_in_stability(tmp_path):
    """A live page whose brand is read weakly and differs is doubtful, not gone: never a STABLE fail."""
    other = spec_for_listing(SPEC, RAK, brand="Otherbrand", title="Otherbrand 美容液 30ml", gtin="4901234567894"[:-1] + "0")
    wrong = variant_response(replace(other, gtin=None), "live")
    files = archive(tmp_path, RAK, [(16, wrong), (9, wrong), (2, wrong)])
    m = Manifest.model_validate(SPEC.with_(listings=[RAK]).manifest([], {}, online=True, offline=False))
    ctx = ReadContext(registry=REG, policy=POLICY, origin_country="JP", brand_names=[m.brand.name],
                      evaluated_at=AT, web_archives=files, allow_network=False)
    lf = read_listing(RAK, ctx)
    for o in lf.observations:
        o.field_confidence["brand"] = 0.5
    facts = DossierFacts(manifest=m, evaluated_at=AT, listings=[lf])
    [f] = [f for f in run_rules(facts, POLICY, REG) if f.rule == "DIST.ONLINE.STABLE"]
    assert f.status == "unknown" and "could not be read with confidence" in f.message.en
