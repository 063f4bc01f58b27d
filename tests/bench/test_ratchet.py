"""The floors ratchet moves one way only: floors up, false-fail ceilings down; it refuses the rest."""
from __future__ import annotations

import pytest

from originproof.bench import floors as fl
from originproof.bench.eval import RuleScore


class _Res:
    def __init__(self, det: dict[str, tuple[int, int]], ff: dict[str, tuple[int, int]]):
        self.rules = {}
        for r in set(det) | set(ff):
            s = RuleScore(r, "structure")
            s.detected, s.expected = det.get(r, (0, 0))
            s.false_fails, s.clean = ff.get(r, (0, 0))
            self.rules[r] = s


def test_update_raises_floors_and_lowers_ceilings(tmp_path):
    floors = {"corpus": "ci", "seed": 0, "detection": {"A": 0.5, "B": 0.0}, "false_fail": {"A": 0.25}}
    new, changes = fl.update(floors, _Res({"A": (3, 4), "B": (1, 2)}, {"A": (0, 4)}), "ci", 0)
    assert new["detection"] == {"A": 0.75, "B": 0.5}
    assert new["false_fail"]["A"] == 0.0
    assert len(changes) == 3
    p = fl.save(new, tmp_path / "f.yaml")
    assert fl.load(p)["detection"] == new["detection"]


def test_update_refuses_to_lower_a_floor():
    floors = {"corpus": "ci", "seed": 0, "detection": {"A": 0.75}, "false_fail": {}}
    with pytest.raises(fl.FloorError, match="refusing"):
        fl.update(floors, _Res({"A": (1, 4)}, {}), "ci", 0)


def test_update_refuses_to_raise_a_ceiling():
    floors = {"corpus": "ci", "seed": 0, "detection": {}, "false_fail": {"A": 0.0}}
    with pytest.raises(fl.FloorError):
        fl.update(floors, _Res({}, {"A": (1, 4)}), "ci", 0)


def test_update_refuses_another_corpus():
    floors = {"corpus": "ci", "seed": 0, "detection": {}, "false_fail": {}}
    with pytest.raises(fl.FloorError, match="corpus"):
        fl.update(floors, _Res({}, {}), "small", 0)


def test_violations_report_both_directions():
    floors = {"detection": {"A": 0.9, "B": 0.0}, "false_fail": {"A": 0.0}}
    bad = fl.violations(_Res({"A": (1, 2), "B": (0, 1)}, {"A": (1, 10), "C": (1, 10)}), floors)
    assert any(b.startswith("A: detection") for b in bad)
    assert any(b.startswith("A: false-fail") for b in bad)
    assert any(b.startswith("C: false-fail") for b in bad)  # new rules start at a ceiling of 0
    assert not any(b.startswith("B") for b in bad)


def test_packaged_floors_file_is_well_formed():
    from originproof.bench.eval import rule_classes

    f = fl.load()
    assert f["corpus"] == "ci"
    classes = rule_classes()
    for section in ("detection", "false_fail"):
        for rule, v in f[section].items():
            assert rule in classes and 0.0 <= v <= 1.0
