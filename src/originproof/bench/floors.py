"""The CI ratchet: per-rule detection floors and false-fail ceilings measured on the `ci` corpus.

`floors.yaml` holds what the checker reaches today. A change may only improve it: detection may not
fall below its floor, false fails may not rise above their ceiling. `update` moves each figure only
in the better direction (floors up, ceilings down) and refuses anything else; loosening one is a
deliberate hand edit with a reason in the commit.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

EPS = 1e-9
HEADER = """\
# Detection floors and false-fail ceilings per rule, measured with
#   originproof bench eval --size ci --update-floors
# Floors only go up and ceilings only come down (the command refuses anything else).
# A rule whose reader is not built yet reports `unknown`: its floor is 0 until it lands.
"""


class FloorError(ValueError):
    pass


def default_path() -> Path:
    return Path(str(resources.files("originproof.bench").joinpath("floors.yaml")))


def load(path: Path | None = None) -> dict[str, Any]:
    p = Path(path or default_path())
    if not p.exists():
        return {"corpus": "ci", "seed": 0, "detection": {}, "false_fail": {}}
    data = yaml.safe_load(p.read_text("utf-8")) or {}
    data.setdefault("corpus", "ci")
    data.setdefault("seed", 0)
    data.setdefault("detection", {})
    data.setdefault("false_fail", {})
    return data


def measured(result: Any) -> tuple[dict[str, float], dict[str, float]]:
    det = {r.rule: round(r.detection, 4) for r in result.rules.values() if r.detection is not None}
    ff = {r.rule: round(r.false_fail, 4) for r in result.rules.values() if r.false_fail is not None}
    return det, ff


def violations(result: Any, floors: dict[str, Any]) -> list[str]:
    """What fell below its floor or rose above its ceiling (empty when the ratchet holds)."""
    det, ff = measured(result)
    out = []
    for rule, floor in sorted(floors.get("detection", {}).items()):
        got = det.get(rule)
        if got is None:
            if floor > 0:
                out.append(f"{rule}: no must-fail dossier measured (floor {floor:.4f})")
            continue
        if got + EPS < floor:
            out.append(f"{rule}: detection {got:.4f} < floor {floor:.4f}")
    for rule, ceiling in sorted(floors.get("false_fail", {}).items()):
        got = ff.get(rule)
        if got is not None and got > ceiling + EPS:
            out.append(f"{rule}: false-fail rate {got:.4f} > ceiling {ceiling:.4f}")
    for rule, got in sorted(ff.items()):  # a rule new to the file starts at a ceiling of 0
        if rule not in floors.get("false_fail", {}) and got > EPS:
            out.append(f"{rule}: false-fail rate {got:.4f} > ceiling 0 (not in floors.yaml)")
    return out


def update(floors: dict[str, Any], result: Any, size: str, seed: int) -> tuple[dict[str, Any], list[str]]:
    """Floors raised / ceilings lowered to the measured figures; refuses to move any the wrong way."""
    if str(size) != str(floors.get("corpus", "ci")) or int(seed) != int(floors.get("seed", 0)):
        raise FloorError(f"floors are measured on corpus {floors.get('corpus')!r} seed {floors.get('seed')}; "
                         f"this run used {size!r} seed {seed}")
    bad = violations(result, floors)
    if bad:
        raise FloorError("refusing to lower floors / raise ceilings:\n  " + "\n  ".join(bad))
    det, ff = measured(result)
    new = {"corpus": floors.get("corpus", "ci"), "seed": int(floors.get("seed", 0)),
           "detection": dict(floors.get("detection", {})), "false_fail": dict(floors.get("false_fail", {}))}
    changes = []
    for rule, got in det.items():
        old = new["detection"].get(rule, 0.0)
        if got > old + EPS or rule not in new["detection"]:
            new["detection"][rule] = max(old, got)
            if got > old + EPS:
                changes.append(f"{rule}: detection floor {old:.4f} → {got:.4f}")
    for rule, got in ff.items():
        old = new["false_fail"].get(rule)
        if old is None or got + EPS < old:
            new["false_fail"][rule] = got if old is None else min(old, got)
            if old is not None:
                changes.append(f"{rule}: false-fail ceiling {old:.4f} → {got:.4f}")
    new["detection"] = dict(sorted(new["detection"].items()))
    new["false_fail"] = dict(sorted(new["false_fail"].items()))
    return new, changes


def save(floors: dict[str, Any], path: Path | None = None) -> Path:
    p = Path(path or default_path())
    p.write_text(HEADER + yaml.safe_dump(floors, sort_keys=False), "utf-8")
    return p
