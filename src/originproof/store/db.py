"""The Store: dossiers, checks, findings, fingerprints, extraction cache and the audit log."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from originproof.store.models import (AuditEvent, Check, Dossier, EvidenceFile, ExtractionCache, FindingRow,
                                      Fingerprint, ListingFindingRow, ListingObservationRow)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer (worker threads)
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("originproof.store").joinpath("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Store:
    def __init__(self, url: str, migrate: bool = True):
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    def migrate(self) -> None:
        cfg = alembic_config(self.url)
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------- extraction cache
    def cache_get(self, key: str) -> dict[str, Any] | None:
        with self.Session() as s:
            row = s.get(ExtractionCache, key)
            return row.facts if row else None

    def cache_put(self, key: str, reader: str, facts: dict[str, Any]) -> None:
        with self.Session.begin() as s:
            if s.get(ExtractionCache, key) is None:
                s.add(ExtractionCache(key=key, reader=reader, created_at=datetime.now(timezone.utc), facts=facts))

    # ---------------------------------------------------------------- dossiers
    def prior_fraud_dossiers(self, uscc: str, digest: str, since: datetime) -> int:
        """Distinct other dossiers of this merchant rejected for fraud since `since`."""
        with self.Session() as s:
            q = (select(func.count(func.distinct(Dossier.id))).join(Check, Check.dossier_id == Dossier.id)
                 .where(Dossier.merchant_uscc == uscc, Dossier.digest != digest, Check.severity == "fraud",
                        Check.evaluated_at >= since))
            return int(s.execute(q).scalar() or 0)

    def fingerprints(self, exclude_digest: str | None = None) -> list[dict[str, Any]]:
        with self.Session() as s:
            q = select(Fingerprint, Dossier).join(Dossier, Dossier.id == Fingerprint.dossier_id)
            if exclude_digest:
                q = q.where(Dossier.digest != exclude_digest)
            return [{"path": f.path, "kind": f.kind, "role": f.role, "scheme": f.scheme, "value": f.value,
                     "digest": d.digest, "merchant_id": d.merchant_id, "merchant_uscc": d.merchant_uscc,
                     "brand": d.brand} for f, d in s.execute(q)]

    def record(self, report: dict[str, Any], manifest: dict[str, Any] | None, files: Iterable[tuple[str, str, int, str | None]],
               fingerprints: Iterable[tuple[str, str, str | None, str, str]] = (), actor: str = "cli",
               flag_digests: Iterable[str] = ()) -> int:
        """Record a check in one transaction; returns the check id.

        files: (path, sha256, size, kind); fingerprints: (path, kind, role, scheme, value).
        """
        d = report["dossier"]
        digest = d["sha256"]
        now = datetime.now(timezone.utc)
        with self.Session.begin() as s:
            dos = s.execute(select(Dossier).where(Dossier.digest == digest)).scalar_one_or_none()
            if dos is None:
                dos = Dossier(digest=digest, merchant_id=d.get("merchant_id"),
                              merchant_uscc=(manifest or {}).get("merchant", {}).get("uscc") if isinstance(
                                  (manifest or {}).get("merchant"), dict) else None,
                              brand=d.get("brand"), origin_country=d.get("origin_country"), manifest=manifest,
                              first_seen=now)
                s.add(dos)
                s.flush()
                for path, sha, size, kind in files:
                    s.add(EvidenceFile(dossier_id=dos.id, path=path, sha256=sha, size=size, kind=kind))
                for path, kind, role, scheme, value in fingerprints:
                    s.add(Fingerprint(dossier_id=dos.id, path=path, kind=kind, role=role, scheme=scheme, value=value))
            dos.last_verdict, dos.last_severity = report["verdict"], report["severity"]
            evaluated = datetime.fromisoformat(report["evaluated_at"])
            chk = Check(dossier_id=dos.id, checked_at=now, evaluated_at=evaluated,
                        policy=f"{report['policy']['id']}@{report['policy']['version']}", verdict=report["verdict"],
                        severity=report["severity"], report=report)
            s.add(chk)
            s.flush()
            for f in report["findings"]:
                s.add(FindingRow(check_id=chk.id, rule=f["rule"], subject=f["subject"], status=f["status"],
                                 severity=f.get("severity")))
            flagged = list(flag_digests)
            if flagged:
                for other in s.execute(select(Dossier).where(Dossier.digest.in_(flagged))).scalars():
                    other.needs_recheck = True
            self._audit(s, actor, "check", digest, {"check_id": chk.id, "verdict": report["verdict"],
                                                    "severity": report["severity"], "flagged": flagged})
            return chk.id

    # ---------------------------------------------------------------- audit log
    def _audit(self, s: Session, actor: str, action: str, digest: str | None, payload: dict[str, Any]) -> None:
        # Serialise writers on the chain head so two concurrent checks cannot fork the chain.
        if self.engine.dialect.name == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(0x0A0D17)))
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
        prev = last.hash if last else "0" * 64
        at = datetime.now(timezone.utc)
        body = json.dumps({"at": at.isoformat(), "actor": actor, "action": action, "dossier": digest,
                           "payload": payload, "prev": prev}, sort_keys=True, ensure_ascii=False)
        h = hashlib.sha256(body.encode()).hexdigest()
        s.add(AuditEvent(at=at, actor=actor, action=action, dossier_digest=digest, payload=payload, prev_hash=prev,
                         hash=h))

    def audit(self, actor: str, action: str, digest: str | None, payload: dict[str, Any]) -> None:
        with self.Session.begin() as s:
            self._audit(s, actor, action, digest, payload)

    def verify_audit_chain(self) -> bool:
        with self.Session() as s:
            prev = "0" * 64
            for ev in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
                at = ev.at if ev.at.tzinfo else ev.at.replace(tzinfo=timezone.utc)
                body = json.dumps({"at": at.isoformat(), "actor": ev.actor, "action": ev.action,
                                   "dossier": ev.dossier_digest, "payload": ev.payload, "prev": prev},
                                  sort_keys=True, ensure_ascii=False)
                if ev.prev_hash != prev or hashlib.sha256(body.encode()).hexdigest() != ev.hash:
                    return False
                prev = ev.hash
            return True

    def checks_for(self, digest: str) -> list[dict[str, Any]]:
        with self.Session() as s:
            q = (select(Check).join(Dossier, Dossier.id == Check.dossier_id).where(Dossier.digest == digest)
                 .order_by(Check.id))
            return [c.report for c in s.execute(q).scalars()]

    def dossier_flagged(self, digest: str) -> bool:
        with self.Session() as s:
            d = s.execute(select(Dossier).where(Dossier.digest == digest)).scalar_one_or_none()
            return bool(d and d.needs_recheck)

    # ---------------------------------------------------------------- listing monitor
    def monitored_dossiers(self, verdicts: tuple[str, ...] = ("approve", "review")) -> list[dict[str, Any]]:
        """Dossiers whose listings the monitor re-observes: approved or pending review, with a manifest."""
        with self.Session() as s:
            q = select(Dossier).where(Dossier.last_verdict.in_(verdicts)).order_by(Dossier.id)
            return [{"digest": d.digest, "merchant_id": d.merchant_id, "brand": d.brand,
                     "origin_country": d.origin_country, "verdict": d.last_verdict, "manifest": d.manifest,
                     "needs_recheck": d.needs_recheck} for d in s.execute(q).scalars() if d.manifest]

    def record_listing_observation(self, digest: str, subject: str, obs: dict[str, Any]) -> None:
        with self.Session.begin() as s:
            d = s.execute(select(Dossier).where(Dossier.digest == digest)).scalar_one()
            s.add(ListingObservationRow(dossier_id=d.id, subject=subject, url=obs["url"],
                                        captured_at=datetime.fromisoformat(obs["captured_at"]), state=obs["state"],
                                        http_status=obs.get("http_status"), warc_record_id=obs.get("warc_record_id"),
                                        warc_file=obs.get("warc_file"), detail=obs.get("detail")))

    def listing_observations(self, digest: str) -> list[dict[str, Any]]:
        with self.Session() as s:
            q = (select(ListingObservationRow).join(Dossier, Dossier.id == ListingObservationRow.dossier_id)
                 .where(Dossier.digest == digest).order_by(ListingObservationRow.captured_at))
            return [{"subject": r.subject, "url": r.url, "captured_at": r.captured_at, "state": r.state,
                     "http_status": r.http_status, "warc_record_id": r.warc_record_id, "warc_file": r.warc_file,
                     "detail": r.detail} for r in s.execute(q).scalars()]

    def reopen_for_listing(self, digest: str, subject: str, url: str, rule: str, state: str,
                           finding: dict[str, Any], actor: str = "monitor") -> bool:
        """Record a monitor finding and flag the dossier for re-check; False when one is already open."""
        with self.Session.begin() as s:
            d = s.execute(select(Dossier).where(Dossier.digest == digest)).scalar_one()
            already = s.execute(select(ListingFindingRow).where(
                ListingFindingRow.dossier_id == d.id, ListingFindingRow.url == url,
                ListingFindingRow.open.is_(True))).scalars().first()
            if already is not None:
                return False
            s.add(ListingFindingRow(dossier_id=d.id, subject=subject, url=url, rule=rule, state=state,
                                    created_at=datetime.now(timezone.utc), open=True, finding=finding))
            d.needs_recheck = True
            self._audit(s, actor, "listing_reopened", digest, {"subject": subject, "url": url, "rule": rule,
                                                               "state": state, "previous_verdict": d.last_verdict,
                                                               "evidence": finding.get("evidence", [])})
            return True

    def listing_findings(self, digest: str, open_only: bool = False) -> list[dict[str, Any]]:
        with self.Session() as s:
            q = (select(ListingFindingRow).join(Dossier, Dossier.id == ListingFindingRow.dossier_id)
                 .where(Dossier.digest == digest).order_by(ListingFindingRow.id))
            if open_only:
                q = q.where(ListingFindingRow.open.is_(True))
            return [{"subject": r.subject, "url": r.url, "rule": r.rule, "state": r.state, "open": r.open,
                     "created_at": r.created_at, "finding": r.finding} for r in s.execute(q).scalars()]


def since_days(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)
