"""Settings from ORIGINPROOF_* environment variables (pydantic-settings)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORIGINPROOF_", extra="ignore")

    home: Path = Path.home() / ".originproof"
    store_url: str | None = None  # default: sqlite:///<home>/originproof.db
    blob_url: str | None = None  # default: file://<home>/blobs (any fsspec URL, e.g. s3://bucket/prefix)
    cache_url: str | None = None  # default: file://<home>/cache
    workers: int = 2  # in-process extraction threads
    broker_url: str = "redis://127.0.0.1:6379/0"  # Celery, at scale
    registry_dirs: str | None = None  # operator registry overrides (os.pathsep-separated)
    policy_path: str | None = None  # operator policy YAML merged over the shipped one (serve, worker, check)
    web_archives: str | None = None  # operator WARC files or folders (os.pathsep-separated) every check reads
    allow_network: bool = False  # observe listings live (registry hosts, public addresses only)
    # Networks (CIDRs, comma-separated) where webhook receivers may be although not public — an internal
    # back office, a test receiver on loopback; plain http is accepted only there. Default: none.
    webhook_trusted_networks: str | None = None
    # Failed console sign-ins allowed per user name and per client address within the window (then 429).
    signin_failures_per_name: int = 5
    signin_failures_per_client: int = 20
    signin_window_s: int = 900
    # Where those counts live (a `limits` storage URL: redis://…, memory://); default: the broker's Redis
    # when checks run on Celery, else this process.
    ratelimit_url: str | None = None
    executor: str = "embedded"  # the service's checks: embedded (in-process pool) | celery
    visibility_timeout: int = 1800  # Celery/Redis: seconds before a dead worker's unacknowledged task is redelivered

    def resolved_store_url(self) -> str:
        return self.store_url or f"sqlite:///{self.home / 'originproof.db'}"

    def resolved_blob_url(self) -> str:
        return self.blob_url or str(self.home / "blobs")

    def resolved_cache_url(self) -> str:
        return self.cache_url or str(self.home / "cache")


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()
