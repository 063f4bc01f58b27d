"""The Compose file (deploy/compose.yaml) asks only for what exists: every service's `originproof` command
parses with the CLI's own parser, and every ORIGINPROOF_* variable is a setting (none silently ignored).
No Docker daemon runs in CI; this holds the file to the code it starts."""
from __future__ import annotations

from pathlib import Path

import click
import typer
import yaml

from originproof.cli.main import app
from originproof.config import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose.yaml"


def _services() -> dict:
    return yaml.safe_load(COMPOSE.read_text("utf-8"))["services"]


def test_every_originproof_service_command_parses():
    cli = typer.main.get_command(app)
    ours = {name: s for name, s in _services().items() if "command" in s and "image" in s and
            s["image"].startswith("originproof")}
    assert {"api", "worker", "monitor"} <= set(ours)
    for name, s in ours.items():
        args = list(s["command"])
        sub = cli.get_command(click.Context(cli), args[0])  # type: ignore[attr-defined]
        assert sub is not None, f"{name}: no command {args[0]!r}"
        sub.make_context(args[0], args[1:], resilient_parsing=False)  # raises on an unknown option or value


def test_every_setting_the_file_sets_is_one_the_code_reads():
    fields = {f"ORIGINPROOF_{n.upper()}" for n in Settings.model_fields}
    env = yaml.safe_load(COMPOSE.read_text("utf-8"))["x-originproof"]["environment"]
    unknown = [k for k in env if k.startswith("ORIGINPROOF_") and k not in fields]
    assert not unknown, unknown
    assert Settings(**{k.removeprefix("ORIGINPROOF_").lower(): v for k, v in env.items()
                       if k.startswith("ORIGINPROOF_")}).executor == "celery"


def test_the_backing_services_the_processes_wait_for_are_defined():
    s = _services()
    for name in ("api", "worker", "monitor"):
        assert set(s[name]["depends_on"]) <= set(s), name
