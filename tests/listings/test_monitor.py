"""`originproof monitor`: re-observe approved/pending dossiers' listings; re-open a case whose listing went away."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from originproof.cli.main import app
from originproof.evidence.listings.archive import WarcArchive, read_captures
from originproof.evidence.listings.fetcher import FetchPolicy, ListingFetcher, loopback_fixture_route
from originproof.monitor import repository as monitor_repo
from originproof.monitor.schemas import MonitorConfig
from originproof.monitor.service import ListingMonitor
from originproof.registry import default_registry
from originproof.samples.listings import spec_for_listing, variant_response
from originproof.samples.spec import clean_spec
from originproof.store import Store

from listings_support import FakeResolver


def findings(store: Store, digest: str) -> list[dict]:
    with store.Session() as s:
        return monitor_repo.findings(s, digest)


def observations(store: Store, digest: str) -> list[dict]:
    with store.Session() as s:
        return monitor_repo.observations(s, digest)


def record(store: Store, spec, verdict: str, digest: str) -> None:
    manifest = spec.manifest([], {}, online=True, offline=False)
    report = {"dossier": {"sha256": digest, "merchant_id": spec.merchant_id, "brand": spec.brand,
                          "origin_country": spec.country},
              "verdict": verdict, "severity": "none" if verdict != "reject" else "nonconforming",
              "evaluated_at": spec.submitted_at.isoformat(), "policy": {"id": "haitao-provenance", "version": "1"},
              "findings": []}
    store.record(report, manifest, [])


@pytest.fixture
def world(tmp_path, site, port, socket_guard):
    store = Store(f"sqlite:///{tmp_path}/s.db")
    approved, review, rejected = clean_spec("JP", 11), clean_spec("US", 12), clean_spec("DE", 13)
    record(store, approved, "approve", "a" * 64)
    record(store, review, "review", "b" * 64)
    record(store, rejected, "reject", "c" * 64)

    def serve(spec, url, variant):
        site.set(url, variant_response(spec_for_listing(spec, url), variant))
    serve(approved, approved.listings[0], "live")
    serve(approved, approved.listings[1], "gone")
    serve(review, review.listings[0], "out_of_stock")
    serve(review, review.listings[1], "captcha")
    for u in rejected.listings:
        serve(rejected, u, "gone")
    archive = WarcArchive(tmp_path / "warc")
    fetcher = ListingFetcher(default_registry(), archive, resolver=FakeResolver(), policy=FetchPolicy(min_interval_s=0))
    mon = ListingMonitor(store, default_registry(), fetcher)
    yield store, mon, archive, (approved, review, rejected), site, port
    store.close()


def test_one_pass_reopens_gone_and_out_of_stock_listings(world, socket_guard):
    store, mon, archive, (approved, review, rejected), site, port = world
    with loopback_fixture_route(port):
        rep = mon.run_once()
    assert socket_guard.foreign == []
    assert rep.dossiers == 2 and rep.fetched == 4  # the rejected dossier is not monitored
    assert not any(path.startswith("/dp/") and host == "www.amazon.de" for host, path in site.hits)
    assert rep.states == {"live": 1, "gone": 1, "out_of_stock": 1, "blocked": 1}
    reopened = {(r["dossier"][0], r["subject"], r["reason"]) for r in rep.reopened}
    assert reopened == {("a", "distribution.online[1]", "gone"), ("b", "distribution.online[0]", "out_of_stock")}
    # store: finding with WARC evidence, dossier flagged, hash-chained audit event
    fa = findings(store, "a" * 64)
    assert len(fa) == 1 and fa[0]["open"] and fa[0]["finding"]["rule"] == "DIST.ONLINE.LISTING"
    ev = fa[0]["finding"]["evidence"][0]
    assert ev["url"] == approved.listings[1] and ev["warc_record_id"] and ev["file"].endswith(".warc.gz")
    assert fa[0]["finding"]["message"]["zh"] and fa[0]["finding"]["message"]["en"]
    assert store.dossier_flagged("a" * 64) and store.dossier_flagged("b" * 64)
    assert store.verify_audit_chain()
    assert len(observations(store, "a" * 64)) == 2
    # the archive is appended: every fetch (robots included) is there, with the record ids the store cites
    ids = {c.record_id for c in read_captures(archive.files())}
    assert ev["warc_record_id"] in ids


def test_second_pass_does_not_reopen_twice_and_blocks_never_reopen(world, socket_guard):
    store, mon, archive, specs, site, port = world
    with loopback_fixture_route(port):
        mon.run_once()
        rep2 = mon.run_once()
    assert rep2.reopened == []
    assert len(findings(store, "b" * 64)) == 1  # the captcha listing raised nothing
    assert len(observations(store, "b" * 64)) == 4


def test_per_host_budget(world, socket_guard):
    store, mon, archive, specs, site, port = world
    mon.config = MonitorConfig(per_host_budget=1)
    with loopback_fixture_route(port):
        rep = mon.run_once()
    assert rep.fetched == 4 and rep.skipped_budget == 0  # four different hosts
    hosts_spec = clean_spec("JP", 11)
    record(store, hosts_spec.with_(merchant_id="M-9"), "approve", "d" * 64)  # same hosts again
    with loopback_fixture_route(port):
        rep = mon.run_once()
    assert rep.skipped_budget == 2


def test_schedule_runs_passes_until_stopped(world, socket_guard):
    store, mon, archive, specs, site, port = world
    waits: list[float] = []
    mon.config = MonitorConfig(cadence_s=3600, jitter_s=600)
    with loopback_fixture_route(port):
        n = mon.run_forever(threading.Event(), max_passes=2, sleep=lambda s: waits.append(s) or False)
    assert n == 2 and len(waits) == 1 and 3600 <= waits[0] <= 4200


def test_cli_monitor_once(tmp_path, socket_guard):
    """The CLI wiring: no fixture route, the real resolver is refused by the guard; nothing is re-opened."""
    store = Store(f"sqlite:///{tmp_path}/m.db")
    record(store, clean_spec("JP", 21), "approve", "e" * 64)
    store.close()
    res = CliRunner().invoke(app, ["monitor", "--once", "--store", f"sqlite:///{tmp_path}/m.db",
                                   "--warc-dir", str(tmp_path / "w"), "--min-interval", "0.5"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["dossiers"] == 1 and summary["fetched"] == 2 and summary["reopened"] == []
    assert set(summary["states"]) <= {"error", "blocked"}
    assert all(a[0] == "getaddrinfo" for a in socket_guard.foreign)
    assert list((tmp_path / "w").glob("*.warc.gz"))  # even failed fetches are archived
