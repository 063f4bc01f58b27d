"""Reader registry: each evidence family registers its reader here; the pipeline asks by kind.

A kind with no reader yields `Unread` so the rules say `unknown` instead of guessing.
Reader kinds and signatures:
  document(files: list[FileRef], hint: str | None, ctx: ReadContext) -> EvidenceFacts
  video(file: FileRef, ctx: ReadContext) -> VideoFacts
  listing(url: str, ctx: ReadContext) -> ListingFacts
  forensics(files: list[FileRef], facts: EvidenceFacts, ctx: ReadContext) -> Forensics
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from originproof.policy import Policy
from originproof.registry import Registry


@dataclass(frozen=True)
class FileRef:
    path: str  # manifest path (what reports cite)
    real: Path  # where to read it
    sha256: str
    kind: str | None = None  # sniffed: pdf, jpeg, png, mp4 …


@dataclass
class ReadContext:
    """What a reader may know besides the file: priors for reading, never for judging."""

    registry: Registry
    policy: Policy
    origin_country: str | None = None
    brand_names: list[str] = field(default_factory=list)
    evaluated_at: datetime | None = None
    web_archives: list[Path] = field(default_factory=list)  # listing captures (replay mode)
    allow_network: bool = False  # listings: live observation allowed
    thumbnails_dir: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReaderSpec:
    kind: str
    name: str
    version: str
    fn: Callable[..., Any]
    cacheable: bool = True


READERS: dict[str, ReaderSpec] = {}
# Packages that register readers when imported; a missing or broken one leaves its kind unread.
_READER_MODULES = ("originproof.evidence.documents", "originproof.evidence.video",
                   "originproof.evidence.listings", "originproof.evidence.forensics")
_loaded = False


def register_reader(kind: str, name: str, version: str, cacheable: bool = True):
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        READERS[kind] = ReaderSpec(kind, name, version, fn, cacheable)
        return fn
    return deco


def load_readers() -> dict[str, ReaderSpec]:
    global _loaded
    if not _loaded:
        for mod in _READER_MODULES:
            try:
                importlib.import_module(mod)
            except ImportError:
                pass
        _loaded = True
    return READERS


def reader(kind: str) -> ReaderSpec | None:
    return load_readers().get(kind)


# ------------------------------------------------------------------ reader process lifecycle
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Make this reader process end when the process that asked for the reading is gone.

    A reader may be deep in a hostile file for minutes; if `check` is killed outright (SIGKILL, the
    OOM killer) nobody is left to use the result, so the reader must not live on as an orphan. On
    Linux the kernel sends SIGKILL when our parent dies (PR_SET_PDEATHSIG); elsewhere, and as a
    backstop, a watchdog thread notices the re-parenting within a second.
    """
    import ctypes
    import os
    import signal
    import threading
    import time

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    ppid = os.getppid()

    def gone() -> bool:
        if os.getppid() != ppid:
            return True
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return False

    if gone():  # the parent died before the death signal was armed
        os._exit(1)

    def watch() -> None:
        while not gone():
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def kill_processes(pool: Any) -> None:
    """Kill a process pool's workers now (an interrupted check must not wait on a hostile read)."""
    for p in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            p.kill()
        except (OSError, ValueError, AttributeError):
            pass
    try:
        pool.shutdown(wait=False, cancel_futures=True)
    except Exception:  # noqa: BLE001 — already broken
        pass
