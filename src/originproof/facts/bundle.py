"""Everything the rules see about one dossier: claims + read facts + memory hits."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field as PydField

from originproof.dossier.manifest import Manifest
from originproof.facts.base import EvidenceFacts
from originproof.facts.listings import ListingFacts
from originproof.facts.video import VideoFacts


class Unread(BaseModel):
    """A file no reader could turn into facts (yet): rules report `unknown`, never guess."""

    files: list[str]
    reason: str


class IntakeProblem(BaseModel):
    rule: Literal["INTAKE.MANIFEST", "INTAKE.FILE"]
    subject: str
    code: str  # stable sub-code: missing, traversal, symlink, type_mismatch, too_large, …
    message_zh: str
    message_en: str
    file: str | None = None
    facts: dict[str, Any] = PydField(default_factory=dict)
    remedy: tuple[str, str] | None = None  # (zh, en): what to supply instead, when not already in the message


class ReuseHit(BaseModel):
    """A near-duplicate of some evidence of this dossier, found in the store."""

    file: str  # file in this dossier
    other_dossier: str  # digest of the other dossier (or "this" for within-dossier)
    other_file: str
    other_merchant_id: str | None = None
    other_brand: str | None = None
    kind: Literal["video", "document", "image", "template"]
    distance: float  # 0 = identical
    detail: str = ""


class DossierFacts(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    manifest: Manifest | None  # None when the manifest could not be read
    evaluated_at: datetime
    digest: str = ""
    intake: list[IntakeProblem] = PydField(default_factory=list)
    unknown_manifest_keys: list[str] = PydField(default_factory=list)
    # production.<slot>[i] → facts of that document (EvidenceFacts or Unread), None when not supplied
    documents: dict[str, list[EvidenceFacts | Unread]] = PydField(default_factory=dict)
    videos: list[VideoFacts | Unread | None] = PydField(default_factory=list)  # per offline visit
    receipt_photos: list[EvidenceFacts | Unread | None] = PydField(default_factory=list)
    listings: list[ListingFacts | Unread | None] = PydField(default_factory=list)  # per online entry
    reuse: list[ReuseHit] = PydField(default_factory=list)
    reuse_checked: bool = False
    # A pre-check: a check that consults no store and records nothing (the service's ?precheck=true).
    # Reuse against earlier dossiers is judged when the dossier is submitted, not here.
    precheck: bool = False
    bad_files: set[str] = PydField(default_factory=set)  # files INTAKE.FILE failed
    # The door the check came in by: advice names what its reader can do there (a flag is no help
    # to a seller using the API).
    entry: Literal["cli", "service"] = "cli"
    # Could listings be observed at all (a web archive or live observation)? None: not said.
    listings_observable: bool | None = None

    def docs(self, slot: str) -> list[EvidenceFacts | Unread]:
        return self.documents.get(slot, [])
