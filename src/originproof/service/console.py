"""The review console: server-rendered pages behind a sign-in (session cookie, HttpOnly,
SameSite=Strict) with a CSRF token on every state-changing request. No secret ever goes into a URL."""
from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, select_autoescape

from originproof.accounts import service as accounts
from originproof.accounts.schemas import Principal
from originproof.accounts.security import same
from originproof.api.deps import SESSION_COOKIE, Service, service
from originproof.cases import repository as repo
from originproof.cases import service as cases
from originproof.report.render import SANCTION_ZH, SEVERITY_ZH, STATUS_MARK, VERDICT_ZH, _pointer, sorted_findings
from originproof.report.views import for_seller

router = APIRouter(prefix="/console", include_in_schema=False)
_env = Environment(autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
_env.filters["pointer"] = _pointer


def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **kw: Any) -> HTMLResponse:
    tpl = _env.from_string(resources.files("originproof.service").joinpath("templates", name).read_text("utf-8"))
    return HTMLResponse(tpl.render(mark=STATUS_MARK, verdict_zh=VERDICT_ZH, severity_zh=SEVERITY_ZH,
                                   sanction_zh=SANCTION_ZH, **kw), status_code=status,
                        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY", **(headers or {})})


def signed_in(request: Request, svc: Service = Depends(service)) -> Principal | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    with svc.store.Session() as s:
        return accounts.principal_for_session(s, cookie)


def _to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form() -> HTMLResponse:
    return page("login.html.j2", error=None)


@router.post("/login")
def login(request: Request, name: str = Form(..., max_length=128), password: str = Form(..., max_length=1024),
          svc: Service = Depends(service)) -> Response:
    # Behind a reverse proxy, uvicorn's proxy headers (trusted from --forwarded-allow-ips) make this the real client.
    client = request.client.host if request.client else ""
    wait = svc.signin_throttle.retry_after(name, client)
    if wait is not None:  # refused before the password is hashed: guessing costs the guesser, not us
        return page("login.html.j2", status=429, headers={"Retry-After": str(wait)},
                    error=f"登录失败次数过多，请 {wait} 秒后再试 Too many failed sign-ins: try again in {wait} s")
    with svc.store.Session.begin() as s:
        got = accounts.sign_in(s, name, password)
    if got is None:
        svc.signin_throttle.failed(name, client)
        return page("login.html.j2", status=401, error="用户名或密码错误 Wrong user name or password")
    svc.signin_throttle.succeeded(name)
    resp = RedirectResponse("/console", status_code=303)
    resp.set_cookie(SESSION_COOKIE, got[0], httponly=True, samesite="strict", path="/",
                    secure=request.url.scheme == "https", max_age=accounts.SESSION_HOURS * 3600)
    return resp


@router.post("/logout")
def logout(request: Request, csrf: str = Form(""), p: Principal | None = Depends(signed_in),
           svc: Service = Depends(service)) -> Response:
    if p is not None and same(csrf, p.csrf_token or ""):
        with svc.store.Session.begin() as s:
            accounts.sign_out(s, request.cookies.get(SESSION_COOKIE, ""))
    resp = _to_login()
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("", response_class=HTMLResponse)
def queue(verdict: str | None = None, p: Principal | None = Depends(signed_in),
          svc: Service = Depends(service)) -> Response:
    if p is None:
        return _to_login()
    with svc.store.Session() as s:
        rows = repo.page_of_cases(s, merchants=p.merchants if p.is_seller else None, merchant_id=None, state=None,
                                  verdict=verdict or None, after_pk=None, limit=200)
        items = [cases.summary_out(c, v) for c, v in rows]
    return page("queue.html.j2", rows=items, principal=p, csrf=p.csrf_token)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: str, p: Principal | None = Depends(signed_in), svc: Service = Depends(service)) -> Response:
    if p is None:
        return _to_login()
    with svc.store.Session() as s:
        case = repo.case_by_public_id(s, case_id)
        if case is None or not p.acts_for(case.merchant_id):
            return page("login.html.j2", status=404, error="未找到该案件 No such case")
        c = cases.case_out(s, case, for_seller=p.is_seller)
        latest = repo.versions(s, case.id)[-1]
        report = latest.report if latest.status == "done" else None
        current = repo.current_decision(s, case.id)
    if report is not None and p.is_seller:
        report = for_seller(report)
    v = {"version": latest.number, "status": latest.status, "changes": latest.changes or []}
    return page("case.html.j2", c=c, r=report, v=v, findings=sorted_findings(report) if report else [],
                principal=p, csrf=p.csrf_token, current=current)
