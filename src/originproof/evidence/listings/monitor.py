"""Re-observe the listings of approved and pending dossiers; re-open a case whose listing went away.

One pass: for every dossier in the store whose last verdict is approve or review, fetch each online
listing through the safe fetcher (appending to the WARC archive), index the observation in the store,
and — when the listing is now gone, out of stock or no longer a product page — record a finding and
flag the dossier for re-check (store + hash-chained audit log). Block/captcha/timeout/5xx observations
are recorded but never re-open anything: they say nothing about the listing.
"""
from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urlsplit

from originproof.text.names import contains_name, name_similarity
from originproof.evidence.listings.fetcher import ListingFetcher
from originproof.evidence.listings.observe import observation_from_chain
from originproof.facts.listings import Observation
from originproof.registry import Registry
from originproof.store import Store

log = logging.getLogger(__name__)
REOPEN_STATES = {"gone": ("已下架/不存在", "gone"), "out_of_stock": ("缺货", "out of stock"),
                 "not_product": ("不再是商品页", "no longer a product page"),
                 "wrong_brand": ("不再销售该品牌商品", "no longer offering the brand's product")}


@dataclass
class MonitorConfig:
    cadence_s: float = 6 * 3600.0  # one pass every … (plus jitter)
    jitter_s: float = 1800.0  # random delay added to each pass, so fetches do not form a fingerprint
    per_host_budget: int = 50  # most listing fetches per host in one pass; the rest wait for the next
    verdicts: tuple[str, ...] = ("approve", "review")


@dataclass
class PassReport:
    started_at: datetime
    dossiers: int = 0
    fetched: int = 0
    skipped_budget: int = 0
    states: Counter = field(default_factory=Counter)
    reopened: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        return {"started_at": self.started_at.isoformat(), "dossiers": self.dossiers, "fetched": self.fetched,
                "skipped_budget": self.skipped_budget, "states": dict(self.states), "reopened": self.reopened}


def _brand_gone(o: Observation, manifest: dict, threshold: float) -> bool:
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
        for d in self.store.monitored_dossiers(self.config.verdicts):
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
        self.store.record_listing_observation(d["digest"], subject, {
            "url": url, "captured_at": o.captured_at.isoformat(), "state": o.state, "http_status": o.http_status,
            "warc_record_id": o.warc_record_id, "warc_file": o.warc_file, "detail": o.detail})
        why = o.state if o.state in ("gone", "out_of_stock", "not_product") else None
        if why is None and o.state == "live" and _brand_gone(o, m, self.name_threshold):
            why = "wrong_brand"
        if why is None:
            return
        zh, en = REOPEN_STATES[why]
        rule = "DIST.ONLINE.LISTING"
        finding = {
            "rule": rule, "subject": subject, "status": "fail", "severity": "nonconforming",
            "message": {"zh": f"复核发现：链接在 {o.captured_at.isoformat()} 抓取时{zh}。请撤回该链接或提供当前在售的链接",
                        "en": f"Re-check: at {o.captured_at.isoformat()} the listing was {en}. "
                              "Withdraw it or supply a listing that is on sale now"},
            "evidence": [o.pointer()],
            "facts": {"state": o.state, "reason": why, "http_status": o.http_status, "detail": o.detail,
                      "previous_verdict": d.get("verdict")},
        }
        if self.store.reopen_for_listing(d["digest"], subject, url, rule, why, finding):
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

