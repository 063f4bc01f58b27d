"""Dossiers, cases, versions, decisions and merchants (api.md). Every route checks the caller's
rights before it reads or writes; a seller reaches only its own merchants' things, and another
merchant's are answered 404 (existence does not leak)."""
from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Path as PathParam, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from originproof.accounts.schemas import Principal
from originproof.api.deps import Service, principal, require, service
from originproof.api.errors import ApiError, not_found
from originproof.api.upload import UPLOAD_OPENAPI, check_declared_size, spool_file_field
from originproof.cases import repository as repo
from originproof.cases import service as cases
from originproof.cases.identity import read_identity
from originproof.cases.schemas import (Accepted, CaseOut, CasePage, CaseState, DecisionIn, DecisionOut, MerchantOut,
                                      VerdictName)
from originproof.pipeline import check_path
from originproof.pipeline.options import check_options
from originproof.report.views import for_seller

router = APIRouter(prefix="/v1", tags=["cases"])
MAX_VERSION = 1_000_000
MAX_ID = 2**62  # beyond any row id, within every database's integer


def _err(e: cases.CaseError) -> ApiError:
    return ApiError(e.status, e.code, e.zh, e.en)


def _visible_case(s, case_id: str, p: Principal):
    case = repo.case_by_public_id(s, case_id)
    if case is None or not p.acts_for(case.merchant_id):
        raise not_found()
    return case


def _visible_version(s, case_id: str, n: int, p: Principal):
    case = _visible_case(s, case_id, p)
    v = repo.version(s, case.id, n)
    if v is None:
        raise not_found("version", "版本")
    return case, v


def _report_for(p: Principal, report: dict[str, Any]) -> dict[str, Any]:
    return for_seller(report) if p.is_seller else report


@router.post("/dossiers", status_code=202, response_model=Accepted, openapi_extra=UPLOAD_OPENAPI,
             responses={200: {"description": "precheck=true: report@1, nothing stored"},
                        403: {"description": "another merchant's dossier, or cooperation terminated"},
                        413: {"description": "over the policy's size cap"}})
async def submit_dossier(request: Request, precheck: bool = Query(False, description="check without recording"),
                         p: Principal = Depends(require("seller", "admin")),
                         svc: Service = Depends(service)) -> Any:
    policy, registry = svc.operator.policy, svc.operator.registry
    cap = policy.intake.max_dossier_bytes
    check_declared_size(request, cap)
    if p.is_seller and not precheck:
        with svc.store.Session() as s:
            at = cases.now()
            if all(cases.terminated(s, m, at) for m in p.merchants):
                raise _err(cases.CaseError(403, "cooperation_terminated", "该商家的合作已终止，不能再提交档案",
                                           "Cooperation with this merchant is terminated: no further dossiers "
                                           "are accepted"))
    received = cases.now()
    with tempfile.TemporaryDirectory(prefix="originproof-upload-") as tmp:
        up = await spool_file_field(request, Path(tmp) / "dossier.zip", cap)
        ident = await run_in_threadpool(read_identity, up.path, policy, registry)
        if ident is not None and not p.acts_for(ident.merchant_id):
            raise ApiError(403, "other_merchant", "该档案属于您无权代表的商家，已拒收，未保存任何内容",
                           "The dossier names a merchant you do not act for; refused and nothing was stored")
        if precheck:
            # The seller's pre-check: no store at all — no row, no cache entry, no look at others' evidence.
            opts = check_options(svc.operator, store=None, blobs=None, record=False, received_at=received,
                                 actor=p.name, entry="service")
            res = await run_in_threadpool(check_path, up.path, opts)
            return JSONResponse(_report_for(p, res.report), status_code=200)
        if ident is None:
            raise ApiError(422, "dossier_unreadable", "档案包没有可读的清单（dossier.yaml），无法确认商家与品牌；"
                           "可先用 ?precheck=true 查看原因", "The dossier has no readable manifest, so its merchant "
                           "and brand cannot be established; submit with ?precheck=true to see why")
        opened = await run_in_threadpool(_store_submission, svc, ident, up, p, received)
    svc.dispatcher.submit(opened[2])
    return Accepted(case_id=opened[0], version=opened[1])


def _store_submission(svc: Service, ident, up, p: Principal, received) -> tuple[str, int, int]:
    for attempt in range(4):
        try:
            with svc.store.Session.begin() as s:
                svc.store._begin_write(s)  # writers queue here: version numbers and the audit head stay linear
                cases.refuse_if_terminated(s, ident.merchant_id, received)
                cases.bind_identity(s, ident.merchant_id, ident.uscc, p.name, received)
                # The blob first: a worker never sees a version whose zip is not there yet.
                svc.blobs.put_file(up.path, up.sha256)
                o = cases.open_version(s, ident, up.sha256, p.name, received)
                svc.store._audit(s, p.name, "submitted", None, {"case_id": o.case.case_id, "version": o.version.number,
                                                               "upload_sha256": up.sha256, "bytes": up.size})
                return o.case.case_id, o.version.number, o.version.id
        except cases.CaseError as e:
            raise _err(e)
        except IntegrityError:
            if attempt == 3:  # two submissions raced for the same new case or version number
                raise
    raise AssertionError("unreachable")


def _cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"c{pk}".encode()).decode().rstrip("=")


def _after(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("c") and raw[1:].isdigit() and int(raw[1:]) <= MAX_ID:
            return int(raw[1:])
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiError(422, "bad_cursor", "分页游标无效", "The cursor is not one this API gave out")


@router.get("/cases", response_model=CasePage)
def list_cases(verdict: VerdictName | None = Query(None), state: CaseState | None = Query(None),
               merchant_id: str | None = Query(None, max_length=128), limit: int = Query(50, ge=1, le=200),
               cursor: str | None = Query(None, max_length=64), p: Principal = Depends(principal),
               svc: Service = Depends(service)) -> dict[str, Any]:
    after = _after(cursor)
    with svc.store.Session() as s:
        rows = repo.page_of_cases(s, merchants=p.merchants if p.is_seller else None, merchant_id=merchant_id,
                                  state=state, verdict=verdict, after_pk=after, limit=limit + 1)
    items = [cases.summary_out(c, v) for c, v in rows[:limit]]
    return {"items": items, "next": _cursor(rows[limit - 1][0].id) if len(rows) > limit else None}


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(case_id: str, p: Principal = Depends(principal), svc: Service = Depends(service)) -> dict[str, Any]:
    with svc.store.Session() as s:
        return cases.case_out(s, _visible_case(s, case_id, p), for_seller=p.is_seller)


@router.get("/cases/{case_id}/versions/{n}")
def get_version(case_id: str, n: int = PathParam(ge=1, le=MAX_VERSION), p: Principal = Depends(principal),
                svc: Service = Depends(service)) -> dict[str, Any]:
    """A version's progress, and the findings that changed since the previous version."""
    with svc.store.Session() as s:
        case, v = _visible_version(s, case_id, n, p)
        return {"case_id": case.case_id, "version": v.number, "status": v.status, "verdict": v.verdict,
                "severity": v.severity, "submitted_at": cases.iso(v.submitted_at), "attempts": v.attempts,
                "finished_at": cases.iso(v.finished_at), "changes": v.changes or []}


@router.get("/cases/{case_id}/versions/{n}/report", responses={409: {"description": "not done yet"}})
def get_report(case_id: str, n: int = PathParam(ge=1, le=MAX_VERSION), p: Principal = Depends(principal),
               svc: Service = Depends(service)) -> dict[str, Any]:
    with svc.store.Session() as s:
        _, v = _visible_version(s, case_id, n, p)
        if v.status != "done" or v.report is None:
            raise ApiError(409, "not_ready", f"该版本的检查尚未完成（{v.status}）",
                           f"The check of this version is not done ({v.status})", status=v.status)
        return _report_for(p, v.report)


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionOut,
             responses={422: {"description": "a sanction outside the policy ladder"},
                        409: {"description": "an overruling by the same person"}})
def post_decision(case_id: str, body: DecisionIn, p: Principal = Depends(require("reviewer", "admin")),
                  svc: Service = Depends(service)) -> dict[str, Any]:
    try:
        with svc.store.Session.begin() as s:
            svc.store._begin_write(s)
            case = _visible_case(s, case_id, p)
            row = cases.decide(s, case, p, body.decision, body.reason, body.sanctions, svc.operator.policy)
            svc.store._audit(s, p.name, "decision", None, {"case_id": case.case_id, "version": row.version,
                                                          "decision": row.decision, "reason": row.reason,
                                                          "sanctions": row.sanctions, "overrules": row.overrules})
            return cases.decision_out(row, case.case_id, for_seller=False)
    except cases.CaseError as e:
        raise _err(e)


@router.get("/merchants/{merchant_id}", response_model=MerchantOut)
def get_merchant(merchant_id: str, p: Principal = Depends(principal),
                 svc: Service = Depends(service)) -> dict[str, Any]:
    if not p.acts_for(merchant_id):
        raise not_found("merchant", "商家")
    with svc.store.Session() as s:
        return cases.merchant_out(s, merchant_id)
