"""INTAKE.MANIFEST, INTAKE.FILE and PROCESS.DEADLINE: judged from the manifest and intake alone."""
from __future__ import annotations

from originproof.rules.base import RuleContext, failed, not_applicable, passed, rule
from originproof.rules.dates import as_aware


@rule("INTAKE.MANIFEST", severity="nonconforming", title_en="Manifest valid", title_zh="清单有效")
def manifest_valid(ctx: RuleContext):
    f = ctx.facts
    probs = [p for p in f.intake if p.rule == "INTAKE.MANIFEST"]
    if probs:
        for p in probs:
            # Where in the manifest: the file, and the field when the problem is one value.
            at = {"file": p.file, **({"field": p.facts["field"]} if "field" in p.facts else {})}
            yield failed("INTAKE.MANIFEST", "dossier", p.message_en, p.message_zh, severity="nonconforming",
                         evidence=[at] if p.file else [], remedy=p.remedy, code=p.code, **p.facts)
        return
    yield passed("INTAKE.MANIFEST", "dossier", "The manifest matches dossier@1", "清单符合 dossier@1 格式",
                 unknown_keys=f.unknown_manifest_keys)


@rule("INTAKE.FILE", severity="nonconforming", title_en="Evidence files acceptable", title_zh="证据文件合格")
def files_ok(ctx: RuleContext):
    f = ctx.facts
    if f.manifest is None:
        return
    probs = {}
    for p in f.intake:
        if p.rule == "INTAKE.FILE":
            probs.setdefault(p.subject, []).append(p)
    seen = set()
    for subject, rel, _kind in f.manifest.referenced_files():
        if subject in seen:
            continue
        seen.add(subject)
        if subject in probs:
            for p in probs[subject]:
                yield failed("INTAKE.FILE", subject, p.message_en, p.message_zh, severity="nonconforming",
                             evidence=[{"file": p.file}] if p.file else [], code=p.code, **p.facts)
        else:
            files = [r for s, r, _ in f.manifest.referenced_files() if s == subject]
            yield passed("INTAKE.FILE", subject, "File(s) present, of an accepted type and within limits",
                         "文件存在、类型合格且未超限", evidence=[{"file": r} for r in files])


@rule("PROCESS.DEADLINE", severity="overdue", title_en="Submitted before the deadline", title_zh="按期提交")
def deadline(ctx: RuleContext):
    m = ctx.manifest
    if m is None:
        return
    if m.deadline is None:
        yield not_applicable("PROCESS.DEADLINE", "dossier", "No deadline set", "未设置提交期限")
        return
    tz = ctx.policy.timezone
    submitted = as_aware(m.submitted_at, tz) if m.submitted_at else ctx.facts.evaluated_at
    dl = as_aware(m.deadline, tz)
    if submitted <= dl:
        yield passed("PROCESS.DEADLINE", "dossier", f"Submitted {submitted.isoformat()} before the deadline {dl.isoformat()}",
                     f"提交时间 {submitted.isoformat()} 未超过期限 {dl.isoformat()}",
                     submitted_at=submitted.isoformat(), deadline=dl.isoformat())
    else:
        yield failed("PROCESS.DEADLINE", "dossier",
                     f"Submitted {submitted.isoformat()}, after the deadline {dl.isoformat()}",
                     f"提交时间 {submitted.isoformat()} 晚于期限 {dl.isoformat()}（逾期提交）", severity="overdue",
                     remedy=("如有正当理由，请向平台申请延期", "If there is a valid reason, ask the platform for an extension"),
                     submitted_at=submitted.isoformat(), deadline=dl.isoformat())
