"""Every error answers `{"error": code, "message": {"zh", "en"}}` (api.md), whatever raised it."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    def __init__(self, status: int, code: str, zh: str, en: str, **extra: Any):
        super().__init__(en)
        self.status, self.code, self.zh, self.en, self.extra = status, code, zh, en, extra

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": {"zh": self.zh, "en": self.en}, **self.extra}


def unauthenticated() -> ApiError:
    return ApiError(401, "unauthenticated", "缺少或无效的凭据（Authorization: Bearer <token>）",
                    "Missing or unknown credentials (Authorization: Bearer <token>)")


def forbidden(en: str = "Your role may not do this", zh: str = "当前角色无权执行此操作") -> ApiError:
    return ApiError(403, "forbidden", zh, en)


def not_found(what: str = "case", zh: str = "案件") -> ApiError:
    # Also what a seller gets for another merchant's things: existence must not leak.
    return ApiError(404, "not_found", f"未找到该{zh}", f"No such {what}")


_GENERIC = {400: ("bad_request", "请求无效", "Bad request"), 401: ("unauthenticated", "未认证", "Unauthenticated"),
            403: ("forbidden", "无权访问", "Forbidden"), 404: ("not_found", "未找到", "Not found"),
            405: ("method_not_allowed", "不支持的请求方法", "Method not allowed"),
            413: ("too_large", "请求体过大", "Request body too large"),
            415: ("unsupported_media_type", "不支持的内容类型", "Unsupported media type")}


# Where a request value sits, as the Chinese message names it.
_PART_ZH = {"body": "字段", "query": "查询参数", "path": "路径参数", "header": "请求头", "cookie": "Cookie"}


def _problem_zh(err: dict[str, Any]) -> str:
    """One validation problem in Chinese, from pydantic's error type (its `msg` is English only)."""
    kind, ctx = str(err.get("type") or ""), err.get("ctx") or {}
    part, *rest = err.get("loc") or ("body",)
    if kind == "json_invalid":
        return "JSON 格式错误"
    name = ".".join(str(x) for x in rest)
    what = f"{_PART_ZH.get(str(part), '字段')} {name}" if name else "请求体"
    if kind == "missing":
        return f"缺少必填{what}" if name else "缺少请求体"
    if kind == "extra_forbidden":
        return f"不允许的{what}"
    if kind in ("literal_error", "enum"):
        return f"{what} 的取值须为 {str(ctx.get('expected')).replace(' or ', ', ')} 之一"  # pydantic joins with "or"
    if kind in ("string_too_short", "too_short"):
        return f"{what} 过短（至少 {ctx.get('min_length')}）"
    if kind in ("string_too_long", "too_long"):
        return f"{what} 过长（至多 {ctx.get('max_length')}）"
    for bound, zh in (("ge", "不得小于"), ("gt", "须大于"), ("le", "不得大于"), ("lt", "须小于")):
        if bound in ctx:
            return f"{what} {zh} {ctx[bound]}"
    if kind.endswith(("_type", "_parsing")) or kind == "string_pattern_mismatch" or kind.startswith("url_"):
        return f"{what} 的类型或格式不正确"
    return f"{what} 的值无效"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, e: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if e.status == 401 else None
        return JSONResponse(e.body(), status_code=e.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(x) for x in err.get('loc', ()))}: {err.get('msg')}" for err in e.errors())
        problems_zh = "；".join(dict.fromkeys(_problem_zh(err) for err in e.errors()))
        return JSONResponse({"error": "invalid_request", "message": {"zh": f"请求参数无效：{problems_zh}",
                                                                    "en": f"Invalid request: {problems}"}},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, e: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _GENERIC.get(e.status_code, ("error", "请求失败", "Request failed"))
        return JSONResponse({"error": code, "message": {"zh": zh, "en": str(e.detail) if e.detail else en}},
                            status_code=e.status_code, headers=getattr(e, "headers", None))
