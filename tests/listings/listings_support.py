"""Helpers shared by the listing tests (imported by name: tests/ is not a package)."""
from __future__ import annotations

PUBLIC_IP = "93.184.215.14"  # never contacted: the fixture route or the guard stops it


class FakeResolver:
    """DNS as the test says: every registry host answers a public address unless overridden."""

    def __init__(self, answers: dict[str, list[str]] | None = None, default: list[str] | None = None):
        self.answers = dict(answers or {})
        self.default = default if default is not None else [PUBLIC_IP]
        self.calls: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.calls.append(host)
        ans = self.answers.get(host, self.default)
        return ans() if callable(ans) else list(ans)
