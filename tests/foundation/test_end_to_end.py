"""The product promise, end to end: a consistent dossier with platform-side listing captures is
approved without a person, and the demo command shows it."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from originproof.cli.main import app


@pytest.mark.slow
@pytest.mark.parametrize("country", ["JP", "DE"])
def test_consistent_dossier_is_approved(country, tmp_path):
    from originproof.samples.dossier import write_captures, write_dossier
    from originproof.samples.spec import clean_spec

    spec = clean_spec(country, 3)
    # 10 s takes: a real store visit lasts minutes; squeezing four stages into 6 s makes whip pans
    # that the continuity detector rightly calls uncertain.
    root = write_dossier(spec, tmp_path / "d", video_seconds=10.0)
    warcs = write_captures(spec, tmp_path / "captures")
    args = ["check", str(root), "--format", "json", "--store", f"sqlite:///{tmp_path / 's.db'}"]
    for w in warcs:
        args += ["--web-archive", str(w)]
    res = CliRunner().invoke(app, args)
    r = json.loads(res.stdout)
    not_passing = [(f["rule"], f["subject"], f["status"], f["message"]["en"]) for f in r["findings"]
                   if f["status"] not in ("pass", "n/a")]
    assert not not_passing, not_passing
    assert r["verdict"] == "approve" and res.exit_code == 0
    assert {"certificate_of_origin", "factory_licence", "production_agreement", "customs_declaration",
            "video", "receipt", "listing"} <= {x["doc_type"] for x in r["extracted"].values()}


def test_demo_command(tmp_path):
    res = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--format", "json"])
    r = json.loads(res.stdout)
    assert r["format"] == "originproof/report@1" and r["dossier"]["origin_country"] == "JP"
    assert res.exit_code == {"approve": 0, "review": 10, "reject": 20}[r["verdict"]]
    assert (tmp_path / "demo" / "dossier" / "dossier.yaml").exists()
    assert list((tmp_path / "demo" / "captures").glob("*.warc.gz"))
