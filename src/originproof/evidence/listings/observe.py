"""Captures → Observations → ListingFacts. Shared by replay (WARC files), live fetches and the monitor."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from originproof.evidence.listings.archive import Capture, CaptureIndex, read_captures
from originproof.evidence.listings.fetcher import is_challenge_host
from originproof.evidence.listings.netguard import check_url, url_key
from originproof.evidence.listings.page import PageReading, read_page
from originproof.facts import Fact
from originproof.facts.listings import ListingFacts, Observation
from originproof.net.addresses import UnsafeTarget
from originproof.registry import Registry

log = logging.getLogger(__name__)
FIELDS = ("title", "brand", "availability", "price", "currency", "gtin", "sku", "seller")


def observation_from_chain(listing_url: str, chain: list[Capture], registry: Registry) -> Observation:
    """One observation from the hops of one fetch (first hop = the listing URL)."""
    first, last = chain[0], chain[-1]
    obs = Observation(captured_at=first.captured_at, url=listing_url, final_url=last.url,
                      http_status=last.status, warc_record_id=last.record_id or first.record_id,
                      warc_file=last.file or first.file, ip_address=last.ip,
                      redirects=[c.url for c in chain[1:]])
    if last.error is not None:
        obs.state = "blocked" if last.error in ("robots_disallowed",) else "error"
        obs.detail = f"{last.error}: {last.detail}".strip(": ")
        obs.page_kind = "error"
        return obs
    if last.status is not None and 300 <= last.status < 400:
        loc = last.header("location")
        target = urljoin(last.url, loc.strip()) if loc else None
        if target and is_challenge_host(target):
            obs.state, obs.page_kind, obs.detail = "blocked", "block", f"redirected to a bot challenge at {target}"
            return obs
        if target:
            try:
                check_url(target, registry)
            except UnsafeTarget as e:
                if e.code in ("not_platform", "ip_literal"):
                    # The link leaves the registered platform: what it shows is not a listing there.
                    obs.state, obs.page_kind = "not_product", "offsite"
                    obs.final_url = target
                    obs.is_product_page = False
                    obs.detail = f"redirects off the platform to {urlsplit(target).hostname or target} ({e.code})"
                    return obs
                obs.state, obs.page_kind, obs.detail = "error", "error", f"redirect to unusable URL ({e.code})"
                return obs
            obs.state, obs.page_kind, obs.detail = "error", "error", f"redirect target {target} was not captured"
            return obs
        obs.state, obs.page_kind, obs.detail = "error", "error", f"HTTP {last.status} without Location"
        return obs
    ct = last.header("content-type")
    pr: PageReading = read_page(last.body, url=last.url, status=last.status, content_type=ct, registry=registry)
    obs.state = pr.state  # type: ignore[assignment]
    obs.detail = pr.detail
    obs.page_kind = pr.page_kind
    for name, r in pr.fields.items():
        if name == "is_product_page":
            obs.is_product_page = bool(r.value)
        elif name in FIELDS:
            setattr(obs, name, r.value)
        obs.field_confidence[name] = r.confidence
        obs.field_source[name] = r.source
        if getattr(r, "also", ()):
            obs.field_witnesses[name] = list(r.also)
    if obs.state == "gone" and obs.is_product_page is None:
        obs.is_product_page = False
    return obs


def chains_for(listing_url: str, index: CaptureIndex, max_hops: int = 6) -> list[list[Capture]]:
    """Each capture of the listing URL starts a fetch; 3xx hops are followed inside the archive."""
    chains = []
    for c in index.for_url(listing_url):
        if c.listing_url and url_key(c.listing_url) != url_key(listing_url):
            continue  # this URL was fetched as a hop of another listing; it is not an own observation
        chain = [c]
        while len(chain) < max_hops:
            cur = chain[-1]
            if cur.status is None or not (300 <= cur.status < 400):
                break
            loc = cur.header("location")
            if not loc:
                break
            nxt = index.next_after(urljoin(cur.url, loc.strip()), cur.captured_at)
            if nxt is None:
                break
            chain.append(nxt)
        chains.append(chain)
    return chains


def observations_for(listing_url: str, index: CaptureIndex, registry: Registry) -> list[Observation]:
    return [observation_from_chain(listing_url, ch, registry) for ch in chains_for(listing_url, index)]


def latest_conclusive(obs: list[Observation], at: datetime | None) -> Observation | None:
    usable = [o for o in obs if at is None or o.captured_at <= at]
    conc = [o for o in usable if o.conclusive]
    return max(conc, key=lambda o: o.captured_at) if conc else None


def build_facts(url: str, observations: list[Observation], evaluated_at: datetime | None,
                notes: list[str] | None = None, source: str | None = None) -> ListingFacts:
    """ListingFacts: every observation (the rules filter by instant), fields from the latest conclusive one."""
    obs = sorted(observations, key=lambda o: o.captured_at)
    lf = ListingFacts(files=[url], url=Fact(value=url, confidence=1.0), observations=obs, observed=bool(obs),
                      notes=list(notes or []), reader=source)
    latest = latest_conclusive(obs, evaluated_at)
    if latest is not None:
        if latest.is_product_page is not None:
            lf.is_product_page = Fact(value=latest.is_product_page,
                                      confidence=latest.field_confidence.get("is_product_page", 0.9))
        for name in FIELDS:
            v = getattr(latest, name)
            if v is None or (name == "availability" and latest.state == "gone"):
                continue
            lf.__setattr__(name, Fact(value=v, confidence=latest.field_confidence.get(name, 0.6)))
    return lf


def replay_index(paths: list[Path]) -> CaptureIndex:
    return CaptureIndex(read_captures(paths))


def as_utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
