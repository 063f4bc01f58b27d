"""Check one dossier end to end."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from originproof.dossier.intake import Intake, open_dossier
from originproof.dossier.manifest import PRODUCTION_SLOTS
from originproof.evidence.readers import FileRef, ReadContext
from originproof.facts import DossierFacts, EvidenceFacts, Unread, VideoFacts
from originproof.pipeline.extract import Extractor
from originproof.pipeline.reuse import find_reuse, stored_fingerprints
from originproof.policy import Policy
from originproof.registry import Registry
from originproof.report import build_report
from originproof.rules import run_rules
from originproof.rules.dates import as_aware, utcnow
from originproof.store import Store
from originproof.store.db import since_days
from originproof.verdict import EXIT_CODES, decide


# Who reads the report's advice: whoever ran the command line, or a seller using the service's API.
Entry = Literal["cli", "service"]


@dataclass
class CheckOptions:
    policy: Policy
    registry: Registry
    store: Store | None = None
    record: bool = True
    as_of: datetime | None = None
    web_archives: list[Path] = field(default_factory=list)
    allow_network: bool = False
    workers: int = 2
    blobs: Any = None  # BlobStore: evidence kept content-addressed when recording
    thumbnails_dir: Path | None = None
    actor: str = "cli"
    isolation: str = "process"  # readers in worker processes; "thread" / "inline" for debugging
    reader_timeout_s: float = 600.0
    start_method: str | None = None  # multiprocessing start method for reader processes (auto)
    # A service stamps the instant it received the dossier and ignores the seller's `submitted_at`.
    received_at: datetime | None = None
    entry: Entry = "cli"


@dataclass
class CheckResult:
    report: dict[str, Any]
    exit_code: int
    facts: DossierFacts


def _evaluation_instant(it: Intake, opts: CheckOptions) -> datetime:
    tz = opts.policy.timezone
    if opts.as_of is not None:
        return as_aware(opts.as_of, tz)
    if it.manifest is not None and it.manifest.submitted_at is not None:
        return as_aware(it.manifest.submitted_at, tz)
    return utcnow()


def check_path(path: Path, opts: CheckOptions) -> CheckResult:
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    with open_dossier(Path(path), opts.policy.intake, opts.registry) as it:
        if opts.received_at is not None and it.manifest is not None:
            it.manifest = it.manifest.model_copy(update={"submitted_at": opts.received_at})
        timings["intake"] = (time.perf_counter() - t0) * 1000
        facts = DossierFacts(manifest=it.manifest, evaluated_at=_evaluation_instant(it, opts), digest=it.digest,
                             intake=it.problems, unknown_manifest_keys=it.unknown_keys, bad_files=set(it.bad_files),
                             entry=opts.entry, listings_observable=bool(opts.web_archives) or opts.allow_network,
                             precheck=opts.store is None and not opts.record)
        if it.manifest is not None:
            t1 = time.perf_counter()
            extractor = _read_evidence(it, facts, opts)
            timings["extract"] = (time.perf_counter() - t1) * 1000
            timings.update({f"extract_{k}": float(v) for k, v in extractor.stats.items()})
            if opts.store is not None:
                t2 = time.perf_counter()
                hits = find_reuse(facts, opts.store)
                facts.reuse, facts.reuse_checked = hits or [], hits is not None
                timings["reuse"] = (time.perf_counter() - t2) * 1000
        t3 = time.perf_counter()
        findings = run_rules(facts, opts.policy, opts.registry)
        timings["rules"] = (time.perf_counter() - t3) * 1000
        prior_fraud = 0
        if opts.store is not None and it.manifest is not None:
            prior_fraud = opts.store.prior_fraud_dossiers(it.manifest.merchant.uscc, it.digest,
                                                          since_days(opts.policy.sanctions.repeat_fraud.window_days))
        verdict = decide(findings, opts.policy, prior_fraud)
        timings["total"] = (time.perf_counter() - t0) * 1000
        report = build_report(facts, findings, verdict, opts.policy, timings)
        if opts.store is not None and opts.record:
            _record(it, facts, report, opts)
        return CheckResult(report=report, exit_code=EXIT_CODES[verdict.verdict], facts=facts)


def _read_evidence(it: Intake, facts: DossierFacts, opts: CheckOptions) -> Extractor:
    m = it.manifest
    assert m is not None
    ctx = ReadContext(registry=opts.registry, policy=opts.policy, origin_country=m.brand.origin_country.upper(),
                      brand_names=[m.brand.name, *m.brand.local_names], evaluated_at=facts.evaluated_at,
                      web_archives=list(opts.web_archives), allow_network=opts.allow_network,
                      thumbnails_dir=opts.thumbnails_dir)
    ex = Extractor(ctx, opts.store, opts.workers, isolation=opts.isolation, timeout_s=opts.reader_timeout_s,
                   start_method=opts.start_method)

    def ref(p: str) -> FileRef | None:
        info = it.files.get(p)
        if info is None or p in it.bad_files:
            return None
        return FileRef(path=p, real=info.real, sha256=info.sha256, kind=info.kind)

    jobs: list[tuple[str, list[FileRef], str | None]] = []
    slots: list[tuple[str, str | None, int]] = []
    for slot in PRODUCTION_SLOTS:
        facts.documents[slot] = []
        for pages in m.production.documents(slot):
            refs = [ref(p) for p in pages]
            if any(r is None for r in refs):
                facts.documents[slot].append(Unread(files=pages, reason="a file of this document failed intake"))
                continue
            slots.append(("doc", slot, len(facts.documents[slot])))
            facts.documents[slot].append(Unread(files=pages, reason="pending"))
            jobs.append(("document", refs, slot))  # type: ignore[arg-type]
    facts.videos = [None] * len(m.distribution.offline)
    facts.receipt_photos = [None] * len(m.distribution.offline)
    for i, visit in enumerate(m.distribution.offline):
        r = ref(visit.video)
        if r is None:
            facts.videos[i] = Unread(files=[visit.video], reason="the video failed intake")
        else:
            slots.append(("video", None, i))
            jobs.append(("video", [r], "video"))
        if visit.receipt:
            rr = ref(visit.receipt)
            if rr is None:
                facts.receipt_photos[i] = Unread(files=[visit.receipt], reason="the receipt photo failed intake")
            else:
                slots.append(("receipt", None, i))
                jobs.append(("document", [rr], "receipt"))
    for (what, slot, idx), res in zip(slots, ex.read_all(jobs)):
        if what == "doc":
            facts.documents[slot][idx] = res
        elif what == "video":
            facts.videos[idx] = res
        else:
            facts.receipt_photos[idx] = res
    facts.listings = [ex.listing(l.url.strip()) for l in m.distribution.online]
    return ex


def _record(it: Intake, facts: DossierFacts, report: dict[str, Any], opts: CheckOptions) -> None:
    files = [(p, i.sha256, i.size, i.kind) for p, i in sorted(it.files.items())]
    if opts.blobs is not None:
        for p, i in it.files.items():
            if p not in it.bad_files:
                opts.blobs.put_file(i.real, i.sha256)
    flagged = sorted({h.other_dossier for h in facts.reuse if h.other_dossier not in ("this", facts.digest)})
    opts.store.record(report, it.raw_manifest, files, stored_fingerprints(facts), actor=opts.actor,
                      flag_digests=flagged)
