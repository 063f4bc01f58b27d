"""Content sniffing: what a file really is, from its bytes, never from its name."""
from __future__ import annotations

from pathlib import Path

DOC_KINDS = {"pdf", "jpeg", "png", "webp", "tiff"}
IMAGE_KINDS = {"jpeg", "png", "webp", "tiff"}
VIDEO_KINDS = {"mp4", "mov", "webm"}

EXTENSIONS = {
    ".pdf": {"pdf"}, ".jpg": {"jpeg"}, ".jpeg": {"jpeg"}, ".png": {"png"}, ".webp": {"webp"},
    ".tif": {"tiff"}, ".tiff": {"tiff"},
    # MP4 and MOV share the ISO base-media layout; phones name either way.
    ".mp4": {"mp4", "mov"}, ".m4v": {"mp4", "mov"}, ".mov": {"mov", "mp4"}, ".webm": {"webm"},
}


def sniff_bytes(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return "mov" if brand == b"qt  " else "mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mov"
    # PDF readers accept a header anywhere in the first KiB; so do we, but no further.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def sniff(path: Path) -> str | None:
    with open(path, "rb") as fh:
        return sniff_bytes(fh.read(1024))


def extension_matches(path: str, kind: str) -> bool:
    allowed = EXTENSIONS.get(Path(path).suffix.lower())
    return allowed is None or kind in allowed
