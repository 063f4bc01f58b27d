"""SQLAlchemy 2 models. Schema changes go through Alembic (store/migrations), never create_all."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Dossier(Base):
    """One distinct dossier content (by digest); re-checks add `Check` rows, not new dossiers."""

    __tablename__ = "dossiers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    merchant_id: Mapped[str | None] = mapped_column(String(128), index=True)
    merchant_uscc: Mapped[str | None] = mapped_column(String(32), index=True)
    brand: Mapped[str | None] = mapped_column(String(256), index=True)
    origin_country: Mapped[str | None] = mapped_column(String(2))
    manifest: Mapped[dict | None] = mapped_column(JSON)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_verdict: Mapped[str | None] = mapped_column(String(16))
    last_severity: Mapped[str | None] = mapped_column(String(16))
    needs_recheck: Mapped[bool] = mapped_column(default=False)


class Check(Base):
    __tablename__ = "checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    evaluated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    policy: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    report: Mapped[dict] = mapped_column(JSON)


class EvidenceFile(Base):
    __tablename__ = "evidence_files"
    __table_args__ = (UniqueConstraint("dossier_id", "path"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(16))


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(8))
    severity: Mapped[str | None] = mapped_column(String(16))


class Fingerprint(Base):
    """Perceptual / text fingerprints for the reuse index (AUTH.DUPLICATE, VIDEO_UNIQUE)."""

    __tablename__ = "fingerprints"
    __table_args__ = (Index("ix_fp_scheme_value", "scheme", "value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # video | document | image
    role: Mapped[str | None] = mapped_column(String(48))  # manifest slot: certificate_of_origin, video, receipt …
    scheme: Mapped[str] = mapped_column(String(32))  # phash64, vseq, minhash128 …
    value: Mapped[str] = mapped_column(Text)


class ExtractionCache(Base):
    __tablename__ = "extraction_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(files + reader@version + hint)
    reader: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    facts: Mapped[dict] = mapped_column(JSON)


class AuditEvent(Base):
    """Append-only, hash-chained: each row's hash covers the previous row's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    dossier_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
