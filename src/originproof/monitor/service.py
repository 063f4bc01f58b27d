"""Re-observe the listings of approved and pending dossiers; re-open a dossier whose listing went away.

One pass: for every dossier in the store whose last verdict is approve or review, fetch each online
listing through the safe fetcher (appending to the WARC archive), index the observation in the store,
and — when the listing is now gone, out of stock or no longer a product page — record a finding and
flag the dossier for re-check (store + hash-chained audit log). Block/captcha/timeout/5xx observations
are recorded but never re-open anything: they say nothing about the listing.

`record_observation` and `reopen_for_listing` work in the caller's session; `ListingMonitor` owns the
units of work of a pass (one per observation, one per re-opening).
"""
from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from originproof.evidence.listings.archive import WarcArchive
from originproof.evidence.listings.fetcher import FetchPolicy, ListingFetcher
from originproof.evidence.listings.observe import observation_from_chain
from originproof.facts.listings import Observation
from originproof.monitor import repository as repo
from originproof.monitor.schemas import MonitorConfig, PassReport
from originproof.registry import Registry
from originproof.store import Store
from originproof.text.names import contains_name, name_similarity

log = logging.getLogger(__name__)
RULE = "DIST.ONLINE.LISTING"
REOPEN_STATES = {"gone": ("已下架/不存在", "gone"), "out_of_stock": ("缺货", "out of stock"),
                 "not_product": ("不再是商品页", "no longer a product page"),
                 "wrong_brand": ("不再销售该品牌商品", "no longer offering the brand's product")}


def record_observation(s: Session, digest: str, subject: str, obs: dict[str, Any]) -> None:
    repo.add_observation(s, repo.dossier(s, digest).id, subject, obs)


def reopen_for_listing(s: Session, store: Store, digest: str, subject: str, url: str, rule: str, state: str,
                       finding: dict[str, Any], actor: str = "monitor") -> bool:
    """Record a monitor finding and flag the dossier for re-check; False when one is already open."""
    d = repo.dossier(s, digest)
    if repo.open_finding(s, d.id, url) is not None:
        return False
    repo.add_finding(s, d.id, subject, url, rule, state, finding, datetime.now(timezone.utc))
    d.needs_recheck = True
    store._audit(s, actor, "listing_reopened", digest, {"subject": subject, "url": url, "rule": rule,
                                                       "state": state, "previous_verdict": d.last_verdict,
                                                       "evidence": finding.get("evidence", [])})
    return True


def brand_gone(o: Observation, manifest: dict, threshold: float) -> bool:
    """The page names another brand and nothing ties it to the dossier's brand or GTINs."""
    brand = manifest.get("brand") or {}
    names = [n for n in [brand.get("name"), *(brand.get("local_names") or [])] if n]
    gtins = {str(p.get("gtin")).strip() for p in manifest.get("products") or [] if p.get("gtin")}
    if o.gtin and o.gtin in gtins:
        return False
    if o.title and any(contains_name(o.title, n) for n in names):
        return False
    if not o.brand:
        return False
    return not any(name_similarity(o.brand, n) >= threshold or contains_name(o.brand, n) for n in names)


def reopen_reason(o: Observation, manifest: dict, name_threshold: float) -> str | None:
    """Why this observation re-opens the dossier, or None (a block, a captcha, a live page of the brand)."""
    if o.state in ("gone", "out_of_stock", "not_product"):
        return o.state
    if o.state == "live" and brand_gone(o, manifest, name_threshold):
        return "wrong_brand"
    return None


def reopen_finding(o: Observation, subject: str, why: str, previous_verdict: str | None) -> dict[str, Any]:
    """The report@1 finding a re-opening records, citing the archived capture."""
    zh, en = REOPEN_STATES[why]
    return {
        "rule": RULE, "subject": subject, "status": "fail", "severity": "nonconforming",
        "message": {"zh": f"复核发现：链接在 {o.captured_at.isoformat()} 抓取时{zh}。请撤回该链接或提供当前在售的链接",
                    "en": f"Re-check: at {o.captured_at.isoformat()} the listing was {en}. "
                          "Withdraw it or supply a listing that is on sale now"},
        "evidence": [o.pointer()],
        "facts": {"state": o.state, "reason": why, "http_status": o.http_status, "detail": o.detail,
                  "previous_verdict": previous_verdict},
    }


class ListingMonitor:
    def __init__(self, store: Store, registry: Registry, fetcher: ListingFetcher, config: MonitorConfig | None = None,
                 name_threshold: float = 88, clock: Callable[[], datetime] | None = None):
        self.store, self.registry, self.fetcher = store, registry, fetcher
        self.config = config or MonitorConfig()
        self.name_threshold = name_threshold
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def run_once(self) -> PassReport:
        rep = PassReport(started_at=self.clock())
        per_host: Counter = Counter()
        with self.store.Session() as s:
            dossiers = repo.monitored_dossiers(s, self.config.verdicts)
        for d in dossiers:
            rep.dossiers += 1
            m = d["manifest"] or {}
            online = ((m.get("distribution") or {}).get("online")) or []
            country = ((m.get("brand") or {}).get("origin_country") or d.get("origin_country") or "").upper()
            for i, entry in enumerate(online):
                url = str((entry or {}).get("url") or "").strip()
                if not url:
                    continue
                host = (urlsplit(url).hostname or "").lower()
                if per_host[host] >= self.config.per_host_budget:
                    rep.skipped_budget += 1
                    continue
                per_host[host] += 1
                self._observe(d, m, i, url, country, rep)
        return rep

    def _observe(self, d: dict, m: dict, i: int, url: str, country: str, rep: PassReport) -> None:
        subject = f"distribution.online[{i}]"
        try:
            outcome = self.fetcher.fetch(url, country=country)
        except Exception as e:  # noqa: BLE001 — one broken listing must not stop the pass
            log.warning("monitor fetch of %s failed: %s", url, e, exc_info=True)
            return
        rep.fetched += 1
        o = observation_from_chain(url, outcome.hops, self.registry)
        rep.states[o.state] += 1
        with self.store.Session.begin() as s:
            record_observation(s, d["digest"], subject, {
                "url": url, "captured_at": o.captured_at.isoformat(), "state": o.state, "http_status": o.http_status,
                "warc_record_id": o.warc_record_id, "warc_file": o.warc_file, "detail": o.detail})
        why = reopen_reason(o, m, self.name_threshold)
        if why is None:
            return
        with self.store.Session.begin() as s:
            reopened = reopen_for_listing(s, self.store, d["digest"], subject, url, RULE, why,
                                          reopen_finding(o, subject, why, d.get("verdict")))
        if reopened:
            rep.reopened.append({"dossier": d["digest"], "subject": subject, "url": url, "reason": why})

    def run_forever(self, stop: threading.Event, max_passes: int | None = None,
                    on_pass: Callable[[PassReport], None] | None = None,
                    sleep: Callable[[float], bool] | None = None) -> int:
        """Passes on the configured cadence (plus jitter) until `stop` is set; returns the number of passes."""
        wait = sleep or stop.wait
        passes = 0
        while not stop.is_set():
            rep = self.run_once()
            passes += 1
            if on_pass:
                on_pass(rep)
            if max_passes is not None and passes >= max_passes:
                break
            delay = self.config.cadence_s + random.uniform(0, max(0.0, self.config.jitter_s))
            if wait(delay):
                break
        return passes


def build_monitor(store: Store, registry: Registry, archive_dir: Path, config: MonitorConfig,
                  min_interval_s: float, name_threshold: float) -> ListingMonitor:
    """The monitor as `originproof monitor` runs it: the safe fetcher, appending to the WARC archive
    that every service check reads."""
    fetcher = ListingFetcher(registry, WarcArchive(archive_dir), policy=FetchPolicy(min_interval_s=min_interval_s))
    return ListingMonitor(store, registry, fetcher, config, name_threshold=name_threshold)
