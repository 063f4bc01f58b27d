"""Calendar arithmetic in the policy's time zone (day counts use CST calendar dates)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


def as_aware(dt: datetime, tz: str) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=ZoneInfo(tz))


def local_date(dt: datetime, tz: str) -> date:
    return as_aware(dt, tz).astimezone(ZoneInfo(tz)).date()


def parse_iso_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def parse_iso_datetime(value: object, tz: str) -> datetime | None:
    if isinstance(value, datetime):
        return as_aware(value, tz)
    if isinstance(value, str):
        try:
            return as_aware(datetime.fromisoformat(value.replace("Z", "+00:00")), tz)
        except ValueError:
            return None
    return None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
