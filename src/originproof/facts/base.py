"""Provenance, the field wrapper and the per-file facts base class."""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field as PydField


class At(BaseModel):
    """Where a value was read: a page + bbox (PDF points / pixels, origin top-left) or a time."""

    model_config = ConfigDict(extra="forbid")
    file: str | None = None
    page: int | None = None
    bbox: list[float] | None = None
    t: float | None = None

    def pointer(self, default_file: str | None = None) -> dict[str, Any]:
        """The report@1 evidence pointer form."""
        out: dict[str, Any] = {"file": self.file or default_file}
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = [round(v, 1) for v in self.bbox]
        if self.t is not None:
            out["t"] = round(self.t, 2)
        return out


class Fact(BaseModel):
    """One read value: report@1 `{"value", "confidence", "at"}`."""

    model_config = ConfigDict(extra="forbid")
    value: Any
    confidence: float = 1.0
    at: At | None = None

    def to_report(self) -> dict[str, Any]:
        at = None
        if self.at is not None:
            at = {k: v for k, v in self.at.pointer().items() if k != "file"} or None
        return {"value": self.value, "confidence": round(self.confidence, 3), "at": at}


Severity = Literal["fraud", "warn", "info", "nonconforming"]


class Signal(BaseModel):
    """A forensic observation with a stable code (e.g. `pdf.incremental_update_changes_text`)."""

    code: str
    severity: Literal["fraud", "warn", "info"]
    at: At | None = None
    detail: str = ""


class SignatureState(BaseModel):
    field: str
    intact: bool
    covers_whole_file: bool
    trusted: bool
    modified_after_signing: bool = False
    allowed_changes_only: bool = True
    signer: str | None = None
    signed_at: str | None = None
    modification_level: str | None = None  # pyHanko ModificationLevel name of changes after signing
    coverage: str | None = None  # pyHanko SignatureCoverageLevel name


class Forensics(BaseModel):
    signals: list[Signal] = PydField(default_factory=list)
    signatures: list[SignatureState] = PydField(default_factory=list)
    # Perceptual / text fingerprints used by the reuse index (hex strings, scheme-tagged).
    fingerprints: dict[str, list[str]] = PydField(default_factory=dict)
    # Which checks ran ("pdf", "signatures", "image"), so a rule can tell "clean" from "not looked at".
    checks: list[str] = PydField(default_factory=list)
    revisions: int | None = None  # saved revisions of a PDF (1 = no incremental update)
    heatmaps: list[str] = PydField(default_factory=list)  # reviewer heat-map PNGs written next to thumbnails

    def to_report(self) -> dict[str, Any]:
        return {
            "signals": [
                {"code": s.code, "severity": s.severity,
                 "at": ({k: v for k, v in s.at.pointer().items() if k != "file"} or None) if s.at else None,
                 "detail": s.detail}
                for s in self.signals
            ],
            "signatures": [s.model_dump(include={"field", "intact", "covers_whole_file", "trusted"}) | {
                "modified_after_signing": s.modified_after_signing} for s in self.signatures],
        }


class EvidenceFacts(BaseModel):
    """Base of every per-file facts object.

    Subclasses declare their canonical fields as `Fact | None` attributes; `fields()` collects
    them, so the report's `extracted` shape follows from the class, never from hand-written dicts.
    """

    model_config = ConfigDict(extra="forbid")
    doc_type: str = "other"
    files: list[str] = PydField(default_factory=list)  # manifest paths, one per page-file
    sha256: str | None = None
    reader: str | None = None  # reader name + version that produced this
    pages: int | None = None
    text: str | None = PydField(default=None, exclude=False, repr=False)  # full text (for recognition / shingles)
    language: str | None = None
    notes: list[str] = PydField(default_factory=list)  # reader-side caveats (low OCR confidence …)
    forensics: Forensics | None = None

    CANONICAL: ClassVar[tuple[str, ...]] = ()

    @property
    def file(self) -> str | None:
        return self.files[0] if self.files else None

    def fields(self) -> dict[str, Fact]:
        out: dict[str, Fact] = {}
        for name in self.CANONICAL:
            v = getattr(self, name, None)
            if isinstance(v, Fact):
                out[name] = v
        return out

    def get(self, name: str) -> Any:
        f = getattr(self, name, None)
        return f.value if isinstance(f, Fact) else None

    def pointer(self, name: str | None = None) -> dict[str, Any]:
        """Evidence pointer for a field (or the file when the field has no place)."""
        f = getattr(self, name, None) if name else None
        if isinstance(f, Fact) and f.at is not None:
            return f.at.pointer(self.file)
        return {"file": self.file}

    def to_extracted(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc_type": self.doc_type,
                               "fields": {k: v.to_report() for k, v in self.fields().items()}}
        if self.forensics is not None:
            out["forensics"] = self.forensics.to_report()
        if self.notes:
            out["notes"] = list(self.notes)
        return out


class OtherDocument(EvidenceFacts):
    doc_type: str = "other"
