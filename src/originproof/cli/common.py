"""Options and objects shared by the CLI commands."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import typer
import yaml

from originproof.config import settings
from originproof.policy import Policy, load_policy
from originproof.registry import Registry
from originproof.store import Store
from originproof.store.blobs import BlobStore


def parse_as_of(value: str | None) -> datetime | None:
    from originproof.pipeline.options import parse_evaluation_time

    try:
        return parse_evaluation_time(value)
    except ValueError:
        raise typer.BadParameter(f"--as-of {value!r} is not an ISO 8601 date or date-time")


def get_operator(policy: Path | None, registry_dirs: list[Path] | None, web_archives: list[Path] | None,
                 allow_network: bool | None, workers: int | None, monitor_archive: bool = False):
    """The operator's files, as every command reads them (pipeline.options is the one builder)."""
    from originproof.pipeline.options import load_operator

    try:
        return load_operator(policy, registry_dirs, web_archives, allow_network, workers, monitor_archive)
    except (OSError, ValueError, yaml.YAMLError) as e:  # a PolicyError is a ValueError with its own short text
        raise typer.BadParameter(f"operator configuration: {e}")


def get_policy(path: Path | None) -> Policy:
    # Without a flag, the operator's file (ORIGINPROOF_POLICY_PATH) — what serve and worker read too.
    path = path or (Path(settings().policy_path) if settings().policy_path else None)
    try:
        return load_policy(path)
    except Exception as e:  # noqa: BLE001
        raise typer.BadParameter(f"policy file {path}: {e}")


def get_registry(dirs: list[Path] | None) -> Registry:
    extra = list(dirs or [])
    env = settings().registry_dirs
    if env:
        extra += [Path(d) for d in env.split(os.pathsep) if d]
    try:
        return Registry.load(extra)
    except (OSError, yaml.YAMLError) as e:
        raise typer.BadParameter(f"registry files: {e}")


def open_store(url: str | None) -> Store:
    return Store(url or settings().resolved_store_url())


def open_blobs() -> BlobStore:
    return BlobStore(settings().resolved_blob_url())
