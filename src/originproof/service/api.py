"""Kept for existing imports: the HTTP API is `originproof.api` (an app of routers per domain)."""
from originproof.api.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
