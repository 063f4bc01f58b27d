"""Country facts a receipt reader needs, as data: registry/data/countries/<CC>.yaml (date order,
currency, the registration numbers printed on receipts)."""
from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.lru_cache(maxsize=64)
def country_data(cc: str | None) -> dict[str, Any]:
    if not cc:
        return {}
    try:
        f = resources.files("originproof.registry") / "data" / "countries" / f"{cc.upper()}.yaml"
        return yaml.safe_load(f.read_text("utf-8")) or {}
    except (FileNotFoundError, OSError, yaml.YAMLError):
        return {}


@functools.lru_cache(maxsize=64)
def _all_codes() -> tuple[str, ...]:
    try:
        d = resources.files("originproof.registry") / "data" / "countries"
        return tuple(sorted(p.name[:-5] for p in d.iterdir() if p.name.endswith(".yaml")))
    except OSError:
        return ()


def registration_schemes(cc: str | None) -> list[dict[str, Any]]:
    """The country's receipt registration schemes; with no country, every country's."""
    codes = [cc.upper()] if cc else list(_all_codes())
    out: list[dict[str, Any]] = []
    for c in codes:
        out += list(((country_data(c).get("receipt") or {}).get("registration")) or [])
    return out


def date_order(cc: str | None) -> str | None:
    return country_data(cc).get("date_order")
