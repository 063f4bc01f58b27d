"""`check --web-archive` end to end: judged from the captures with no socket opened at all."""
from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from originproof.cli.main import app
from originproof.pipeline import CheckOptions, check_path
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.samples.dossier import write_dossier
from originproof.samples.listings import write_dossier_warc
from originproof.samples.spec import clean_spec

SPEC = clean_spec("KR", 2)  # Coupang + Gmarket, Korean pages


@pytest.fixture(scope="module")
def dossier(tmp_path_factory):
    """Online route only and no production documents: the listing path alone, fast."""
    root = tmp_path_factory.mktemp("kr") / "dossier"
    root.mkdir()
    (root / "dossier.yaml").write_text(yaml.safe_dump(SPEC.manifest([], {}, online=True, offline=False),
                                                      allow_unicode=True, sort_keys=False), "utf-8")
    warcs = {s: write_dossier_warc(SPEC, tmp_path_factory.mktemp(s), s) for s in ("stable", "now_oos")}
    return root, warcs


@pytest.mark.slow
def test_replay_of_a_full_dossier_opens_no_socket(tmp_path, socket_guard):
    root = write_dossier(SPEC, tmp_path / "full", offline=False)
    warcs = write_dossier_warc(SPEC, tmp_path / "w", "stable")
    res = check_path(root, CheckOptions(policy=load_policy(None), registry=default_registry(), store=None,
                                        record=False, web_archives=warcs))
    assert socket_guard.attempts == []
    assert all(v == "pass" for v in online(res.report).values())


def online(report: dict) -> dict:
    return {(f["rule"], f["subject"]): f["status"] for f in report["findings"] if f["rule"].startswith("DIST.ONLINE")}


def test_replay_opens_no_socket(dossier, socket_guard):
    root, warcs = dossier
    res = check_path(root, CheckOptions(policy=load_policy(None), registry=default_registry(), store=None,
                                        record=False, web_archives=warcs["stable"]))
    assert socket_guard.attempts == []
    st = online(res.report)
    assert all(v == "pass" for v in st.values()) and len(st) == 6
    ex = res.report["extracted"][SPEC.listings[0]]
    assert ex["doc_type"] == "listing" and ex["fields"]["availability"]["value"] == "in_stock"


def test_replay_out_of_stock_fails_offline(dossier, socket_guard):
    root, warcs = dossier
    res = check_path(root, CheckOptions(policy=load_policy(None), registry=default_registry(), store=None,
                                        record=False, web_archives=warcs["now_oos"]))
    assert socket_guard.attempts == []
    st = online(res.report)
    assert st[("DIST.ONLINE.LISTING", "distribution.online[0]")] == "fail"
    assert st[("DIST.ONLINE.STABLE", "distribution.online[0]")] == "fail"


def test_cli_check_with_web_archive(dossier, socket_guard, tmp_path):
    root, warcs = dossier
    args = ["check", str(root), "--format", "json", "--no-record", "--store", f"sqlite:///{tmp_path}/s.db"]
    for w in warcs["stable"]:
        args += ["--web-archive", str(w)]
    res = CliRunner().invoke(app, args)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    rep = json.loads(res.stdout.strip().splitlines()[-1])
    assert all(v == "pass" for v in online(rep).values())
    assert socket_guard.attempts == []


def test_without_archive_or_network_nothing_is_fetched(dossier, socket_guard):
    root, _ = dossier
    res = check_path(root, CheckOptions(policy=load_policy(None), registry=default_registry(), store=None,
                                        record=False))
    assert socket_guard.attempts == []
    f = [f for f in res.report["findings"] if f["rule"] == "DIST.ONLINE.LISTING"]
    assert all(x["status"] == "unknown" and "not observed" in x["message"]["en"] for x in f)
    assert res.report["verdict"] != "approve"


def test_live_mode_never_leaves_the_machine_without_the_hook(dossier, socket_guard):
    """allow_network with the real resolver: the guard refuses the lookup; nothing passes on a failed fetch."""
    root, _ = dossier
    res = check_path(root, CheckOptions(policy=load_policy(None), registry=default_registry(), store=None,
                                        record=False, allow_network=True))
    assert socket_guard.foreign and all(a[0] in ("getaddrinfo",) for a in socket_guard.foreign)
    assert all(a[1] in ("www.coupang.com", "www.gmarket.co.kr") for a in socket_guard.foreign)
    st = online(res.report)
    assert st[("DIST.ONLINE.LISTING", "distribution.online[0]")] == "unknown"
    assert st[("DIST.ONLINE.STABLE", "distribution.online[1]")] == "unknown"
