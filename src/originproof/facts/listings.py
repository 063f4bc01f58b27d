"""Facts observed from online listings (platform-side captures)."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field as PydField

from originproof.facts.base import EvidenceFacts, Fact

PageState = Literal["live", "out_of_stock", "gone", "blocked", "error", "not_product", "unknown"]


class Observation(BaseModel):
    """One capture of a listing URL (a WARC response, or a fetch error)."""

    captured_at: datetime
    url: str  # the URL requested
    final_url: str | None = None  # after redirects
    http_status: int | None = None
    state: PageState = "unknown"
    warc_record_id: str | None = None
    is_product_page: bool | None = None
    title: str | None = None
    brand: str | None = None
    availability: Literal["in_stock", "out_of_stock", "unknown"] = "unknown"
    price: str | None = None
    currency: str | None = None
    gtin: str | None = None
    sku: str | None = None
    seller: str | None = None
    detail: str = ""
    # Where the capture is kept and how it was read (added for the observation pipeline).
    warc_file: str | None = None
    ip_address: str | None = None
    redirects: list[str] = PydField(default_factory=list)  # hop URLs after the first
    page_kind: str | None = None  # product | search | category | login | block | gone | error
    field_confidence: dict[str, float] = PydField(default_factory=dict)
    field_source: dict[str, str] = PydField(default_factory=dict)  # json-ld, microdata, platform:amazon, text …
    # Other sources that gave the same value (the page reader pools agreeing sources into field_confidence).
    field_witnesses: dict[str, list[str]] = PydField(default_factory=dict)

    @property
    def conclusive(self) -> bool:
        """Live or gone (rules.md: a block, captcha, timeout or 5xx is neither)."""
        return self.state in ("live", "out_of_stock", "gone", "not_product")

    def pointer(self) -> dict:
        out: dict = {"url": self.url, "warc_record_id": self.warc_record_id,
                     "captured_at": self.captured_at.isoformat()}
        if self.warc_file:
            out["file"] = self.warc_file
        return out


class ListingFacts(EvidenceFacts):
    doc_type: str = "listing"
    CANONICAL: ClassVar[tuple[str, ...]] = (
        "url", "is_product_page", "title", "brand", "availability", "price", "currency", "gtin",
        "sku", "seller")
    url: Fact | None = None
    is_product_page: Fact | None = None
    title: Fact | None = None
    brand: Fact | None = None
    availability: Fact | None = None
    price: Fact | None = None
    currency: Fact | None = None
    gtin: Fact | None = None
    sku: Fact | None = None
    seller: Fact | None = None
    observations: list[Observation] = PydField(default_factory=list)
    observed: bool = False  # False: no capture at all (replay mode) → rules say unknown

    def to_extracted(self) -> dict:
        out = super().to_extracted()
        # The observation history behind the fields: what the reviewer's timeline shows.
        if self.observations:
            out["observations"] = [
                {k: v for k, v in {"captured_at": o.captured_at.isoformat(), "state": o.state,
                                   "http_status": o.http_status, "final_url": o.final_url,
                                   "warc_record_id": o.warc_record_id, "file": o.warc_file,
                                   "detail": o.detail or None}.items() if v is not None}
                for o in self.observations]
        return out
