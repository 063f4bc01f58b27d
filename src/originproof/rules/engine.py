"""Runs every registered rule over one dossier's facts. Pure: no files, no network."""
from __future__ import annotations

from originproof.facts import DossierFacts
from originproof.findings import Finding
from originproof.policy import Policy
from originproof.registry import Registry
from originproof.rules.base import RULES, RuleContext, RuleSpec, unknown


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


def _report_order() -> list[tuple[str, "RuleSpec"]]:
    """Family order, then the order within each module: independent of which module some other
    import happened to load first, so the same facts always give the same report."""
    def rank(item: tuple[str, "RuleSpec"]) -> tuple[int, str, int]:
        mod = item[1].fn.__module__.rsplit(".", 1)[-1]
        fam = _FAMILY_ORDER.index(mod) if mod in _FAMILY_ORDER else len(_FAMILY_ORDER)
        return fam, mod, _SEQ[item[0]]
    _SEQ.update({code: i for i, code in enumerate(RULES) if code not in _SEQ})
    return sorted(RULES.items(), key=rank)


_SEQ: dict[str, int] = {}


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
    for code, spec in _report_order():
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
