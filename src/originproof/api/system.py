"""Health and the audit chain check."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from originproof import __version__
from originproof.accounts.schemas import Principal
from originproof.api.deps import Service, require, service

router = APIRouter(tags=["system"])


@router.get("/healthz")
def healthz() -> dict[str, Any]:
    return {"ok": True, "version": __version__}


@router.get("/v1/audit/verify")
def audit_verify(_: Principal = Depends(require("admin")), svc: Service = Depends(service)) -> dict[str, bool]:
    return {"intact": svc.store.verify_audit_chain()}
