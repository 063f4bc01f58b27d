"""Facts read from a store-visit video."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, Field as PydField

from originproof.facts.base import EvidenceFacts, Fact
from originproof.facts.documents import Receipt


class Discontinuity(BaseModel):
    t: float
    kind: Literal["cut", "splice", "timestamp_jump", "uncertain"]
    confidence: float
    detail: str = ""


class StageMark(BaseModel):
    stage: Literal["store", "shelf_pick", "payment", "receipt"]
    t: float
    confidence: float
    thumbnail: str | None = None  # blob key / relative path of a JPEG thumbnail
    cue: str = ""  # what was seen: "OCR: マツモトキヨシ", "EAN 4901417621300" …


class VideoFacts(EvidenceFacts):
    doc_type: str = "video"
    CANONICAL: ClassVar[tuple[str, ...]] = (
        "duration_s", "created_at", "device", "encoder", "location", "cuts", "stages", "receipt",
        "width", "height", "codec", "fps")
    duration_s: Fact | None = None
    created_at: Fact | None = None  # ISO datetime (UTC offset kept)
    device: Fact | None = None
    encoder: Fact | None = None
    location: Fact | None = None  # {lat, lon}
    location_country: Fact | None = None  # offline reverse geocode
    cuts: Fact | None = None  # list of seconds
    stages: Fact | None = None  # list of {stage, t, thumbnail}
    receipt: Fact | None = None  # dict of receipt fields, see `receipt_facts`
    width: Fact | None = None
    height: Fact | None = None
    codec: Fact | None = None
    fps: Fact | None = None
    # Richer detail for rules (not part of the canonical report fields).
    discontinuities: list[Discontinuity] = PydField(default_factory=list)
    stage_marks: list[StageMark] = PydField(default_factory=list)
    receipt_facts: Receipt | None = None
    continuity_checked: bool = False
    stages_checked: bool = False
    fingerprint: list[str] = PydField(default_factory=list)  # per-segment perceptual hashes (hex)
    ocr_calls: int = 0
    # Software tags naming an editing tool (registry editing_tools.yaml): {tool, tag, value, weak}.
    editing_tools: list[dict] = PydField(default_factory=list)
    decode_errors: int = 0
