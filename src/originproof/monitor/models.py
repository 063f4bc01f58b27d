"""What the monitor records: each observation of a dossier's listing, and the findings that
re-opened a dossier. Schema changes go through Alembic (store/migrations)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from originproof.store.models import Base


class ListingObservationRow(Base):
    """One monitor observation of a dossier's listing (the WARC record is the evidence; this indexes it)."""

    __tablename__ = "listing_observations"
    __table_args__ = (Index("ix_listobs_dossier_url", "dossier_id", "url"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(64))  # distribution.online[i]
    url: Mapped[str] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int | None] = mapped_column(Integer)
    warc_record_id: Mapped[str | None] = mapped_column(String(80))
    warc_file: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)


class ListingFindingRow(Base):
    """A finding the monitor raised after a check (listing gone / out of stock): re-opens the case."""

    __tablename__ = "listing_findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    open: Mapped[bool] = mapped_column(default=True)
    finding: Mapped[dict] = mapped_column(JSON)  # report@1 finding object
