"""`originproof extract`: one file through one reader, no dossier around it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from originproof.dossier.intake import sha256_file
from originproof.dossier.probe import probe_image, probe_pdf, probe_video
from originproof.dossier.sniff import VIDEO_KINDS, sniff
from originproof.evidence.readers import FileRef, ReadContext, reader
from originproof.facts import EvidenceFacts
from originproof.policy import Policy
from originproof.registry import Registry


def extract_file(path: Path, *, kind: str | None, url: str | None, origin: str | None, policy: Policy,
                 registry: Registry) -> dict[str, Any]:
    ftype = sniff(path)
    # The reading budgets of intake hold here too: one file must not buy minutes and gigabytes.
    probe = {"pdf": probe_pdf, "jpeg": probe_image, "png": probe_image, "webp": probe_image, "tiff": probe_image,
             "mp4": probe_video, "mov": probe_video, "webm": probe_video}.get(ftype or "")
    if probe is not None:
        r = probe(path)
        if r.too_costly:
            return {"doc_type": None, "error": f"too costly to read: {r.detail}", "error_zh": f"读取代价过高：{r.detail_zh}"}
    ref = FileRef(path=path.name, real=path, sha256=sha256_file(path), kind=ftype)
    ctx = ReadContext(registry=registry, policy=policy, origin_country=origin.upper() if origin else None)
    if kind is None:
        if ftype in VIDEO_KINDS:
            kind = "video"
        elif ftype is None and path.suffix.lower() in (".html", ".htm", ".xhtml"):
            kind = "listing"
    if kind == "listing":
        spec = reader("listing_page")
        if spec is None:
            return {"doc_type": None, "error": "no listing page reader is built yet"}
        facts: EvidenceFacts = spec.fn(path, url, ctx)
    elif kind == "video":
        spec = reader("video")
        if spec is None:
            return {"doc_type": None, "error": "no video reader is built yet"}
        facts = spec.fn(ref, ctx)
    else:
        spec = reader("document")
        if spec is None:
            return {"doc_type": None, "error": "no document reader is built yet"}
        facts = spec.fn([ref], kind, ctx)
    fz = reader("forensics")
    if fz is not None and facts.forensics is None and kind != "listing":
        try:
            facts.forensics = fz.fn([ref], facts, ctx)
        except Exception as e:  # noqa: BLE001
            facts.notes.append(f"forensic checks failed: {type(e).__name__}: {e}")
    out = facts.to_extracted()
    if kind and kind not in ("video", "listing") and facts.doc_type != kind:
        out["requested_kind"] = kind
    return out
