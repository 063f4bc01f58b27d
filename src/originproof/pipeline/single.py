"""`originproof extract`: one file through one reader, no dossier around it."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from originproof.dossier.intake import sha256_file
from originproof.dossier.probe import probe_image, probe_pdf, probe_video
from originproof.dossier.sniff import DOC_KINDS, VIDEO_KINDS, sniff
from originproof.evidence.readers import FileRef, ReadContext, reader
from originproof.facts import EvidenceFacts
from originproof.policy import Policy
from originproof.registry import Registry

log = logging.getLogger(__name__)


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
    # What the file's bytes say it is must be something the chosen reader reads: a text file handed
    # to the document reader would otherwise end in the image library's traceback.
    wanted = None if kind == "listing" else VIDEO_KINDS if kind == "video" else DOC_KINDS
    if wanted is not None and ftype not in wanted:
        return _unreadable(path, ftype, wanted)
    spec = reader("listing_page" if kind == "listing" else "video" if kind == "video" else "document")
    if spec is None:
        return {"doc_type": None, "error": f"no {kind or 'document'} reader is built yet",
                "error_zh": f"尚无 {kind or 'document'} 读取器"}
    try:
        if kind == "listing":
            facts: EvidenceFacts = spec.fn(path, url, ctx)
        elif kind == "video":
            facts = spec.fn(ref, ctx)
        else:
            facts = spec.fn([ref], kind, ctx)
    except Exception as e:  # noqa: BLE001 — as in a dossier: a file whose bytes do not decode is an error, not a crash
        log.info("reader %s failed on %s", spec.name, path, exc_info=True)  # the details: -v
        return {"doc_type": None, "error": f"{path.name} could not be read ({ftype or 'unknown type'}): {e}",
                "error_zh": f"{path.name} 无法读取（{ftype or '未知类型'}）：{e}"}
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


def _unreadable(path: Path, ftype: str | None, wanted: set[str]) -> dict[str, Any]:
    accepted = ", ".join(sorted(wanted))
    if ftype:
        return {"doc_type": None, "error": f"{path.name} is a {ftype} file; this reader takes {accepted}",
                "error_zh": f"{path.name} 是 {ftype} 文件；此读取器只接受 {accepted}"}
    # Nothing the sniffer knows: perhaps a saved page, which only the listing reader takes.
    return {"doc_type": None,
            "error": f"{path.name} is not a file type OriginProof reads; this reader takes {accepted} "
                     "(an HTML page: --kind listing)",
            "error_zh": f"{path.name} 不是 OriginProof 可读取的文件类型；此读取器只接受 {accepted}"
                        "（HTML 页面请加 --kind listing）"}
