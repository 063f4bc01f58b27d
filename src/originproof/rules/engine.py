"""Runs every registered rule over one dossier's facts. Pure: no files, no network."""
from __future__ import annotations

from originproof.facts import DossierFacts
from originproof.findings import Finding
from originproof.policy import Policy
from originproof.registry import Registry
from originproof.rules.base import RULES, RuleContext, unknown


_FAMILY_ORDER = ("intake", "offline", "video", "online", "route", "production", "identifiers", "chain",
                 "authenticity")
_NOT_RULES = {"base", "engine", "subjects", "dates"}


def _load_rule_modules() -> None:
    """Import every rule module of this package (importing registers its rules), families first in
    report order, then any new family module, so adding a family touches only its own file."""
    import importlib
    import pkgutil

    import originproof.rules as pkg

    found = {m.name for m in pkgutil.iter_modules(pkg.__path__)} - _NOT_RULES
    for name in [n for n in _FAMILY_ORDER if n in found] + sorted(found - set(_FAMILY_ORDER)):
        importlib.import_module(f"originproof.rules.{name}")


def run_rules(facts: DossierFacts, policy: Policy, registry: Registry) -> list[Finding]:
    _load_rule_modules()
    ctx = RuleContext(facts=facts, policy=policy, registry=registry)
    findings: list[Finding] = []
    intake_rules = ("INTAKE.MANIFEST", "INTAKE.FILE", "PROCESS.DEADLINE")
    for code in intake_rules:
        findings += list(RULES[code].fn(ctx))
    if facts.manifest is None:
        return findings  # nothing else can be judged without a manifest
    roll_ups = ("DIST.OFFLINE.MIN_STORES", "DIST.ROUTE")
    for code, spec in RULES.items():
        if code in intake_rules or code in roll_ups:
            continue
        try:
            findings += list(spec.fn(ctx))
        except Exception as e:  # noqa: BLE001 — a rule bug must not hide the other findings
            findings.append(unknown(code, "dossier", f"Rule failed internally ({type(e).__name__}: {e}); "
                                    "a person must check it", f"规则内部错误（{type(e).__name__}），需人工核查",
                                    error=repr(e)))
    for code in roll_ups:
        findings += list(RULES[code].fn(RuleContext(facts=facts, policy=policy, registry=registry,
                                                    prior=tuple(findings))))
    return findings
