"""Findings → verdict, severity and sanctions (spec/rules.md, "Verdict")."""
from __future__ import annotations

from dataclasses import dataclass, field

from originproof.findings import SEVERITY_ORDER, Finding
from originproof.policy import Policy


@dataclass
class Verdict:
    verdict: str
    severity: str
    sanctions: list[str] = field(default_factory=list)
    repeat_fraud: bool = False


def decide(findings: list[Finding], policy: Policy, prior_fraud_dossiers: int = 0) -> Verdict:
    """`prior_fraud_dossiers`: other dossiers of the same merchant (USCC) rejected for fraud
    within the policy window — the caller reads it from the store."""
    fails = [f for f in findings if f.status == "fail"]
    if fails:
        worst = max((f.severity or "nonconforming" for f in fails), key=lambda s: SEVERITY_ORDER[s])
        sanctions = list(policy.sanctions.ladder.get(worst, []))
        repeat = worst == "fraud" and prior_fraud_dossiers >= 1
        if repeat:
            sanctions += [s for s in policy.sanctions.repeat_fraud.add if s not in sanctions]
        return Verdict("reject", worst, sanctions, repeat)
    if any(f.status in ("warn", "unknown") for f in findings):
        return Verdict("review", "none", [])
    return Verdict("approve", "none", [])


EXIT_CODES = {"approve": 0, "review": 10, "reject": 20}
