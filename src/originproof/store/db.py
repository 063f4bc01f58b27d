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
                                      Fingerprint)


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


def since_days(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)
