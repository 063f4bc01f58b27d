"""`POST /v1/webhooks {url, events}` → `{id, secret}` (admin: integrators are set up by the operator)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from originproof.accounts.schemas import Principal
from originproof.api.deps import Service, require, service
from originproof.api.errors import ApiError, not_found
from originproof.webhooks import service as hooks
from originproof.webhooks.models import Webhook
from originproof.webhooks.targets import WebhookError

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


class WebhookIn(BaseModel):
    url: str = Field(min_length=8, max_length=2000)
    events: list[str] = Field(min_length=1, max_length=len(hooks.EVENTS))


class WebhookCreated(BaseModel):
    id: str
    secret: str


@router.post("", status_code=201, response_model=WebhookCreated,
             responses={422: {"description": "unknown events, or a target that is not https at a public address "
                                             "(outside the operator's trusted networks)"}})
def create(body: WebhookIn, p: Principal = Depends(require("admin")), svc: Service = Depends(service)) -> Any:
    try:
        with svc.store.Session.begin() as s:
            h = hooks.register(s, body.url, body.events, p.name, svc.webhook_targets)
            return {"id": h.webhook_id, "secret": h.secret}
    except WebhookError as e:
        raise ApiError(422, e.code, f"Webhook 无效：{e.zh}", f"Invalid webhook: {e.en}")


@router.get("")
def list_hooks(_: Principal = Depends(require("admin")), svc: Service = Depends(service)) -> list[dict[str, Any]]:
    with svc.store.Session() as s:
        return [{"id": h.webhook_id, "url": h.url, "events": h.events, "active": h.active}
                for h in s.execute(select(Webhook).order_by(Webhook.id)).scalars()]


@router.get("/{webhook_id}/deliveries")
def delivery_log(webhook_id: str, _: Principal = Depends(require("admin")),
                 svc: Service = Depends(service)) -> list[dict[str, Any]]:
    with svc.store.Session() as s:
        if s.execute(select(Webhook.id).where(Webhook.webhook_id == webhook_id)).first() is None:
            raise not_found("webhook", "Webhook")
        return hooks.deliveries(s, webhook_id)


@router.delete("/{webhook_id}", status_code=204)
def deactivate(webhook_id: str, _: Principal = Depends(require("admin")), svc: Service = Depends(service)) -> None:
    with svc.store.Session.begin() as s:
        h = s.execute(select(Webhook).where(Webhook.webhook_id == webhook_id)).scalar_one_or_none()
        if h is None:
            raise not_found("webhook", "Webhook")
        h.active = False
