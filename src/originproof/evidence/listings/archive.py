"""WARC archive of listing fetches (ISO 28500, via warcio): the archive IS the evidence.

Every fetch is written: a request/response pair for an HTTP exchange (error and block pages included),
a `metadata` record with a `fetch-error` field for a fetch that produced no response (timeout, refused
address, connection error). Readers accept WARCs from any producer: only WARC-Target-URI, WARC-Date and
the HTTP response are needed; our own extra headers (WARC-X-Listing-URL …) are optional.
"""
from __future__ import annotations

import functools
import io
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from originproof.evidence.listings.netguard import url_key

MAX_PAYLOAD = 8 * 1024 * 1024  # decoded bytes read from one record (page reading needs far less)
LISTING_HEADER = "WARC-X-Listing-URL"  # the listing URL a hop belongs to (redirect chains)
ERROR_CT = "application/warc-fields"


@dataclass
class Capture:
    """One archived fetch, as read back."""

    url: str
    captured_at: datetime
    record_id: str
    file: str
    status: int | None = None  # None: no HTTP response (see `error`)
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None  # fetch-error code: timeout, connect_error, non_public_address, …
    detail: str = ""
    listing_url: str | None = None
    ip: str | None = None
    truncated: bool = False

    def header(self, name: str) -> str | None:
        n = name.lower()
        return next((v for k, v in self.headers if k.lower() == n), None)


def _warc_date(dt: datetime) -> str:
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{dt.microsecond:06d}Z" if dt.microsecond else "Z")


def _parse_date(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


class WarcArchive:
    """Append-only WARC files, one per UTC day, in `directory`. Thread-safe within a process."""

    _lock = threading.Lock()

    def __init__(self, directory: Path | str, filename: str | None = None):
        self.directory = Path(directory)
        self.filename = filename  # one fixed file (a corpus, an export) instead of one per day

    def path_for(self, when: datetime) -> Path:
        if self.filename:
            return self.directory / self.filename
        return self.directory / f"originproof-{when.astimezone(timezone.utc):%Y%m%d}.warc.gz"

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.warc*")) if self.directory.is_dir() else []

    def _append(self, when: datetime, records: Iterable) -> Path:
        path = self.path_for(when)
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._lock, open(path, "ab") as fh:
            w = WARCWriter(fh, gzip=True)
            for build in records:
                w.write_record(build(w))
        return path

    def write_exchange(self, *, url: str, captured_at: datetime, method: str = "GET",
                       request_headers: list[tuple[str, str]] | None = None, status: int, reason: str = "",
                       response_headers: list[tuple[str, str]], body: bytes, ip: str | None = None,
                       listing_url: str | None = None, truncated: bool = False) -> tuple[str, Path]:
        return write_exchange(self, url=url, captured_at=captured_at, method=method,
                              request_headers=request_headers, status=status, reason=reason,
                              response_headers=response_headers, body=body, ip=ip, listing_url=listing_url,
                              truncated=truncated)

    def write_error(self, *, url: str, captured_at: datetime, error: str, detail: str = "",
                    listing_url: str | None = None) -> tuple[str, Path]:
        holder: dict[str, str] = {}

        def meta(w: WARCWriter):
            body = f"fetch-error: {error}\r\ndetail: {detail.replace(chr(10), ' ')[:500]}\r\n".encode()
            rec = w.create_warc_record(url, "metadata", payload=io.BytesIO(body), length=len(body),
                                       warc_content_type=ERROR_CT, warc_headers_dict=_extra(captured_at, listing_url))
            holder["id"] = rec.rec_headers.get_header("WARC-Record-ID")
            return rec
        path = self._append(captured_at, [meta])
        return holder["id"], path


def _extra(captured_at: datetime, listing_url: str | None, ip: str | None = None) -> dict[str, str]:
    d = {"WARC-Date": _warc_date(captured_at)}
    if listing_url:
        d[LISTING_HEADER] = listing_url
    if ip:
        d["WARC-IP-Address"] = ip
    return d


def write_exchange(archive: WarcArchive, *, url: str, captured_at: datetime, method: str = "GET",
                   request_headers: list[tuple[str, str]] | None = None, status: int, reason: str = "",
                   response_headers: list[tuple[str, str]], body: bytes, ip: str | None = None,
                   listing_url: str | None = None, truncated: bool = False) -> tuple[str, Path]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # The body is stored de-chunked: drop Transfer-Encoding, state the real length.
    hdrs = [(k, v) for k, v in response_headers if k.lower() not in ("transfer-encoding", "content-length")]
    hdrs.append(("Content-Length", str(len(body))))
    holder: dict[str, str] = {}

    def response(w: WARCWriter):
        http = StatusAndHeaders(f"{status} {reason or 'OK'}".strip(), hdrs, protocol="HTTP/1.1")
        extra = _extra(captured_at, listing_url, ip)
        if truncated:
            extra["WARC-Truncated"] = "length"
        rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                   http_headers=http, warc_headers_dict=extra)
        holder["id"] = rec.rec_headers.get_header("WARC-Record-ID")
        return rec

    def request(w: WARCWriter):
        rh = request_headers or [("Host", parts.netloc)]
        http = StatusAndHeaders(f"{method} {target} HTTP/1.1", rh, is_http_request=True)
        extra = _extra(captured_at, listing_url)
        extra["WARC-Concurrent-To"] = holder["id"]
        return w.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0, http_headers=http,
                                    warc_headers_dict=extra)
    path = archive._append(captured_at, [response, request])
    return holder["id"], path


class WarcTruncated(ValueError):
    """The file ends inside a record: what it held after the cut is unknown."""


def _check_complete(path: Path) -> None:
    # warcio stops quietly at a cut gzip member; gzip itself notices the missing end-of-stream.
    import gzip
    import zlib

    with open(path, "rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            return
    try:
        with gzip.open(path, "rb") as g:
            while g.read(1 << 20):
                pass
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise WarcTruncated(f"{path.name}: the WARC file is truncated or damaged ({e}); none of its captures "
                            "is used, so the listings it alone holds are not observed") from e


def _record_cut(rec) -> bool:
    """True when the record's block ended before its declared Content-Length (uncompressed WARC)."""
    raw = getattr(rec, "raw_stream", None)
    try:
        while raw is not None and raw.read(1 << 16):
            pass
    except Exception:  # noqa: BLE001 — unreadable rest: the record is not whole
        return True
    return bool(getattr(raw, "limit", 0))


def _read_file(path: Path) -> list[Capture]:
    _check_complete(path)
    out: list[Capture] = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, arc2warc=True):
            rtype = rec.rec_type
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            when = _parse_date(rec.rec_headers.get_header("WARC-Date"))
            rid = rec.rec_headers.get_header("WARC-Record-ID") or ""
            if not uri or when is None:
                continue
            listing = rec.rec_headers.get_header(LISTING_HEADER)
            if rtype == "response" and rec.http_headers is not None:
                try:
                    status = int(rec.http_headers.get_statuscode())
                except (TypeError, ValueError):
                    status = None
                try:
                    body = rec.content_stream().read(MAX_PAYLOAD)
                except Exception:  # noqa: BLE001 — a damaged payload is read as empty, not fatal
                    body = b""
                if _record_cut(rec):
                    raise WarcTruncated(f"{path.name}: the WARC file is truncated (it ends inside the record of "
                                        f"{uri}); none of its captures is used, so the listings it alone holds "
                                        "are not observed")
                out.append(Capture(url=uri, captured_at=when, record_id=rid, file=str(path), status=status,
                                   headers=list(rec.http_headers.headers), body=body, listing_url=listing,
                                   ip=rec.rec_headers.get_header("WARC-IP-Address"),
                                   truncated=bool(rec.rec_headers.get_header("WARC-Truncated"))))
            elif rtype in ("metadata", "resource"):
                text = rec.content_stream().read(4096).decode("utf-8", "replace")
                fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
                err = (fields.get("fetch-error") or "").strip()
                if err:
                    out.append(Capture(url=uri, captured_at=when, record_id=rid, file=str(path), error=err,
                                       detail=(fields.get("detail") or "").strip(), listing_url=listing))
    return out


@functools.lru_cache(maxsize=16)
def _read_cached(path: str, mtime: float, size: int) -> tuple[Capture, ...]:
    return tuple(_read_file(Path(path)))


def read_captures(paths: Iterable[Path | str], errors: list[str] | None = None) -> list[Capture]:
    """Every capture in the files; a damaged file is skipped (and named in `errors`), never fatal."""
    out: list[Capture] = []
    for p in paths:
        p = Path(p)
        try:
            st = p.stat()
            out.extend(_read_cached(str(p), st.st_mtime, st.st_size))
        except WarcTruncated as e:
            if errors is not None:
                errors.append(str(e))
        except Exception as e:  # noqa: BLE001 — warcio raises several types on a non-WARC file
            if errors is not None:
                errors.append(f"{p.name}: not a readable WARC file, damaged or truncated ({type(e).__name__})")
    return out


class CaptureIndex:
    """Captures grouped by URL key, oldest first."""

    def __init__(self, captures: Iterable[Capture]):
        self.by_key: dict[str, list[Capture]] = {}
        for c in captures:
            self.by_key.setdefault(url_key(c.url), []).append(c)
        for v in self.by_key.values():
            v.sort(key=lambda c: c.captured_at)

    def for_url(self, url: str) -> list[Capture]:
        return list(self.by_key.get(url_key(url), []))

    def next_after(self, url: str, after: datetime, within_s: float = 600.0) -> Capture | None:
        """The capture of `url` taken right after `after` (a redirect's next hop)."""
        for c in self.by_key.get(url_key(url), []):
            delta = (c.captured_at - after).total_seconds()
            if -1.0 <= delta <= within_s:
                return c
        return None
