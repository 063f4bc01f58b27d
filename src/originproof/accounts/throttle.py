"""Failed console sign-ins, counted per user name and per client address: after too many in a
moving window, further tries are refused (429, Retry-After) before the password is even hashed.

The counts live where the deployment keeps shared state — the Redis of a distributed deployment,
so every API process sees the same count — or in this process for the embedded service (one
process). The `limits` library keeps them; a moving window has no boundary to time a burst on."""
from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import TYPE_CHECKING

from limits import RateLimitItemPerSecond, storage, strategies
from limits.errors import StorageError

if TYPE_CHECKING:
    from originproof.config import Settings

log = logging.getLogger(__name__)
NAMESPACE = "originproof-signin"


def storage_url(cfg: Settings) -> str:
    """An explicit ORIGINPROOF_RATELIMIT_URL; else the broker's Redis when checks run on Celery (the
    deployment's shared state); else in-process memory (the embedded service is one process)."""
    if cfg.ratelimit_url:
        return cfg.ratelimit_url
    if cfg.executor == "celery" and cfg.broker_url.startswith(("redis://", "rediss://", "unix://")):
        return cfg.broker_url
    return "memory://"


def _key(value: str) -> str:
    # Hashed: a user name in a shared store's key space is neither readable nor able to collide with the
    # limiter's own separators.
    return hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]


class SignInThrottle:
    def __init__(self, url: str = "memory://", per_name: int = 5, per_client: int = 20, window_s: int = 900,
                 namespace: str = NAMESPACE):
        self.store = storage.storage_from_string(url, wrap_exceptions=True)
        self.limiter = strategies.MovingWindowRateLimiter(self.store)
        self.by_name = RateLimitItemPerSecond(per_name, window_s, namespace=namespace)
        self.by_client = RateLimitItemPerSecond(per_client, window_s, namespace=namespace)

    @classmethod
    def from_settings(cls, cfg: Settings) -> SignInThrottle:
        return cls(storage_url(cfg), cfg.signin_failures_per_name, cfg.signin_failures_per_client,
                   cfg.signin_window_s)

    def _checks(self, name: str, client: str):
        return ((self.by_name, "name", _key(name)), (self.by_client, "client", _key(client)))

    def retry_after(self, name: str, client: str) -> int | None:
        """Seconds until a try is allowed again, or None when it is allowed now."""
        try:
            waits = [self.limiter.get_window_stats(item, kind, key).reset_time - time.time()
                     for item, kind, key in self._checks(name, client) if not self.limiter.test(item, kind, key)]
        except StorageError:
            # Shared state unreachable: sign-in stays possible (argon2 still slows guessing) rather than
            # locking every reviewer out of the console.
            log.exception("sign-in throttle: state unreachable; not limiting")
            return None
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, name: str, client: str) -> None:
        try:
            for item, kind, key in self._checks(name, client):
                self.limiter.hit(item, kind, key)
        except StorageError:
            log.exception("sign-in throttle: state unreachable; failure not counted")

    def succeeded(self, name: str) -> None:
        """The user's own count starts again; the client's does not (one known password must not
        reset a client that is guessing others')."""
        try:
            self.limiter.clear(self.by_name, "name", _key(name))
        except StorageError:
            log.exception("sign-in throttle: state unreachable; count not cleared")
