"""Auth dependencies: who is calling (Bearer token, or the console's session cookie + CSRF), and
what the service holds (store, blobs, operator configuration, dispatcher).

A dependency never reads the request body, so a refused call is answered before its body is
received, let alone stored."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from originproof.accounts import service as accounts
from originproof.accounts.schemas import ROLE_ZH, Principal
from originproof.accounts.throttle import SignInThrottle
from originproof.api.errors import ApiError, forbidden, unauthenticated
from originproof.pipeline.options import Operator
from originproof.store import Store
from originproof.store.blobs import BlobStore
from originproof.webhooks.targets import Targets

SESSION_COOKIE = "op_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class Service:
    store: Store
    blobs: BlobStore
    operator: Operator
    dispatcher: Any  # worker.pool.Dispatcher
    webhook_targets: Targets = field(default_factory=Targets)  # where webhooks may go: public https only
    signin_throttle: SignInThrottle = field(default_factory=SignInThrottle)  # in-process counts
    extras: dict[str, Any] = field(default_factory=dict)


def service(request: Request) -> Service:
    return request.app.state.service


# Declared for the OpenAPI document (/docs "Authorize"); the header is parsed below either way.
_bearer = HTTPBearer(auto_error=False, description="An API token from `originproof accounts add-token`")


def principal(request: Request, svc: Service = Depends(service),
              _: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    auth = request.headers.get("authorization")
    if auth is not None:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated()
        with svc.store.Session() as s:
            p = accounts.principal_for_token(s, token.strip())
        if p is None:
            raise unauthenticated()
        return p
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with svc.store.Session() as s:
            p = accounts.principal_for_session(s, cookie)
        if p is None:
            raise unauthenticated()
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            from originproof.accounts.security import same
            if not sent or not same(sent, p.csrf_token or ""):
                raise ApiError(403, "csrf", "缺少或无效的 CSRF 令牌", "Missing or wrong CSRF token")
        return p
    raise unauthenticated()


def require(*roles: str) -> Callable[..., Principal]:
    def dep(p: Principal = Depends(principal)) -> Principal:
        if p.role not in roles:
            raise forbidden(f"A {p.role} may not do this ({' or '.join(roles)} only)",
                            f"{ROLE_ZH.get(p.role, p.role)}角色无权执行此操作（仅限{'、'.join(ROLE_ZH.get(r, r) for r in roles)}）")
        return p
    return dep
