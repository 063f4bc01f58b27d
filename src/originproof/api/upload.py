"""Receive a dossier upload without trusting it: the declared size is checked before a byte is
read, and the multipart field `file` is streamed to one file on disk with a hard cap.

FastAPI's `UploadFile` parameters parse (and spool) the whole body *before* any dependency runs,
so an unauthenticated 300 MB body would reach the disk before its 401. Routes that take uploads
therefore read the raw stream here, after the caller's rights were checked.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from originproof.api.errors import ApiError

FIELD = "file"
# Headers, boundaries and small form fields around the file part.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class Spooled:
    path: Path
    size: int
    sha256: str
    filename: str | None


def size_text(n: int) -> str:
    """A byte cap as the operator wrote it (policy MB, which may be a fraction): 0.5 MB, not 0 MB;
    below a hundredth of a MB, in KB."""
    mb = n / (1024 * 1024)
    if round(mb, 2) > 0:
        return f"{mb:.2f}".rstrip("0").rstrip(".") + " MB"
    return f"{n / 1024:.2f}".rstrip("0").rstrip(".") + " KB"


def too_large(cap: int) -> ApiError:
    return ApiError(413, "too_large", f"档案包超过上限 {size_text(cap)}", f"The dossier is larger than the {size_text(cap)} cap")


def check_declared_size(request: Request, cap: int) -> None:
    """413 before reading when the client announces a body over the cap."""
    declared = request.headers.get("content-length")
    if declared is None:
        return  # chunked: the streaming cap below still applies
    try:
        n = int(declared)
    except ValueError:
        raise ApiError(400, "bad_request", "Content-Length 无法解析", "Content-Length is not a number")
    if n > cap + MULTIPART_OVERHEAD:
        raise too_large(cap)


async def spool_file_field(request: Request, dest: Path, cap: int) -> Spooled:
    """Stream the multipart field `file` into `dest`; 413 as soon as it passes `cap` bytes."""
    ctype, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise ApiError(415, "unsupported_media_type", "请以 multipart/form-data 上传，字段名 file",
                       "Upload as multipart/form-data with the dossier zip in the field `file`")
    state = {"headers": {}, "field": b"", "value": b"", "in_file": False, "seen": False, "filename": None,
             "size": 0, "over": False}
    digest = hashlib.sha256()
    out = open(dest, "wb")

    def on_part_begin() -> None:
        state["headers"] = {}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get(b"content-disposition"))
        state["in_file"] = disp.get(b"name") == FIELD.encode() and not state["seen"]
        if state["in_file"]:
            state["seen"] = True
            fn = disp.get(b"filename")
            state["filename"] = fn.decode("utf-8", "replace") if fn else None

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if not state["in_file"] or state["over"]:
            return
        state["size"] += end - start
        if state["size"] > cap:
            state["over"] = True
            return
        chunk = data[start:end]
        digest.update(chunk)
        out.write(chunk)

    def on_part_end() -> None:
        state["in_file"] = False

    parser = MultipartParser(boundary, {"on_part_begin": on_part_begin, "on_header_field": on_header_field,
                                        "on_header_value": on_header_value, "on_header_end": on_header_end,
                                        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
                                        "on_part_end": on_part_end})
    try:
        async for chunk in request.stream():
            try:
                parser.write(chunk)
            except Exception:  # noqa: BLE001 — a malformed body is the client's error
                raise ApiError(400, "bad_multipart", "上传内容不是有效的 multipart 表单",
                               "The upload is not a valid multipart form")
            if state["over"]:
                raise too_large(cap)
    finally:
        out.close()
    if not state["seen"]:
        raise ApiError(422, "missing_file", "缺少上传字段 file（档案 zip）",
                       "The multipart field `file` (the dossier zip) is missing")
    return Spooled(dest, state["size"], digest.hexdigest(), state["filename"])


UPLOAD_OPENAPI = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": [FIELD],
    "properties": {FIELD: {"type": "string", "format": "binary", "description": "the dossier zip (dossier@1)"}}}}}}}
