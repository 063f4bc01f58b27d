"""The application: it only includes routers (each domain owns its routes) and installs the error
shape and the body cap. Configuration comes in as a `Service`; `app_from_env` builds one from
ORIGINPROOF_* variables."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from originproof import __version__
from originproof.api import errors
from originproof.api.deps import Service
from originproof.api.limits import BodyCap


def create_app(svc: Service) -> FastAPI:
    from originproof.api.system import router as system_router
    from originproof.cases.exports import router as exports_router
    from originproof.cases.routes import router as cases_router
    from originproof.service.console import router as console_router
    from originproof.webhooks.routes import router as webhooks_router

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        for stop in svc.extras.get("on_shutdown", []):
            stop()

    app = FastAPI(title="OriginProof", version=__version__, lifespan=lifespan,
                  description="Verify cross-border import sellers' origin distribution and production proof. "
                              "Contract: api.md (credentials, dossiers and cases, decisions, merchants, "
                              "webhooks, exports).")
    app.state.service = svc
    errors.install(app)
    app.add_middleware(BodyCap, upload_paths=("/v1/dossiers",))
    for r in (system_router, cases_router, exports_router, webhooks_router, console_router):
        app.include_router(r)
    return app


def app_from_env() -> FastAPI:
    """`uvicorn originproof.api.app:app_from_env --factory`."""
    from originproof.service.runtime import build_service

    return create_app(build_service())


