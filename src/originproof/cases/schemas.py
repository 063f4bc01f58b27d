"""Shapes of the cases API (api.md)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


# The values a case list may be filtered by: a version's verdict (verdict.py) and a case's enforcement
# state (cases.service sets them); anything else is a 422, not an empty list.
VerdictName = Literal["approve", "review", "reject"]
CaseState = Literal["pending", "approved", "more_requested", "rejected", "restricted", "terminated"]


class Accepted(BaseModel):
    case_id: str
    version: int
    status: Literal["queued"] = "queued"


class VersionOut(BaseModel):
    version: int
    status: Literal["queued", "running", "done", "failed"]
    verdict: str | None = None
    severity: str | None = None
    submitted_at: str


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject", "request_more"]
    reason: str = Field(min_length=3, max_length=4000)
    sanctions: list[str] = Field(default_factory=list, max_length=10)


class DecisionOut(BaseModel):
    id: int
    case_id: str
    version: int
    decision: str
    reason: str
    sanctions: list[str]
    by: str | None = None  # hidden from sellers
    at: str
    current: bool
    overrules: int | None = None


class SanctionOut(BaseModel):
    code: str
    since: str
    until: str | None = None
    case_id: str


class CaseOut(BaseModel):
    case_id: str
    merchant_id: str
    brand: str
    state: str
    versions: list[VersionOut]
    decisions: list[DecisionOut]
    sanctions_in_force: list[SanctionOut]


class CaseSummary(BaseModel):
    case_id: str
    merchant_id: str
    brand: str
    state: str
    latest_version: int
    status: str
    verdict: str | None = None
    severity: str | None = None
    updated_at: str


class CasePage(BaseModel):
    items: list[CaseSummary]
    next: str | None = None


class MerchantCase(BaseModel):
    case_id: str
    brand: str
    state: str


class MerchantOut(BaseModel):
    merchant_id: str
    cases: list[MerchantCase]
    sanctions_in_force: list[SanctionOut]


Report = dict[str, Any]
