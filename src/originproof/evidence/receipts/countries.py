"""Country facts a receipt reader needs, as data: registry/data/countries/<CC>.yaml (date order,
currency, the registration numbers printed on receipts)."""
from __future__ import annotations

from typing import Any

from originproof.registry.countries import country_codes, country_data

__all__ = ["country_data", "registration_schemes"]


def registration_schemes(cc: str | None) -> list[dict[str, Any]]:
    """The country's receipt registration schemes; with no country, every country's."""
    codes = [cc.upper()] if cc else list(country_codes())
    out: list[dict[str, Any]] = []
    for c in codes:
        out += list(((country_data(c).get("receipt") or {}).get("registration")) or [])
    return out


def date_order(cc: str | None) -> str | None:
    return country_data(cc).get("date_order")
