"""A case is one merchant × brand; each submission a version; decisions and sanctions are rows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from originproof.store.models import Base


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("merchant_id", "brand_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(40), unique=True)  # public id; says nothing about volume
    merchant_id: Mapped[str] = mapped_column(String(128), index=True)
    brand: Mapped[str] = mapped_column(String(256))
    brand_key: Mapped[str] = mapped_column(String(256))  # brand name folded: one case per brand however spelled
    state: Mapped[str] = mapped_column(String(24), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseVersion(Base):
    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_pk", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), index=True)  # queued | running | done | failed
    blob_sha256: Mapped[str] = mapped_column(String(64))  # the uploaded zip, content-addressed
    dossier_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str | None] = mapped_column(String(16))
    severity: Mapped[str | None] = mapped_column(String(16))
    report: Mapped[dict | None] = mapped_column(JSON)
    changes: Mapped[list | None] = mapped_column(JSON)  # findings that changed since the previous version
    error: Mapped[str | None] = mapped_column(Text)


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    sanctions: Mapped[list] = mapped_column(JSON, default=list)
    actor: Mapped[str] = mapped_column(String(128))  # shown: user name or token label
    person: Mapped[str] = mapped_column(String(128))  # who, for the four-eyes rule (user, else token)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    current: Mapped[bool] = mapped_column(default=True)
    overrules: Mapped[int | None] = mapped_column(Integer)  # the decision this one superseded


class SanctionRow(Base):
    __tablename__ = "sanctions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(128), index=True)
    code: Mapped[str] = mapped_column(String(40))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MerchantIdentity(Base):
    """A merchant id bound to its company (USCC) at its first accepted submission: a seller can then
    neither file under another company's USCC nor make its own fraud count against that company."""

    __tablename__ = "merchant_identities"
    merchant_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(32), unique=True)
    bound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    bound_by: Mapped[str] = mapped_column(String(128))
