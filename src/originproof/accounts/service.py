"""Account operations. They never commit: the caller's unit of work does."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from originproof.accounts import repository as repo
from originproof.accounts import security
from originproof.accounts.models import ApiToken, ConsoleSession, User
from originproof.accounts.schemas import ROLES, Principal

SESSION_HOURS = 12


class AccountError(ValueError):
    pass


def _scope(role: str, merchants: list[str] | None) -> list[str]:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    ms = sorted({m.strip() for m in merchants or [] if m and m.strip()})
    if role == "seller" and not ms:
        raise AccountError("a seller acts for at least one merchant (--merchant ID)")
    if role != "seller" and ms:
        raise AccountError("only a seller is scoped to merchants")
    return ms


def create_user(s: Session, name: str, password: str, role: str, merchants: list[str] | None = None) -> User:
    ms = _scope(role, merchants)
    if not name.strip():
        raise AccountError("a user needs a name")
    if len(password) < 10:
        raise AccountError("a password has at least 10 characters")
    if repo.user_by_name(s, name.strip()) is not None:
        raise AccountError(f"user {name!r} exists")
    user = User(name=name.strip(), password_hash=security.hash_password(password), role=role, merchants=ms,
                created_at=datetime.now(timezone.utc), disabled=False)
    s.add(user)
    s.flush()
    return user


def issue_token(s: Session, role: str, merchants: list[str] | None = None, label: str = "",
                user_name: str | None = None) -> tuple[ApiToken, str]:
    """A new token; its plain text is returned once and never stored."""
    ms = _scope(role, merchants)
    user = None
    if user_name:
        user = repo.user_by_name(s, user_name)
        if user is None:
            raise AccountError(f"no user {user_name!r}")
        if user.role != role or (role == "seller" and not set(ms) <= set(user.merchants or [])):
            raise AccountError("a user's token cannot reach beyond the user's own role and merchants")
    token_id, secret, plain = security.new_token()
    tok = ApiToken(token_id=token_id, secret_hash=security.digest(secret), role=role, merchants=ms,
                   user_id=user.id if user else None, label=label or "", created_at=datetime.now(timezone.utc))
    s.add(tok)
    s.flush()
    return tok, plain


def revoke_token(s: Session, token_id: str) -> bool:
    tok = repo.token_by_id(s, token_id)
    if tok is None or tok.revoked_at is not None:
        return False
    tok.revoked_at = datetime.now(timezone.utc)
    return True


def principal_for_token(s: Session, token: str) -> Principal | None:
    parts = security.split_token(token)
    if parts is None:
        return None
    tok = repo.token_by_id(s, parts[0])
    if tok is None or tok.revoked_at is not None or not security.same(tok.secret_hash, security.digest(parts[1])):
        return None
    user = s.get(User, tok.user_id) if tok.user_id else None
    if user is not None and user.disabled:
        return None
    person = f"user:{user.name}" if user else f"token:{tok.token_id}"
    return Principal(role=tok.role, merchants=frozenset(tok.merchants or []), name=person, person=person, via="token")


def sign_in(s: Session, name: str, password: str) -> tuple[str, str] | None:
    """(session cookie value, CSRF token) for a good password, else None."""
    user = repo.user_by_name(s, name.strip())
    ok = security.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled:
        return None
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = datetime.now(timezone.utc)
    s.add(ConsoleSession(session_hash=security.digest(cookie), user_id=user.id, csrf_token=csrf, created_at=now,
                         expires_at=now + timedelta(hours=SESSION_HOURS)))
    return cookie, csrf


def principal_for_session(s: Session, cookie: str) -> Principal | None:
    found = repo.live_session(s, security.digest(cookie), datetime.now(timezone.utc))
    if found is None:
        return None
    sess, user = found
    person = f"user:{user.name}"
    return Principal(role=user.role, merchants=frozenset(user.merchants or []), name=person, person=person,
                     via="session", csrf_token=sess.csrf_token)


def sign_out(s: Session, cookie: str) -> None:
    found = repo.live_session(s, security.digest(cookie), datetime.now(timezone.utc))
    if found is not None:
        s.delete(found[0])
