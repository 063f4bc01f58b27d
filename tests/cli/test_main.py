"""The command line as a user meets it."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from originproof.cli.main import app

runner = CliRunner()


def test_a_broken_zip_is_reported_under_its_own_name(tmp_path):
    bad = tmp_path / "upload-2026.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    res = runner.invoke(app, ["check", str(bad), "--format", "md", "--no-record"])
    assert res.exit_code == 20
    head = res.stdout.splitlines()[0]
    assert "Unreadable dossier" in head and "upload-2026.zip" in head and "None" not in head
    rep = json.loads(runner.invoke(app, ["check", str(bad), "--format", "json", "--no-record"]).stdout)
    # The sanctions follow the policy's ladder for the worst severity (INTAKE.* is nonconforming) —
    # nothing that the ladder reserves for fraud or lateness.
    assert rep["verdict"] == "reject" and rep["severity"] == "nonconforming"
    assert rep["sanctions"] == ["reject_qualification"]
