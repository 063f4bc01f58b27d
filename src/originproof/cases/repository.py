"""Case queries (no commits: the caller's unit of work owns the transaction)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from originproof.cases.models import Case, CaseVersion, DecisionRow, SanctionRow


def case_by_public_id(s: Session, case_id: str) -> Case | None:
    return s.execute(select(Case).where(Case.case_id == case_id)).scalar_one_or_none()


def case_for(s: Session, merchant_id: str, brand_key: str) -> Case | None:
    return s.execute(select(Case).where(Case.merchant_id == merchant_id, Case.brand_key == brand_key)
                     ).scalar_one_or_none()


def versions(s: Session, case_pk: int) -> list[CaseVersion]:
    return list(s.execute(select(CaseVersion).where(CaseVersion.case_pk == case_pk).order_by(CaseVersion.number))
                .scalars())


def version(s: Session, case_pk: int, number: int) -> CaseVersion | None:
    return s.execute(select(CaseVersion).where(CaseVersion.case_pk == case_pk, CaseVersion.number == number)
                     ).scalar_one_or_none()


def last_version_number(s: Session, case_pk: int) -> int:
    return int(s.execute(select(func.max(CaseVersion.number)).where(CaseVersion.case_pk == case_pk)).scalar() or 0)


def previous_done(s: Session, case_pk: int, before: int) -> CaseVersion | None:
    return s.execute(select(CaseVersion).where(CaseVersion.case_pk == case_pk, CaseVersion.number < before,
                                               CaseVersion.status == "done")
                     .order_by(CaseVersion.number.desc()).limit(1)).scalar_one_or_none()


def decisions(s: Session, case_pk: int) -> list[DecisionRow]:
    return list(s.execute(select(DecisionRow).where(DecisionRow.case_pk == case_pk).order_by(DecisionRow.id))
                .scalars())


def current_decision(s: Session, case_pk: int) -> DecisionRow | None:
    return s.execute(select(DecisionRow).where(DecisionRow.case_pk == case_pk, DecisionRow.current.is_(True))
                     .order_by(DecisionRow.id.desc()).limit(1)).scalar_one_or_none()


def sanctions_in_force(s: Session, merchant_id: str, now: datetime) -> list[tuple[SanctionRow, str]]:
    q = (select(SanctionRow, Case.case_id).join(Case, Case.id == SanctionRow.case_pk)
         .where(SanctionRow.merchant_id == merchant_id, SanctionRow.lifted_at.is_(None),
                or_(SanctionRow.until.is_(None), SanctionRow.until > now))
         .order_by(SanctionRow.id))
    return [(r, cid) for r, cid in s.execute(q)]


def live_sanctions_of_decision(s: Session, decision_id: int) -> list[SanctionRow]:
    return list(s.execute(select(SanctionRow).where(SanctionRow.decision_id == decision_id,
                                                    SanctionRow.lifted_at.is_(None))).scalars())


def merchant_cases(s: Session, merchant_id: str) -> list[Case]:
    return list(s.execute(select(Case).where(Case.merchant_id == merchant_id).order_by(Case.id)).scalars())


def page_of_cases(s: Session, *, merchants: frozenset[str] | None, merchant_id: str | None, state: str | None,
                  verdict: str | None, after_pk: int | None, limit: int) -> list[tuple[Case, CaseVersion]]:
    """Newest first; each case with its latest version. `merchants` None = every merchant."""
    latest = (select(CaseVersion.case_pk, func.max(CaseVersion.number).label("n"))
              .group_by(CaseVersion.case_pk).subquery())
    q = (select(Case, CaseVersion).join(latest, latest.c.case_pk == Case.id)
         .join(CaseVersion, and_(CaseVersion.case_pk == Case.id, CaseVersion.number == latest.c.n))
         .order_by(Case.id.desc()).limit(limit))
    if merchants is not None:
        q = q.where(Case.merchant_id.in_(sorted(merchants)))
    if merchant_id:
        q = q.where(Case.merchant_id == merchant_id)
    if state:
        q = q.where(Case.state == state)
    if verdict:
        q = q.where(CaseVersion.verdict == verdict)
    if after_pk is not None:
        q = q.where(Case.id < after_pk)
    return [(c, v) for c, v in s.execute(q)]


def unfinished_versions(s: Session) -> list[int]:
    return list(s.execute(select(CaseVersion.id).where(CaseVersion.status.in_(("queued", "running")))
                          .order_by(CaseVersion.id)).scalars())


def stuck_versions(s: Session, queued_before: datetime, running_before: datetime) -> list[int]:
    """Versions whose task seems lost: queued long ago, or running since long before any check lasts."""
    q = select(CaseVersion.id).where(or_(
        and_(CaseVersion.status == "queued", CaseVersion.submitted_at < queued_before),
        and_(CaseVersion.status == "running", CaseVersion.started_at < running_before))).order_by(CaseVersion.id)
    return list(s.execute(q).scalars())
