"""The policy is data: a versioned YAML file; findings record which version produced them."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_POLICY = "haitao-provenance-1.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfflinePolicy(_Strict):
    min_stores: int = 3
    receipt_date_tolerance_days: int = 1
    # A receipt whose date is only partly legible still matches when the time it prints falls within the
    # recording (± this many minutes, for till clocks that run off) and what is left of its date fits.
    receipt_clock_tolerance_minutes: int = 10
    video_max_age_days: int = 180
    gps_max_distance_km: float = 2.0


class OnlinePolicy(_Strict):
    min_listings: int = 1
    stable_min_observations: int = 3
    stable_min_span_days: int = 14
    stable_max_age_days: int = 7


class ProductionPolicy(_Strict):
    customs_max_age_days: int = 90


class ReadingPolicy(_Strict):
    min_field_confidence: float = 0.8
    name_match_threshold: float = 88


class IntakePolicy(_Strict):
    max_file_mb: float = 200
    max_dossier_mb: float = 1024
    max_pages: int = 50
    max_video_seconds: float = 600
    max_zip_ratio: float = 100
    max_zip_entries: int = 10000

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_dossier_bytes(self) -> int:
        return int(self.max_dossier_mb * 1024 * 1024)


class RepeatFraud(_Strict):
    window_days: int = 365
    add: list[str] = Field(default_factory=lambda: ["terminate_cooperation"])


class SanctionsPolicy(_Strict):
    ladder: dict[str, list[str]]
    repeat_fraud: RepeatFraud = Field(default_factory=RepeatFraud)


class Policy(_Strict):
    id: str
    version: str
    timezone: str = "Asia/Shanghai"
    offline: OfflinePolicy = Field(default_factory=OfflinePolicy)
    online: OnlinePolicy = Field(default_factory=OnlinePolicy)
    production: ProductionPolicy = Field(default_factory=ProductionPolicy)
    reading: ReadingPolicy = Field(default_factory=ReadingPolicy)
    intake: IntakePolicy = Field(default_factory=IntakePolicy)
    sanctions: SanctionsPolicy


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


class PolicyError(ValueError):
    """An operator's policy file that cannot be used, said in a line an operator can act on
    (not a parser's traceback nor pydantic's report with its documentation links)."""


def _yaml_problem(e: yaml.YAMLError) -> str:
    mark = getattr(e, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return where + str(getattr(e, "problem", None) or e)


def _validation_problems(e: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(x) for x in err['loc']) or '(top level)'}: {err['msg']}"
                     for err in e.errors(include_url=False))


def load_policy(path: str | Path | None = None) -> Policy:
    """The shipped policy, with an operator file merged over it when given."""
    data = yaml.safe_load(resources.files("originproof.policy").joinpath("data", DEFAULT_POLICY).read_text("utf-8"))
    if path is not None:
        try:
            over = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        except yaml.YAMLError as e:
            raise PolicyError(f"policy file {path} is not valid YAML (策略文件不是有效的 YAML): {_yaml_problem(e)}")
        if not isinstance(over, dict):
            raise PolicyError(f"policy file {path} must hold a mapping (策略文件须为键值映射)")
        data = _merge(data, over)
    try:
        return Policy.model_validate(data)
    except ValidationError as e:
        raise PolicyError(f"policy file {path or DEFAULT_POLICY} has invalid settings (策略设置无效): {_validation_problems(e)}")
