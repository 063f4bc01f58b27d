"""Who is calling, as every route sees it, and the shapes of account objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

Role = Literal["seller", "reviewer", "admin"]
ROLES: tuple[str, ...] = ("seller", "reviewer", "admin")
ROLE_ZH = {"seller": "卖家", "reviewer": "审核员", "admin": "管理员"}  # how messages name a role in Chinese


@dataclass(frozen=True)
class Principal:
    role: str
    merchants: frozenset[str] = field(default_factory=frozenset)
    name: str = ""  # shown in audit rows and decisions: user name or token id, never a secret
    person: str = ""  # the human behind the call, for the four-eyes rule on overrulings
    via: Literal["token", "session"] = "token"
    csrf_token: str | None = None  # sessions only: unsafe methods must echo it

    @property
    def is_seller(self) -> bool:
        return self.role == "seller"

    def acts_for(self, merchant_id: str | None) -> bool:
        """May this caller see and act on this merchant's things?"""
        return self.role in ("reviewer", "admin") or (merchant_id is not None and merchant_id in self.merchants)


class TokenOut(BaseModel):
    token_id: str
    role: Role
    merchants: list[str]
    label: str
    user: str | None = None
    revoked: bool = False
