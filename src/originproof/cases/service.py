"""Case operations: open a version for a submission, claim and finish it, decide, sanction.

They never commit — the caller's unit of work does — and raise `CaseError` (status, code and a
bilingual message) for what the caller must be told."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from originproof.accounts.schemas import Principal
from originproof.cases import repository as repo
from originproof.cases.identity import DossierIdentity
from originproof.cases.models import Case, CaseVersion, DecisionRow, MerchantIdentity, SanctionRow
from originproof.policy import Policy
from originproof.webhooks.service import emit

TERMINATE = "terminate_cooperation"
MAX_ATTEMPTS = 3


class CaseError(Exception):
    def __init__(self, status: int, code: str, zh: str, en: str):
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(dt: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone columns; everything stored is UTC.
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def iso(dt: datetime | None) -> str | None:
    return aware(dt).isoformat() if dt is not None else None


def brand_key(brand: str) -> str:
    return " ".join(brand.split()).casefold()


def ladder_codes(policy: Policy) -> set[str]:
    codes = {c for cs in policy.sanctions.ladder.values() for c in cs}
    return codes | set(policy.sanctions.repeat_fraud.add)


# ------------------------------------------------------------------ submissions
def terminated(s: Session, merchant_id: str, at: datetime) -> bool:
    return any(r.code == TERMINATE for r, _ in repo.sanctions_in_force(s, merchant_id, at))


def refuse_if_terminated(s: Session, merchant_id: str, at: datetime) -> None:
    if terminated(s, merchant_id, at):
        raise CaseError(403, "cooperation_terminated",
                        "该商家的合作已终止（terminate_cooperation 生效中），不能再提交档案",
                        "Cooperation with this merchant is terminated (terminate_cooperation in force): "
                        "no further dossiers are accepted")


def bind_identity(s: Session, merchant_id: str, uscc: str | None, who: str, at: datetime) -> None:
    """The merchant id and the company it files for go together: a USCC already bound to another
    merchant, or a merchant filing under a USCC other than its own, is refused (403)."""
    if not uscc:
        return
    mine = s.get(MerchantIdentity, merchant_id)
    if mine is not None:
        if mine.uscc != uscc:
            raise CaseError(403, "uscc_mismatch", "清单中的统一社会信用代码与该商家已登记的不一致，已拒收",
                            "The manifest's USCC is not the one this merchant is registered with; refused")
        return
    other = s.execute(select(MerchantIdentity).where(MerchantIdentity.uscc == uscc)).scalar_one_or_none()
    if other is not None:
        raise CaseError(403, "uscc_of_another_merchant", "该统一社会信用代码已登记在另一商家名下，已拒收",
                        "This USCC is registered to another merchant; refused")
    s.add(MerchantIdentity(merchant_id=merchant_id, uscc=uscc, bound_at=at, bound_by=who))
    s.flush()


def register_identity(s: Session, merchant_id: str, uscc: str, who: str) -> None:
    """The operator binds (or re-binds) a merchant id to its company before or after its first filing."""
    merchant_id, uscc = merchant_id.strip(), uscc.strip()
    other = s.execute(select(MerchantIdentity).where(MerchantIdentity.uscc == uscc,
                                                     MerchantIdentity.merchant_id != merchant_id)).scalar_one_or_none()
    if other is not None:
        raise CaseError(409, "uscc_of_another_merchant", "该统一社会信用代码已登记在另一商家名下",
                        f"This USCC is registered to merchant {other.merchant_id}")
    row = s.get(MerchantIdentity, merchant_id)
    if row is None:
        s.add(MerchantIdentity(merchant_id=merchant_id, uscc=uscc, bound_at=now(), bound_by=who))
    else:
        row.uscc, row.bound_at, row.bound_by = uscc, now(), who


@dataclass
class Opened:
    case: Case
    version: CaseVersion
    reopened: bool


def open_version(s: Session, ident: DossierIdentity, blob_sha256: str, submitted_by: str, at: datetime) -> Opened:
    """The case for merchant × brand (created on first sight) and its next version, queued."""
    key = brand_key(ident.brand)
    case = repo.case_for(s, ident.merchant_id, key)
    reopened = False
    if case is None:
        case = Case(case_id=f"case_{secrets.token_hex(8)}", merchant_id=ident.merchant_id, brand=ident.brand,
                    brand_key=key, state="pending", created_at=at, updated_at=at)
        s.add(case)
        s.flush()
    else:
        reopened = case.state != "pending"
        case.state, case.updated_at = "pending", at
    ver = CaseVersion(case_pk=case.id, number=repo.last_version_number(s, case.id) + 1, status="queued",
                      blob_sha256=blob_sha256, submitted_at=at, submitted_by=submitted_by, attempts=0)
    s.add(ver)
    s.flush()
    if reopened:
        emit(s, "case.reopened", {"case_id": case.case_id, "merchant_id": case.merchant_id, "version": ver.number})
    return Opened(case, ver, reopened)


@dataclass
class Claim:
    version_pk: int
    case_id: str
    number: int
    blob_sha256: str
    submitted_at: datetime
    submitted_by: str


def claim(s: Session, version_pk: int) -> Claim | None:
    """Mark a version running (a re-delivered task re-runs it); None when it is finished or has failed
    too often — tasks are idempotent."""
    v = s.get(CaseVersion, version_pk, with_for_update=True)
    if v is None or v.status in ("done", "failed"):
        return None
    if v.attempts >= MAX_ATTEMPTS:
        v.status, v.error, v.finished_at = "failed", f"gave up after {v.attempts} attempts", now()
        return None
    v.status, v.started_at, v.attempts = "running", now(), v.attempts + 1
    case = s.get(Case, v.case_pk)
    return Claim(v.id, case.case_id, v.number, v.blob_sha256, aware(v.submitted_at), v.submitted_by)


def _finding_states(report: dict[str, Any] | None) -> dict[tuple[str, str], str]:
    return {(f["rule"], f["subject"]): f["status"] for f in (report or {}).get("findings") or []}


def changes_between(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings whose status differs from the previous version's (new and vanished ones included)."""
    a, b = _finding_states(before), _finding_states(after)
    return [{"rule": r, "subject": subj, "before": a.get((r, subj)), "after": b.get((r, subj))}
            for r, subj in sorted(set(a) | set(b)) if a.get((r, subj)) != b.get((r, subj))]


def finish(s: Session, version_pk: int, report: dict[str, Any]) -> None:
    v = s.get(CaseVersion, version_pk)
    if v is None or v.status == "done":
        return
    prev = repo.previous_done(s, v.case_pk, v.number)
    v.status, v.finished_at, v.error = "done", now(), None
    v.verdict, v.severity, v.report = report["verdict"], report["severity"], report
    v.dossier_digest = report.get("dossier", {}).get("sha256")
    v.changes = changes_between(prev.report if prev else None, report)
    case = s.get(Case, v.case_pk)
    case.updated_at = now()
    emit(s, "version.done", {"case_id": case.case_id, "merchant_id": case.merchant_id, "version": v.number,
                             "verdict": v.verdict, "severity": v.severity})


def fail(s: Session, version_pk: int, error: str, final: bool) -> None:
    v = s.get(CaseVersion, version_pk)
    if v is None or v.status == "done":
        return
    v.error = error[:2000]
    v.status = "failed" if final or v.attempts >= MAX_ATTEMPTS else "queued"
    if v.status == "failed":
        v.finished_at = now()


# ------------------------------------------------------------------ decisions
_STATE = {"approve": "approved", "request_more": "more_requested"}


def _state_after(decision: str, sanctions: list[str]) -> str:
    if decision != "reject":
        return _STATE[decision]
    if TERMINATE in sanctions:
        return "terminated"
    if "restrict_operations" in sanctions:
        return "restricted"
    return "rejected"


def decide(s: Session, case: Case, who: Principal, decision: str, reason: str, sanctions: list[str],
           policy: Policy) -> DecisionRow:
    codes = list(dict.fromkeys(x.strip() for x in sanctions))
    unknown = [c for c in codes if c not in ladder_codes(policy)]
    if unknown:
        raise CaseError(422, "unknown_sanction", f"处罚代码不在政策阶梯内：{', '.join(unknown)}",
                        f"Sanction code(s) outside the policy ladder: {', '.join(unknown)}")
    if codes and decision != "reject":
        raise CaseError(422, "sanction_without_reject", "只有驳回决定可以附带处罚",
                        "Only a reject carries sanctions")
    latest = repo.last_version_number(s, case.id)
    if latest == 0:
        raise CaseError(409, "nothing_to_decide", "该案件还没有提交版本", "The case has no version to decide")
    at = now()
    prior = repo.current_decision(s, case.id)
    overrules = None
    if prior is not None and prior.version == latest:
        # Changing a decision on the same version is an overruling: a second person must make it.
        if prior.person == who.person:
            raise CaseError(409, "overrule_needs_another_person",
                            "推翻已作出的决定须由另一位审核人执行",
                            "Overruling a decision needs a different person than the one who made it")
        overrules = prior.id
    if prior is not None:
        prior.current = False
        for sr in repo.live_sanctions_of_decision(s, prior.id):
            sr.lifted_at = at
    row = DecisionRow(case_pk=case.id, version=latest, decision=decision, reason=reason.strip(), sanctions=codes,
                      actor=who.name, person=who.person, at=at, current=True, overrules=overrules)
    s.add(row)
    s.flush()
    for code in codes:
        s.add(SanctionRow(merchant_id=case.merchant_id, code=code, since=at, until=None, case_pk=case.id,
                          decision_id=row.id))
    before_state = case.state
    case.state, case.updated_at = _state_after(decision, codes), at
    s.flush()
    emit(s, "case.decided", {"case_id": case.case_id, "merchant_id": case.merchant_id, "version": latest,
                             "decision": decision, "sanctions": codes, "state": case.state,
                             "previous_state": before_state, "overrules": overrules})
    lifted = prior is not None and bool(prior.sanctions)
    if codes or lifted:
        emit(s, "sanctions.changed", {"merchant_id": case.merchant_id, "case_id": case.case_id,
                                      "sanctions_in_force": [r.code for r, _ in
                                                             repo.sanctions_in_force(s, case.merchant_id, at)]})
    return row


# ------------------------------------------------------------------ views
def decision_out(d: DecisionRow, case_id: str, for_seller: bool) -> dict[str, Any]:
    return {"id": d.id, "case_id": case_id, "version": d.version, "decision": d.decision, "reason": d.reason,
            "sanctions": list(d.sanctions or []), "by": None if for_seller else d.actor, "at": iso(d.at),
            "current": d.current, "overrules": d.overrules}


def sanctions_out(s: Session, merchant_id: str) -> list[dict[str, Any]]:
    return [{"code": r.code, "since": iso(r.since), "until": iso(r.until), "case_id": cid}
            for r, cid in repo.sanctions_in_force(s, merchant_id, now())]


def case_out(s: Session, case: Case, for_seller: bool) -> dict[str, Any]:
    return {"case_id": case.case_id, "merchant_id": case.merchant_id, "brand": case.brand, "state": case.state,
            "versions": [{"version": v.number, "status": v.status, "verdict": v.verdict, "severity": v.severity,
                          "submitted_at": iso(v.submitted_at)} for v in repo.versions(s, case.id)],
            "decisions": [decision_out(d, case.case_id, for_seller) for d in repo.decisions(s, case.id)],
            # The merchant's sanctions in force (from any of its cases): what binds this case too.
            "sanctions_in_force": sanctions_out(s, case.merchant_id)}


def summary_out(case: Case, v: CaseVersion) -> dict[str, Any]:
    return {"case_id": case.case_id, "merchant_id": case.merchant_id, "brand": case.brand, "state": case.state,
            "latest_version": v.number, "status": v.status, "verdict": v.verdict, "severity": v.severity,
            "updated_at": iso(case.updated_at)}


def merchant_out(s: Session, merchant_id: str) -> dict[str, Any]:
    return {"merchant_id": merchant_id,
            "cases": [{"case_id": c.case_id, "brand": c.brand, "state": c.state}
                      for c in repo.merchant_cases(s, merchant_id)],
            "sanctions_in_force": sanctions_out(s, merchant_id)}
