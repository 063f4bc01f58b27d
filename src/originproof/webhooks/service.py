"""Register webhooks, record events (in the caller's transaction) and deliver them.

Each delivery is the JSON body signed as `X-OriginProof-Signature: sha256=<hex HMAC-SHA256(secret,
body)>`; a failed delivery is retried with growing back-off, and every attempt is in the log."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from originproof.webhooks.models import Webhook, WebhookDelivery
from originproof.webhooks.targets import Targets, WebhookError

log = logging.getLogger(__name__)

EVENTS = ("version.done", "case.decided", "sanctions.changed", "case.reopened")
BACKOFF_S = (10, 30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)  # then given up
SIGNATURE_HEADER = "X-OriginProof-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def register(s: Session, url: str, events: list[str], owner: str, targets: Targets) -> Webhook:
    bad = [e for e in events if e not in EVENTS]
    if bad or not events:
        raise WebhookError("bad_webhook", f"events must be among {', '.join(EVENTS)}",
                           f"事件必须是以下之一：{', '.join(EVENTS)}")
    targets.vet(url)
    hook = Webhook(webhook_id=f"wh_{secrets.token_hex(8)}", url=url, events=sorted(set(events)),
                   secret=secrets.token_hex(32), owner=owner, created_at=datetime.now(timezone.utc), active=True)
    s.add(hook)
    s.flush()
    return hook


def emit(s: Session, event: str, data: dict[str, Any]) -> int:
    """Queue one delivery per subscribed webhook, inside the caller's transaction."""
    hooks = [h for h in s.execute(select(Webhook).where(Webhook.active.is_(True))).scalars() if event in h.events]
    if not hooks:
        return 0
    at = datetime.now(timezone.utc)
    body = json.dumps({"id": f"evt_{uuid.uuid4().hex}", "event": event, "created_at": at.isoformat(), "data": data},
                      ensure_ascii=False, sort_keys=True)
    for h in hooks:
        s.add(WebhookDelivery(webhook_pk=h.id, event=event, body=body, status="pending", attempts=0,
                              next_attempt_at=at, created_at=at))
    return len(hooks)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def deliver_due(store, targets: Targets | None = None, limit: int = 50, now: datetime | None = None) -> int:
    """Send what is due; returns how many deliveries were attempted. Safe to run in several processes
    on PostgreSQL (rows are locked, others skipped). Each target is checked again as it is sent
    (`Targets.vet`): a refused one is a failed attempt, retried with back-off like any other."""
    targets = targets or Targets.from_settings()
    done = 0
    with store.Session.begin() as s:
        now = now or datetime.now(timezone.utc)
        q = (select(WebhookDelivery, Webhook).join(Webhook, Webhook.id == WebhookDelivery.webhook_pk)
             .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
             .order_by(WebhookDelivery.id).limit(limit))
        if store.engine.dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True, of=WebhookDelivery)
        for d, h in s.execute(q).all():
            body = d.body.encode()
            d.attempts += 1
            try:
                r = targets.post(targets.vet(h.url), body, {"Content-Type": "application/json",
                                                            SIGNATURE_HEADER: sign(h.secret, body),
                                                            "X-OriginProof-Event": d.event})
                ok = 200 <= r.status_code < 300
                d.last_status_code = r.status_code
                d.last_error = None if ok or not r.is_redirect else "redirect not followed"
            except WebhookError as e:
                d.last_status_code, d.last_error, ok = None, f"refused: {e.en}"[:500], False
            except httpx.HTTPError as e:
                d.last_status_code, d.last_error, ok = None, f"{type(e).__name__}: {e}"[:500], False
            if ok:
                d.status, d.delivered_at = "delivered", datetime.now(timezone.utc)
            elif d.attempts > len(BACKOFF_S):
                d.status = "failed"
            else:
                d.next_attempt_at = _aware(now) + timedelta(seconds=BACKOFF_S[d.attempts - 1])
            done += 1
    return done


def deliveries(s: Session, webhook_id: str, limit: int = 100) -> list[dict[str, Any]]:
    q = (select(WebhookDelivery).join(Webhook, Webhook.id == WebhookDelivery.webhook_pk)
         .where(Webhook.webhook_id == webhook_id).order_by(WebhookDelivery.id.desc()).limit(limit))
    return [{"id": d.id, "event": d.event, "status": d.status, "attempts": d.attempts,
             "last_status_code": d.last_status_code, "last_error": d.last_error,
             "created_at": _aware(d.created_at).isoformat(),
             "delivered_at": _aware(d.delivered_at).isoformat() if d.delivered_at else None}
            for d in s.execute(q).scalars()]
