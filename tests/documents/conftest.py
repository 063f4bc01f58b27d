"""Dossiers for the production-document rules: online route only (no videos), so each builds in well
under a second; every defect is a change to the spec whose expected finding is known."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(scope="session")
def docs_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="session")
def check_spec(docs_root) -> Callable[..., dict[str, Any]]:
    """Write a dossier from a spec (optionally mutating the manifest) and check it end to end; cached by name."""
    import yaml

    from originproof.pipeline import CheckOptions, check_path
    from originproof.policy import load_policy
    from originproof.registry import Registry
    from originproof.samples.dossier import write_dossier

    policy, registry = load_policy(None), Registry.load()
    cache: dict[str, dict[str, Any]] = {}

    def run(name: str, spec, manifest_edit: Callable[[dict], None] | None = None) -> dict[str, Any]:
        if name in cache:
            return cache[name]
        root = write_dossier(spec, docs_root / name, offline=False)
        if manifest_edit is not None:
            mp = root / "dossier.yaml"
            m = yaml.safe_load(mp.read_text("utf-8"))
            manifest_edit(m)
            mp.write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), "utf-8")
        res = check_path(root, CheckOptions(policy=policy, registry=registry, store=None, record=False, workers=1))
        cache[name] = res.report
        return res.report
    return run


def findings(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]
