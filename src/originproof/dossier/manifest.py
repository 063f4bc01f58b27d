"""The dossier@1 manifest as typed models (the external contract in spec/dossier.md)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT = "originproof/dossier@1"
CATEGORIES = ("cosmetics", "mother_baby", "supplements", "personal_care", "food", "other")
PRODUCTION_SLOTS = ("certificate_of_origin", "factory_licence", "production_agreement", "customs_declaration")


class _Open(BaseModel):
    # Unknown keys are tolerated (newer producers add optional keys) but remembered, so the
    # INTAKE.MANIFEST finding can list them and a typo stays visible.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Party(_Open):
    name: str
    uscc: str | None = None


class Merchant(_Open):
    id: str
    name: str
    uscc: str
    agents: list[Party] = Field(default_factory=list)

    @field_validator("id", "name", "uscc", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return str(v).strip() if isinstance(v, (str, int)) else v


class Brand(_Open):
    name: str
    local_names: list[str] = Field(default_factory=list)
    origin_country: str
    owner: str
    owner_aliases: list[str] = Field(default_factory=list)  # compatible extension: affiliates


class Product(_Open):
    sku: str
    name: str
    category: Literal["cosmetics", "mother_baby", "supplements", "personal_care", "food", "other"]
    hs_code: str | None = None
    gtin: str | None = None

    @field_validator("sku", "hs_code", "gtin", mode="before")
    @classmethod
    def _num_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v


class GeoPoint(_Open):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Store(_Open):
    chain: str
    branch: str | None = None
    address: str | None = None
    country: str
    location: GeoPoint | None = None


class StoreVisit(_Open):
    store: Store
    video: str
    receipt: str | None = None


class Listing(_Open):
    url: str


class Distribution(_Open):
    offline: list[StoreVisit] = Field(default_factory=list)
    online: list[Listing] = Field(default_factory=list)


DocumentRef = Union[str, list[str]]


class Production(_Open):
    certificate_of_origin: list[DocumentRef] = Field(default_factory=list)
    factory_licence: list[DocumentRef] = Field(default_factory=list)
    production_agreement: list[DocumentRef] = Field(default_factory=list)
    customs_declaration: list[DocumentRef] = Field(default_factory=list)

    @field_validator("*", mode="before")
    @classmethod
    def _none_to_list(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, str):
            return [v]
        return v

    def documents(self, slot: str) -> list[list[str]]:
        """Each document of a slot as its list of page files."""
        return [[d] if isinstance(d, str) else list(d) for d in getattr(self, slot)]


class Manifest(_Open):
    format: Literal["originproof/dossier@1"]
    submitted_at: datetime | None = None
    deadline: datetime | None = None
    merchant: Merchant
    brand: Brand
    products: list[Product] = Field(min_length=1)
    distribution: Distribution
    production: Production = Field(default_factory=Production)

    @model_validator(mode="after")
    def _one_route(self) -> "Manifest":
        if not self.distribution.offline and not self.distribution.online:
            raise ValueError("distribution needs at least one of offline / online")
        return self

    # ------------------------------------------------------------------ helpers
    def referenced_files(self) -> list[tuple[str, str, str]]:
        """(subject, path, kind) for every file the manifest references."""
        out: list[tuple[str, str, str]] = []
        for i, v in enumerate(self.distribution.offline):
            out.append((f"distribution.offline[{i}].video", v.video, "video"))
            if v.receipt:
                out.append((f"distribution.offline[{i}].receipt", v.receipt, "image"))
        for slot in PRODUCTION_SLOTS:
            for j, pages in enumerate(self.production.documents(slot)):
                for p in pages:
                    out.append((f"production.{slot}[{j}]", p, "document"))
        return out


def unknown_keys(model: BaseModel, prefix: str = "") -> list[str]:
    """Dotted paths of keys the contract does not define (kept, reported, not fatal)."""
    found: list[str] = []
    extra = getattr(model, "__pydantic_extra__", None) or {}
    found += [f"{prefix}{k}" for k in extra]
    for name in type(model).model_fields:
        v = getattr(model, name)
        items = v if isinstance(v, list) else [v]
        for idx, item in enumerate(items):
            if isinstance(item, BaseModel):
                sub = f"{prefix}{name}[{idx}]." if isinstance(v, list) else f"{prefix}{name}."
                found += unknown_keys(item, sub)
    return found
