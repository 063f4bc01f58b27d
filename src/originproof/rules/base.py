"""The rule engine: rules are pure functions from facts (+ policy, registries) to findings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

from originproof.facts import DossierFacts, EvidenceFacts, Unread
from originproof.findings import Finding, Message, msg
from originproof.policy import Policy
from originproof.registry import Registry

SeverityRule = Literal["nonconforming", "overdue", "fraud", "warn", "fraud_if_official"]


@dataclass(frozen=True)
class RuleContext:
    facts: DossierFacts
    policy: Policy
    registry: Registry
    prior: tuple[Finding, ...] = ()  # findings of earlier rules, for roll-ups (DIST.ROUTE …)

    @property
    def manifest(self):
        return self.facts.manifest


RuleFn = Callable[[RuleContext], Iterable[Finding]]


@dataclass
class RuleSpec:
    code: str
    severity: SeverityRule
    title_en: str
    title_zh: str
    fn: RuleFn
    # Subjects: "dossier" | "visit" | "listing" | "document:<slot>" | "documents" | "evidence"
    scope: str = "dossier"
    needs_reader: str | None = None  # which reader family must be built for a decision


RULES: dict[str, RuleSpec] = {}


def rule(code: str, *, severity: SeverityRule, title_en: str, title_zh: str, scope: str = "dossier",
         needs_reader: str | None = None) -> Callable[[RuleFn], RuleFn]:
    def deco(fn: RuleFn) -> RuleFn:
        RULES[code] = RuleSpec(code, severity, title_en, title_zh, fn, scope, needs_reader)
        return fn
    return deco


def severity_for(spec_sev: SeverityRule, official: bool = False) -> str:
    if spec_sev == "fraud_if_official":
        return "fraud" if official else "nonconforming"
    if spec_sev == "warn":
        return "nonconforming"
    return spec_sev


# ----------------------------------------------------------------- finding builders
def passed(rule_code: str, subject: str, en: str, zh: str, evidence: list[dict] | None = None,
           **facts: Any) -> Finding:
    return Finding(rule=rule_code, subject=subject, status="pass", severity=None, message=msg(zh, en),
                   evidence=evidence or [], facts=facts)


def failed(rule_code: str, subject: str, en: str, zh: str, *, severity: str, evidence: list[dict] | None = None,
           remedy: tuple[str, str] | None = None, status: str = "fail", **facts: Any) -> Finding:
    """A `fail` (or `warn`) finding; `remedy` is (zh, en) telling the seller what to supply instead."""
    rem = Message(zh=remedy[0], en=remedy[1]) if remedy else None
    if rem is not None:
        zh = f"{zh}。{rem.zh}" if not zh.endswith(("。", "；")) else f"{zh}{rem.zh}"
        en = f"{en.rstrip('.')}. {rem.en}"
    return Finding(rule=rule_code, subject=subject, status=status, severity=severity, message=msg(zh, en),
                   evidence=evidence or [], facts=facts, remedy=rem)


# What a seller can do about evidence that could not be read confidently (→ a person reviews it).
LEGIBLE_COPY = ("如需免于人工复核，请提供更清晰的证据：出具方的原始电子文件（PDF），或平整、清晰的300dpi扫描件",
                "To have it decided without a manual review, supply clearer evidence: the issuer's original PDF, "
                "or a flat, sharp 300 dpi scan")


# A file that could not even be opened (not the kind it claims, damaged, refused at intake).
READABLE_FILE = ("请重新提供该文件：可正常打开的PDF或JPEG/PNG图片（文件损坏、类型不符或被拒收时无法核验）",
                 "Supply the file again as a PDF or a JPEG/PNG image that opens (a damaged, mislabelled or "
                 "refused file cannot be checked)")


def unknown(rule_code: str, subject: str, en: str, zh: str, evidence: list[dict] | None = None,
            remedy: tuple[str, str] | None = None, **facts: Any) -> Finding:
    """Not decided (→ review); `remedy` (zh, en), when the seller can do something about it, is said too."""
    rem = Message(zh=remedy[0], en=remedy[1]) if remedy else None
    if rem is not None:
        zh = f"{zh}。{rem.zh}" if not zh.endswith(("。", "；")) else f"{zh}{rem.zh}"
        en = f"{en.rstrip('.')}. {rem.en}"
    return Finding(rule=rule_code, subject=subject, status="unknown", severity=None, message=msg(zh, en),
                   evidence=evidence or [], facts=facts, remedy=rem)


# What a pre-check leaves to the submission: reuse is looked up among earlier dossiers only when a
# dossier is submitted (a pre-check looks at no one else's evidence). Such a finding stays unknown,
# and says the seller has nothing to do; `deferred_to` lets the roll-ups tell it from a person's check.
DEFERRED_TO_SUBMISSION = {"deferred_to": "submission"}
REUSE_AT_SUBMISSION = ("reuse against earlier dossiers is checked when the dossier is submitted; nothing to do now",
                       "提交档案时将核查是否与历史档案重复，目前无需处理")


def not_applicable(rule_code: str, subject: str, en: str, zh: str) -> Finding:
    return Finding(rule=rule_code, subject=subject, status="n/a", severity=None, message=msg(zh, en))


def pending(rule_code: str, subjects: list[str], reader: str) -> list[Finding]:
    """`unknown` on each subject: the reader this rule needs is not built yet (never a guessed pass)."""
    return [unknown(rule_code, s, f"Not decided: the {reader} reader this rule needs is not built yet; a person must check",
                    f"未判定：本规则所需的{reader}读取器尚未就绪，需人工核查", reader=reader) for s in subjects]


# Why evidence went unread, in Chinese (the readers give the reason in English).
UNREAD_REASONS_ZH = [
    (re.compile(r"^a file of this document failed intake$"), "该文件有一个文件未通过接收检查"),
    (re.compile(r"^the receipt photo failed intake$"), "小票照片未通过接收检查"),
    (re.compile(r"^the video failed intake$"), "视频未通过接收检查"),
    (re.compile(r"^reading took longer than ([\d.]+) s$"), r"读取超过 \1 秒"),
    (re.compile(r"^(?:(\w+) )?reader ran out of memory on this file$"), "读取该文件时内存不足"),
    (re.compile(r"^(?:(\w+) )?reader failed: (\w+)"), r"读取出错：\2"),
    (re.compile(r"^no (\w+) reader is built yet$"), "尚无该类证据的读取器"),
    (re.compile(r"^pending$"), "尚未读取"),
    (re.compile(r"^no facts$"), "无读取结果"),
]


def reason_zh(reason: str) -> str:
    """The reason in Chinese where it is one the readers give; otherwise as given."""
    for rx, zh in UNREAD_REASONS_ZH:
        m = rx.match(reason)
        if m:
            return m.expand(zh)
    return reason


def unread_finding(rule_code: str, subject: str, item: Unread | None) -> Finding:
    reason = item.reason if item else "no facts"
    files = item.files if item else []
    return unknown(rule_code, subject,
                   f"Could not be decided: the evidence could not be read ({reason}); a person must check it",
                   f"无法判定：证据未能读取（{reason_zh(reason)}），需人工核查",
                   evidence=[{"file": f} for f in files],
                   remedy=READABLE_FILE if "intake" in reason else LEGIBLE_COPY, reason=reason)


def is_read(item: Any) -> bool:
    return isinstance(item, EvidenceFacts)
