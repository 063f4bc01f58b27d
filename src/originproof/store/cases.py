"""Case queries for the review service (kept apart from db.py so each concern stays small)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from originproof.store.db import Store
from originproof.store.models import AuditEvent, Check, Dossier


def list_cases(store: Store, *, verdict: str | None = None, merchant_id: str | None = None,
               limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    with store.Session() as s:
        last = (select(Check.dossier_id, func.max(Check.id).label("cid")).group_by(Check.dossier_id).subquery())
        q = (select(Dossier, Check).join(last, last.c.dossier_id == Dossier.id).join(Check, Check.id == last.c.cid)
             .order_by(Check.id.desc()).limit(limit).offset(offset))
        if verdict:
            q = q.where(Check.verdict == verdict)
        if merchant_id:
            q = q.where(Dossier.merchant_id == merchant_id)
        return [{"digest": d.digest, "merchant_id": d.merchant_id, "brand": d.brand, "origin_country": d.origin_country,
                 "verdict": c.verdict, "severity": c.severity, "checked_at": c.checked_at.isoformat(),
                 "needs_recheck": d.needs_recheck, "decision": _decision(s, d.digest)} for d, c in s.execute(q)]


def _decision(s, digest: str) -> dict[str, Any] | None:
    ev = s.execute(select(AuditEvent).where(AuditEvent.dossier_digest == digest, AuditEvent.action == "decision")
                   .order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
    return ev.payload if ev else None


def case(store: Store, digest: str) -> dict[str, Any] | None:
    with store.Session() as s:
        d = s.execute(select(Dossier).where(Dossier.digest == digest)).scalar_one_or_none()
        if d is None:
            return None
        c = s.execute(select(Check).where(Check.dossier_id == d.id).order_by(Check.id.desc()).limit(1)).scalar_one()
        history = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "payload": e.payload}
                   for e in s.execute(select(AuditEvent).where(AuditEvent.dossier_digest == digest)
                                      .order_by(AuditEvent.id)).scalars()]
        return {"digest": digest, "merchant_id": d.merchant_id, "brand": d.brand, "report": c.report,
                "decision": _decision(s, digest), "history": history, "needs_recheck": d.needs_recheck}
