"""Account queries (no commits: the caller's unit of work owns the transaction)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from originproof.accounts.models import ApiToken, ConsoleSession, User


def user_by_name(s: Session, name: str) -> User | None:
    return s.execute(select(User).where(User.name == name)).scalar_one_or_none()


def token_by_id(s: Session, token_id: str) -> ApiToken | None:
    return s.execute(select(ApiToken).where(ApiToken.token_id == token_id)).scalar_one_or_none()


def tokens(s: Session) -> list[ApiToken]:
    return list(s.execute(select(ApiToken).order_by(ApiToken.id)).scalars())


def live_session(s: Session, session_hash: str, now: datetime) -> tuple[ConsoleSession, User] | None:
    row = s.execute(select(ConsoleSession, User).join(User, User.id == ConsoleSession.user_id)
                    .where(ConsoleSession.session_hash == session_hash)).first()
    if row is None:
        return None
    sess, user = row
    expires = sess.expires_at if sess.expires_at.tzinfo else sess.expires_at.replace(tzinfo=now.tzinfo)
    return (sess, user) if expires > now and not user.disabled else None
