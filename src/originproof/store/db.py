"""The Store: dossiers, checks, findings, fingerprints, extraction cache and the audit log."""
from __future__ import annotations

import fcntl
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
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


# PostgreSQL advisory-lock keys: one for schema migrations, one for writers of the audit chain.
MIGRATE_LOCK = 0x0A0D16
AUDIT_LOCK = 0x0A0D17
GENESIS = "0" * 64


@dataclass
class AuditVerification:
    """The audit chain as found: intact or not, how long, its head, and where it first breaks."""

    intact: bool
    count: int
    head: str
    first_broken: int | None = None  # audit_log id of the first event that does not chain
    reason: str = ""


def _audit_body(at: datetime, actor: str, action: str, digest: str | None, payload: Any, prev: str) -> str:
    return json.dumps({"at": at.isoformat(), "actor": actor, "action": action, "dossier": digest,
                       "payload": payload, "prev": prev}, sort_keys=True, ensure_ascii=False)


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
        """Bring the schema to head; several processes starting on a new store take turns."""
        cfg = alembic_config(self.url)
        with self._migration_lock(), self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(MIGRATE_LOCK)))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def _migration_lock(self):
        # SQLite has no advisory locks and its DDL does not wait on a transaction: a lock file next
        # to the database serialises first use across processes.
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not path or path == ":memory:":
            yield
            return
        with open(f"{path}.migrate.lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _begin_write(self, s: Session) -> None:
        """Take the database's write lock before reading what the write depends on (the audit
        chain head, whether a dossier exists), so concurrent writers queue instead of forking."""
        if self.engine.dialect.name == "sqlite":
            dbapi = s.connection().connection.driver_connection
            if not dbapi.in_transaction:  # legacy sqlite3 mode: reads run outside any transaction
                s.connection().exec_driver_sql("BEGIN IMMEDIATE")
        elif self.engine.dialect.name == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(AUDIT_LOCK)))

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
        files, fingerprints, flag_digests = list(files), list(fingerprints), list(flag_digests)
        try:
            return self._record(report, manifest, files, fingerprints, actor, flag_digests)
        except IntegrityError:
            # The same dossier recorded at once by a writer that does not take the lock: it exists now.
            return self._record(report, manifest, files, fingerprints, actor, flag_digests)

    def _record(self, report: dict[str, Any], manifest: dict[str, Any] | None, files: list, fingerprints: list,
                actor: str, flag_digests: list[str]) -> int:
        d = report["dossier"]
        digest = d["sha256"]
        now = datetime.now(timezone.utc)
        with self.Session.begin() as s:
            self._begin_write(s)
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
        # The head is read under the write lock, in the transaction that appends to it, so two
        # concurrent writers cannot both extend the same head (a forked chain).
        self._begin_write(s)
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
        prev = last.hash if last else GENESIS
        at = datetime.now(timezone.utc)
        h = hashlib.sha256(_audit_body(at, actor, action, digest, payload, prev).encode()).hexdigest()
        s.add(AuditEvent(at=at, actor=actor, action=action, dossier_digest=digest, payload=payload, prev_hash=prev,
                         hash=h))

    def audit(self, actor: str, action: str, digest: str | None, payload: dict[str, Any]) -> None:
        with self.Session.begin() as s:
            self._begin_write(s)
            self._audit(s, actor, action, digest, payload)

    def verify_audit(self, anchor: tuple[int, str] | None = None) -> AuditVerification:
        """Re-hash the chain from its start. `anchor` = (count, head hash) printed by an earlier
        verification and kept outside the database: the chain must still hold that head at that
        position, which shows rows cut off its end (the one edit re-hashing cannot reveal)."""
        prev, n = GENESIS, 0
        at_anchor: str | None = None
        with self.Session() as s:
            for ev in s.execute(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000).scalars():
                n += 1
                at = ev.at if ev.at.tzinfo else ev.at.replace(tzinfo=timezone.utc)
                body = _audit_body(at, ev.actor, ev.action, ev.dossier_digest, ev.payload, prev)
                if ev.prev_hash != prev:
                    return AuditVerification(False, n - 1, prev, ev.id, f"event {ev.id} does not follow the event before it "
                                             f"(it names {ev.prev_hash[:12]}…, the chain holds {prev[:12]}…)")
                if hashlib.sha256(body.encode()).hexdigest() != ev.hash:
                    return AuditVerification(False, n - 1, prev, ev.id, f"event {ev.id} was altered after it was written "
                                             "(its content no longer matches its hash)")
                prev = ev.hash
                if anchor is not None and n == anchor[0]:
                    at_anchor = ev.hash
        if anchor is not None:
            count, head = anchor
            if n < count:
                return AuditVerification(False, n, prev, None, f"the chain holds {n} events but the anchor recorded "
                                         f"{count}: {count - n} were cut off its end")
            if at_anchor != head:
                return AuditVerification(False, n, prev, None, f"event #{count} is not the head the anchor recorded "
                                         f"({head[:12]}…): the chain was rewritten since")
        return AuditVerification(True, n, prev)

    def verify_audit_chain(self) -> bool:
        return self.verify_audit().intact

    def audit_head(self) -> tuple[int, str]:
        """(event count, head hash) as stored, unverified: the anchor to write beside an export so
        a later `originproof audit verify --anchor COUNT:HASH` proves nothing was cut off since."""
        with self.Session() as s:
            n = int(s.execute(select(func.count(AuditEvent.id))).scalar() or 0)
            last = s.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
            return n, last or GENESIS

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
