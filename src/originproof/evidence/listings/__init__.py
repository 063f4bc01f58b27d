"""Online listings: safe platform-side fetcher, WARC archive and replay, page readers.

Registers two readers:
  listing(url, ctx) -> ListingFacts        all observations of that URL (replay, or live when allowed)
  listing_page(path, url, ctx) -> ListingFacts   one saved page (`originproof extract PAGE.html --kind listing`)
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

from originproof.evidence.listings.archive import WarcArchive, read_captures, CaptureIndex
from originproof.evidence.listings.fetcher import FetchPolicy, ListingFetcher
from originproof.evidence.listings.observe import build_facts, observation_from_chain, observations_for
from originproof.evidence.listings.page import read_page
from originproof.evidence.readers import ReadContext, register_reader
from originproof.facts import Fact
from originproof.facts.listings import ListingFacts, Observation

log = logging.getLogger(__name__)
READER_VERSION = "3"  # 3: every source of the page read and reconciled
MAX_PAGE_BYTES = 20 * 1024 * 1024  # a saved product page is far smaller; more is not read


def default_archive_dir() -> Path:
    from originproof.config import settings
    return settings().home / "warc"


def _drop_late(obs: list[Observation], at: datetime | None) -> tuple[list[Observation], int]:
    if at is None:
        return obs, 0
    keep = [o for o in obs if o.captured_at <= at]
    return keep, len(obs) - len(keep)


@register_reader("listing", "listings.observations", READER_VERSION, cacheable=False)
def read_listing(url: str, ctx: ReadContext) -> ListingFacts:
    notes: list[str] = []
    if ctx.web_archives:
        # Replay: judged from the supplied captures only — no network access at all.
        errors: list[str] = []
        index = CaptureIndex(read_captures(ctx.web_archives, errors))
        notes += errors
        obs = observations_for(url, index, ctx.registry)
        source = "replay"
        if not obs:
            notes.append("no capture of this URL in the supplied web archive(s); not observed, so not judged")
    elif ctx.allow_network:
        archive = WarcArchive(ctx.extra.get("warc_dir") or default_archive_dir())
        fetcher: ListingFetcher = ctx.extra.get("listing_fetcher") or ListingFetcher(ctx.registry, archive)
        try:
            fetcher.fetch(url, country=ctx.origin_country)
        except Exception as e:  # noqa: BLE001 — a fetch failure is an observation gap, never a crash
            log.warning("live fetch of %s failed: %s", url, e, exc_info=True)
            notes.append(f"live fetch failed: {type(e).__name__}")
        index = CaptureIndex(read_captures(archive.files()))
        obs = observations_for(url, index, ctx.registry)
        source = "live"
    else:
        return ListingFacts(files=[url], url=Fact(value=url), observed=False, reader=f"listings.observations@{READER_VERSION}",
                            notes=["not observed: no web archive was supplied (--web-archive) and live observation "
                                   "is not enabled for this check, so the listing cannot be judged"])
    obs, late = _drop_late(obs, ctx.evaluated_at)
    if late:
        notes.append(f"{late} observation(s) after the evaluation instant ignored")
    if not obs and source == "replay" and late:
        notes.append("every capture of this URL is later than the evaluation instant")
    lf = build_facts(url, obs, ctx.evaluated_at, notes, source=f"listings.observations@{READER_VERSION}:{source}")
    return lf


@register_reader("listing_page", "listings.page", READER_VERSION, cacheable=False)
def read_listing_page(path: Path, url: str | None, ctx: ReadContext) -> ListingFacts:
    from originproof.evidence.listings.archive import Capture

    with open(path, "rb") as fh:
        body = fh.read(MAX_PAGE_BYTES)
    when = datetime.fromtimestamp(Path(path).stat().st_mtime, tz=timezone.utc)
    cap = Capture(url=url or Path(path).name, captured_at=when, record_id="", file=str(path), status=200,
                  headers=[], body=body)
    obs = observation_from_chain(url or "", [cap], ctx.registry) if url else _obs_without_url(cap, ctx)
    obs.warc_file = None
    lf = build_facts(url or "", [obs], None, source=f"listings.page@{READER_VERSION}")
    lf.files = [Path(path).name]
    if not url:
        lf.url = None
    lf.notes.append(f"page state: {obs.state}" + (f" ({obs.detail})" if obs.detail else ""))
    return lf


def _obs_without_url(cap, ctx: ReadContext) -> Observation:
    pr = read_page(cap.body, url=None, status=200, registry=ctx.registry)
    obs = Observation(captured_at=cap.captured_at, url="", state=pr.state, detail=pr.detail,  # type: ignore[arg-type]
                      page_kind=pr.page_kind)
    for name, r in pr.fields.items():
        if name == "is_product_page":
            obs.is_product_page = bool(r.value)
        else:
            setattr(obs, name, r.value)
        obs.field_confidence[name] = r.confidence
        obs.field_source[name] = r.source
        if getattr(r, "also", ()):
            obs.field_witnesses[name] = list(r.also)
    return obs


__all__ = ["read_listing", "read_listing_page", "ListingFetcher", "FetchPolicy", "WarcArchive", "default_archive_dir"]
