"""Exports for the operator (admin): decisions as JSON Lines, sanctions as CSV — paginated, the
next page's cursor in `X-Next-Cursor` (and a `Link: rel="next"`); every export carries the audit chain's
head (`X-Audit-Head: COUNT:HASH`), the anchor `originproof audit verify --anchor` checks against."""
from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from originproof.accounts.schemas import Principal
from originproof.api.deps import Service, require, service
from originproof.cases.models import Case, DecisionRow, SanctionRow
from originproof.cases.service import aware, iso, now

router = APIRouter(prefix="/v1/exports", tags=["exports"])
MAX_ID = 2**62  # beyond any row id, within every database's integer


def _paged(body: str, media: str, request: Request, rows: list, limit: int, svc: Service) -> Response:
    # The audit chain's head at export time, kept outside the database with the export: a later
    # `originproof audit verify --anchor COUNT:HASH` proves no event was cut off the chain's end since.
    count, head = svc.store.audit_head()
    headers = {"X-Audit-Head": f"{count}:{head}"}
    if len(rows) > limit:
        nxt = str(rows[limit - 1][0].id)
        headers["X-Next-Cursor"] = nxt
        headers["Link"] = f'<{request.url.path}?cursor={nxt}&limit={limit}>; rel="next"'
    return Response(body, media_type=media, headers=headers)


@router.get("/decisions.jsonl", response_class=Response,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def decisions_jsonl(request: Request, cursor: int = Query(0, ge=0, le=MAX_ID), limit: int = Query(1000, ge=1, le=10000),
                    _: Principal = Depends(require("admin")), svc: Service = Depends(service)) -> Response:
    with svc.store.Session() as s:
        rows = list(s.execute(select(DecisionRow, Case).join(Case, Case.id == DecisionRow.case_pk)
                              .where(DecisionRow.id > cursor).order_by(DecisionRow.id).limit(limit + 1)))
    lines = [json.dumps({"id": d.id, "case_id": c.case_id, "merchant_id": c.merchant_id, "brand": c.brand,
                         "version": d.version, "decision": d.decision, "reason": d.reason,
                         "sanctions": d.sanctions, "by": d.actor, "at": iso(d.at), "current": d.current,
                         "overrules": d.overrules}, ensure_ascii=False) for d, c in rows[:limit]]
    return _paged("".join(x + "\n" for x in lines), "application/x-ndjson", request, rows, limit, svc)


@router.get("/sanctions.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def sanctions_csv(request: Request, cursor: int = Query(0, ge=0, le=MAX_ID), limit: int = Query(1000, ge=1, le=10000),
                  _: Principal = Depends(require("admin")), svc: Service = Depends(service)) -> Response:
    with svc.store.Session() as s:
        rows = list(s.execute(select(SanctionRow, Case).join(Case, Case.id == SanctionRow.case_pk)
                              .where(SanctionRow.id > cursor).order_by(SanctionRow.id).limit(limit + 1)))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "merchant_id", "code", "since", "until", "lifted_at", "in_force", "case_id", "decision_id"])
    at = now()
    for r, c in rows[:limit]:
        in_force = r.lifted_at is None and (r.until is None or aware(r.until) > at)
        w.writerow([r.id, r.merchant_id, r.code, iso(r.since), iso(r.until) or "", iso(r.lifted_at) or "",
                    "true" if in_force else "false", c.case_id, r.decision_id])
    return _paged(buf.getvalue(), "text/csv; charset=utf-8", request, rows, limit, svc)
