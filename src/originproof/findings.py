"""Findings: what a rule says about one subject (report@1 `findings[]`)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["pass", "fail", "warn", "unknown", "n/a"]
SeverityClass = Literal["nonconforming", "overdue", "fraud"]
SEVERITY_ORDER = {"none": 0, "nonconforming": 1, "overdue": 2, "fraud": 3}


class Message(BaseModel):
    zh: str
    en: str


def msg(zh: str, en: str) -> Message:
    return Message(zh=zh, en=en)


class Finding(BaseModel):
    rule: str
    subject: str
    status: Status
    severity: SeverityClass | None = None
    message: Message
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    # Compatible extension of report@1: what the seller should supply instead.
    remedy: Message | None = None

    def to_report(self) -> dict[str, Any]:
        d = self.model_dump(mode="json", exclude_none=False)
        if d.get("remedy") is None:
            d.pop("remedy", None)
        return d
