"""The monitor's queries, in the caller's session (nothing here commits)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from originproof.monitor.models import ListingFindingRow, ListingObservationRow
from originproof.store.models import Dossier


def monitored_dossiers(s: Session, verdicts: tuple[str, ...]) -> list[dict[str, Any]]:
    """Dossiers whose listings the monitor re-observes: last verdict among `verdicts`, with a manifest."""
    q = select(Dossier).where(Dossier.last_verdict.in_(verdicts)).order_by(Dossier.id)
    return [{"digest": d.digest, "merchant_id": d.merchant_id, "brand": d.brand,
             "origin_country": d.origin_country, "verdict": d.last_verdict, "manifest": d.manifest,
             "needs_recheck": d.needs_recheck} for d in s.execute(q).scalars() if d.manifest]


def dossier(s: Session, digest: str) -> Dossier:
    return s.execute(select(Dossier).where(Dossier.digest == digest)).scalar_one()


def add_observation(s: Session, dossier_id: int, subject: str, obs: dict[str, Any]) -> None:
    s.add(ListingObservationRow(dossier_id=dossier_id, subject=subject, url=obs["url"],
                                captured_at=datetime.fromisoformat(obs["captured_at"]), state=obs["state"],
                                http_status=obs.get("http_status"), warc_record_id=obs.get("warc_record_id"),
                                warc_file=obs.get("warc_file"), detail=obs.get("detail")))


def open_finding(s: Session, dossier_id: int, url: str) -> ListingFindingRow | None:
    return s.execute(select(ListingFindingRow).where(
        ListingFindingRow.dossier_id == dossier_id, ListingFindingRow.url == url,
        ListingFindingRow.open.is_(True))).scalars().first()


def observations(s: Session, digest: str) -> list[dict[str, Any]]:
    q = (select(ListingObservationRow).join(Dossier, Dossier.id == ListingObservationRow.dossier_id)
         .where(Dossier.digest == digest).order_by(ListingObservationRow.captured_at))
    return [{"subject": r.subject, "url": r.url, "captured_at": r.captured_at, "state": r.state,
             "http_status": r.http_status, "warc_record_id": r.warc_record_id, "warc_file": r.warc_file,
             "detail": r.detail} for r in s.execute(q).scalars()]


def findings(s: Session, digest: str, open_only: bool = False) -> list[dict[str, Any]]:
    q = (select(ListingFindingRow).join(Dossier, Dossier.id == ListingFindingRow.dossier_id)
         .where(Dossier.digest == digest).order_by(ListingFindingRow.id))
    if open_only:
        q = q.where(ListingFindingRow.open.is_(True))
    return [{"subject": r.subject, "url": r.url, "rule": r.rule, "state": r.state, "open": r.open,
             "created_at": r.created_at, "finding": r.finding} for r in s.execute(q).scalars()]


def add_finding(s: Session, dossier_id: int, subject: str, url: str, rule: str, state: str,
                finding: dict[str, Any], at: datetime) -> None:
    s.add(ListingFindingRow(dossier_id=dossier_id, subject=subject, url=url, rule=rule, state=state, created_at=at,
                            open=True, finding=finding))
