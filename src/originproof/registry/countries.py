"""Per-country facts as data (registry/data/countries/<CC>.yaml): languages, date order, currency,
the registration numbers printed on receipts. One place per country, read by every reader."""
from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.lru_cache(maxsize=128)
def country_data(cc: str | None) -> dict[str, Any]:
    if not cc:
        return {}
    try:
        f = resources.files("originproof.registry") / "data" / "countries" / f"{cc.upper()}.yaml"
        return yaml.safe_load(f.read_text("utf-8")) or {}
    except (FileNotFoundError, OSError, yaml.YAMLError):
        return {}


@functools.lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    try:
        d = resources.files("originproof.registry") / "data" / "countries"
        return tuple(sorted(p.name[:-5] for p in d.iterdir() if p.name.endswith(".yaml")))
    except OSError:
        return ()


def language_of(cc: str | None, default: str = "en") -> str:
    """The main language a country's documents are printed in (ISO 639-1), `default` when unknown."""
    langs = country_data(cc).get("languages") or []
    return str(langs[0]) if langs else default
