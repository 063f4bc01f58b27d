"""The one place that turns operator configuration into `CheckOptions`, for every entry point
(CLI, API, worker, bench), and the one parser of an evaluation instant.

The operator's files — policy, registry overrides, web archives — are named by flags or
ORIGINPROOF_* variables; `serve`, `worker` and `check` all come through here, so a dossier is
judged the same way whichever door it came in by."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from originproof.pipeline.check import CheckOptions, Entry
from originproof.policy import Policy, load_policy
from originproof.registry import Registry

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


def parse_evaluation_time(value: str | None) -> datetime | None:
    """ISO 8601 date or date-time (`Z` allowed); a naive value is read in the policy's zone later."""
    if value is None or not str(value).strip():
        return None
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date or date-time")


def _paths(values: Iterable[str | Path] | None, env: str | None) -> list[Path]:
    out = [Path(v) for v in values or []]
    if env:
        out += [Path(v) for v in env.split(os.pathsep) if v]
    return out


def warc_files(sources: Iterable[Path]) -> list[Path]:
    """WARC files named directly, and those in named folders — a folder is re-listed at every check,
    so captures the monitor adds are used by the next check."""
    out: list[Path] = []
    for src in sources:
        if src.is_dir():
            out += sorted(p for p in src.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
        elif src.is_file():
            out.append(src)
    return sorted(dict.fromkeys(out))


@dataclass
class Operator:
    """What the operator configured, loaded once per process."""
    policy: Policy
    registry: Registry
    archive_sources: list[Path] = field(default_factory=list)
    allow_network: bool = False
    workers: int = 2


def load_operator(policy_path: str | Path | None = None, registry_dirs: Iterable[str | Path] | None = None,
                  web_archives: Iterable[str | Path] | None = None, allow_network: bool | None = None,
                  workers: int | None = None, monitor_archive: bool = False) -> Operator:
    """Flags first, then ORIGINPROOF_POLICY_PATH / _REGISTRY_DIRS / _WEB_ARCHIVES / _ALLOW_NETWORK.

    `monitor_archive`: also read what `originproof monitor` archived (the service and its workers
    do; a one-off `check` reads only the archives it is given)."""
    from originproof.config import settings

    cfg = settings()
    policy = load_policy(policy_path or cfg.policy_path)
    registry = Registry.load(_paths(registry_dirs, cfg.registry_dirs))
    sources = _paths(web_archives, cfg.web_archives)
    if monitor_archive:
        from originproof.evidence.listings import default_archive_dir
        sources.append(default_archive_dir())
    return Operator(policy=policy, registry=registry, archive_sources=sources,
                    allow_network=cfg.allow_network if allow_network is None else allow_network,
                    workers=workers or cfg.workers)


def check_options(op: Operator, *, store: Any = None, blobs: Any = None, record: bool = True,
                  as_of: datetime | None = None, received_at: datetime | None = None, actor: str = "cli",
                  entry: Entry | None = None, **overrides: Any) -> CheckOptions:
    """`entry`: the door the dossier came in by, so a report advises what its reader can do there.
    The service's doors say so; otherwise a dossier stamped with its receipt instant (`received_at`,
    which only a service stamps) came through the service."""
    opts = CheckOptions(policy=op.policy, registry=op.registry, store=store, record=record, as_of=as_of,
                        web_archives=warc_files(op.archive_sources), allow_network=op.allow_network,
                        workers=op.workers, blobs=blobs, actor=actor, received_at=received_at,
                        entry=entry or ("service" if received_at is not None else "cli"))
    return replace(opts, **overrides) if overrides else opts
