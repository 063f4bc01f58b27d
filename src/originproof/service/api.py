"""HTTP API and review console (FastAPI). The same check function as the CLI; the service stamps
`submitted_at` itself. Roles: seller (own dossiers only), reviewer, admin — by API key."""
from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from jinja2 import Environment, select_autoescape
from pydantic import BaseModel, Field

from originproof import __version__
from originproof.api import errors as api_errors
from originproof.api.errors import ApiError
from originproof.api.upload import UPLOAD_OPENAPI, check_declared_size, spool_file_field
from originproof.cases.identity import read_identity
from originproof.pipeline import CheckOptions, check_path
from originproof.policy import Policy, load_policy
from originproof.registry import Registry
from originproof.report.views import for_seller
from originproof.report.render import SANCTION_ZH, SEVERITY_ZH, STATUS_MARK, VERDICT_ZH, _pointer, sorted_findings
from originproof.store import Store
from originproof.store.blobs import BlobStore
from originproof.store.cases import case, list_cases

MAX_UPLOAD = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Principal:
    role: Literal["seller", "reviewer", "admin"]
    merchant_id: str | None = None
    name: str = ""


def parse_keys(spec: str) -> dict[str, Principal]:
    """`key:role[:merchant_id]` entries separated by commas."""
    out: dict[str, Principal] = {}
    for item in filter(None, (x.strip() for x in spec.split(","))):
        parts = item.split(":")
        if len(parts) < 2 or parts[1] not in ("seller", "reviewer", "admin"):
            raise ValueError(f"bad API key entry {item!r}: want key:role[:merchant_id]")
        if parts[1] == "seller" and len(parts) < 3:
            raise ValueError(f"seller key {parts[0][:4]}… needs a merchant id")
        out[parts[0]] = Principal(parts[1], parts[2] if len(parts) > 2 else None, f"{parts[1]}:{parts[0][:4]}")
    return out


class Decision(BaseModel):
    decision: Literal["approve", "reject", "request_more"]
    reason: str = Field(min_length=3, max_length=4000)
    sanctions: list[str] = Field(default_factory=list)


def create_app(store: Store, blobs: BlobStore, keys: dict[str, Principal], policy: Policy | None = None,
               registry: Registry | None = None) -> FastAPI:
    policy = policy or load_policy()
    registry = registry or Registry.load()
    app = FastAPI(title="OriginProof", version=__version__,
                  description="Verify cross-border import sellers' origin distribution and production proof.")
    api_errors.install(app)
    env = Environment(autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["pointer"] = _pointer

    def page(name: str, **kw: Any) -> HTMLResponse:
        tpl = env.from_string(resources.files("originproof.service").joinpath("templates", name).read_text("utf-8"))
        return HTMLResponse(tpl.render(mark=STATUS_MARK, verdict_zh=VERDICT_ZH, severity_zh=SEVERITY_ZH,
                                       sanction_zh=SANCTION_ZH, **kw))

    def principal(authorization: str | None = Header(None), key: str | None = Query(None)) -> Principal:
        token = (authorization or "").removeprefix("Bearer ").strip() or (key or "")
        p = keys.get(token) if token else None
        if p is None:
            raise HTTPException(401, "missing or unknown API key")
        return p

    def need(p: Principal, *roles: str) -> None:
        if p.role not in roles:
            raise HTTPException(403, f"{p.role} may not do this")

    def visible(p: Principal, digest: str) -> dict[str, Any]:
        c = case(store, digest)
        if c is None or (p.role == "seller" and c["merchant_id"] != p.merchant_id):
            raise HTTPException(404, "no such dossier")  # a seller cannot even learn another's digest exists
        return c

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"ok": True, "version": __version__}

    @app.post("/v1/dossiers", status_code=201, openapi_extra=UPLOAD_OPENAPI)
    async def submit(request: Request, p: Principal = Depends(principal)) -> dict[str, Any]:
        # Rights and the declared size first: nothing is read, spooled or stored for a refused call.
        cap = min(MAX_UPLOAD, policy.intake.max_dossier_bytes)
        check_declared_size(request, cap)
        received = datetime.now(timezone.utc)
        with tempfile.TemporaryDirectory(prefix="originproof-upload-") as tmp:
            up = await spool_file_field(request, Path(tmp) / "dossier.zip", cap)
            if p.role == "seller":
                ident = await run_in_threadpool(read_identity, up.path, policy, registry)
                if ident is None:
                    raise ApiError(422, "dossier_unreadable", "档案包没有可读的清单，无法确认所属商家",
                                   "The dossier has no readable manifest, so its merchant cannot be established")
                if ident.merchant_id != p.merchant_id:
                    raise ApiError(403, "other_merchant", "该档案属于其他商家，无权提交",
                                   "The dossier names a merchant you do not act for")
            blobs.put_file(up.path, up.sha256)
            opts = CheckOptions(policy=policy, registry=registry, store=store, blobs=blobs, received_at=received,
                                actor=p.name)
            res = await run_in_threadpool(check_path, up.path, opts)
        report = res.report
        return for_seller(report) if p.role == "seller" else report

    @app.get("/v1/dossiers/{digest}/report")
    def report(digest: str, p: Principal = Depends(principal)) -> dict[str, Any]:
        rep = visible(p, digest)["report"]
        return for_seller(rep) if p.role == "seller" else rep

    @app.get("/v1/cases")
    def cases(verdict: str | None = None, limit: int = Query(100, le=1000), offset: int = 0,
              p: Principal = Depends(principal)) -> list[dict[str, Any]]:
        return list_cases(store, verdict=verdict, limit=limit, offset=offset,
                          merchant_id=p.merchant_id if p.role == "seller" else None)

    @app.post("/v1/cases/{digest}/decision")
    def decide(digest: str, d: Decision, p: Principal = Depends(principal)) -> dict[str, Any]:
        need(p, "reviewer", "admin")
        visible(p, digest)
        store.audit(p.name, "decision", digest, d.model_dump())
        return case(store, digest)["decision"]

    @app.get("/v1/audit/verify")
    def audit_verify(p: Principal = Depends(principal)) -> dict[str, bool]:
        need(p, "admin")
        return {"intact": store.verify_audit_chain()}

    @app.get("/console", response_class=HTMLResponse)
    def console(verdict: str | None = None, p: Principal = Depends(principal), key: str | None = None) -> HTMLResponse:
        rows = list_cases(store, verdict=verdict, merchant_id=p.merchant_id if p.role == "seller" else None)
        return page("queue.html.j2", rows=rows, principal=p, key=key)

    @app.get("/console/cases/{digest}", response_class=HTMLResponse)
    def console_case(digest: str, p: Principal = Depends(principal), key: str | None = None) -> HTMLResponse:
        c = visible(p, digest)
        return page("case.html.j2", c=c, r=c["report"], findings=sorted_findings(c["report"]), principal=p, key=key)

    return app


def app_from_env() -> FastAPI:
    """`uvicorn originproof.service.api:app_from_env --factory`: configuration from ORIGINPROOF_* variables."""
    from originproof.config import settings

    spec = os.environ.get("ORIGINPROOF_API_KEYS", "")
    if not spec:
        raise RuntimeError("set ORIGINPROOF_API_KEYS (key:role[:merchant_id],…) before serving")
    return create_app(Store(settings().resolved_store_url()), BlobStore(settings().resolved_blob_url()),
                      parse_keys(spec))


def new_key() -> str:
    return secrets.token_urlsafe(24)
