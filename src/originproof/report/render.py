"""Human renderings of a report@1 object: text (terminal), Markdown and a self-contained HTML page."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape

STATUS_MARK = {"pass": "✔", "fail": "✘", "warn": "⚠", "unknown": "?", "n/a": "–"}
VERDICT_ZH = {"approve": "通过", "review": "人工复核", "reject": "驳回"}
SEVERITY_ZH = {"none": "无", "nonconforming": "材料不符", "overdue": "逾期提交", "fraud": "弄虚作假"}
SANCTION_ZH = {"reject_qualification": "驳回资质", "restrict_operations": "限制经营", "delist_products": "下架商品",
               "ban_new_listings": "禁止上新", "terminate_cooperation": "终止合作"}
ORDER = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3, "n/a": 4}


def _where(e: dict[str, Any]) -> tuple[str, str]:
    """An evidence pointer as (what: file or URL, where in it: page, bbox, second)."""
    if "url" in e:
        return e["url"], ""
    name = e.get("file") or ""
    if e.get("field"):  # a value of the manifest
        name += f": {e['field']}"
    at = []
    if e.get("page") is not None:
        at.append(f"p.{e['page']}")
    if e.get("bbox") is not None:
        at.append("[" + ",".join(f"{v:g}" for v in e["bbox"]) + "]")
    if e.get("t") is not None:
        at.append(f"@{e['t']:g}s")
    return name, " ".join(at)


def _pointer(e: dict[str, Any]) -> str:
    return " ".join(x for x in _where(e) if x)


def evidence_lines(evidence: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """A finding's evidence as (what, where) lines for a reader: a listing URL once, however many
    observations point at it, with their count and days (each observation stays a pointer of its
    own in report@1, with its WARC record); a pointer given twice, once."""
    out: list[tuple[str, str]] = []
    days: dict[str, list[str]] = {}
    for e in evidence:
        name, at = _where(e)
        if "url" in e:
            if name not in days:
                days[name] = []
                out.append((name, ""))
            if e.get("captured_at"):
                days[name].append(_utc_day(e["captured_at"]))
        elif (name, at) not in out:
            out.append((name, at))
    return [(name, f"observed {len(days[name])}× (UTC) {', '.join(days[name])}" if days.get(name) else at)
            for name, at in out]


def _utc_day(instant: str) -> str:
    try:
        return datetime.fromisoformat(instant).astimezone(timezone.utc).date().isoformat()
    except ValueError:
        return instant


def heading(report: dict[str, Any], source: str | None = None) -> str:
    """What the report is about: brand, origin and merchant from the manifest — or, when the package
    could not be opened as a dossier (a broken zip, no manifest), the package itself, named by
    `source` (the file the reader gave) where known."""
    d = report["dossier"]
    if d.get("brand") is None:
        return "Unreadable dossier 无法读取的档案" + (f" · {source}" if source else "")
    return f"{d.get('brand')} ({d.get('origin_country')}) · merchant {d.get('merchant_id')}"


def sorted_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(report["findings"], key=lambda f: (ORDER.get(f["status"], 9), f["rule"], f["subject"]))


def render_json(report: dict[str, Any], pretty: bool = False) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2 if pretty else None)


def render_markdown(report: dict[str, Any], source: str | None = None) -> str:
    d = report["dossier"]
    lines = [f"# OriginProof — {heading(report, source)}", "",
             f"**Verdict 结论:** {report['verdict']} / {VERDICT_ZH[report['verdict']]}  ",
             f"**Severity 严重程度:** {report['severity']} / {SEVERITY_ZH[report['severity']]}  ",
             "**Sanctions 处置:** " + (", ".join(f"{s} ({SANCTION_ZH.get(s, s)})" for s in report["sanctions"]) or "—") + "  ",
             f"Policy {report['policy']['id']}@{report['policy']['version']} · evaluated {report['evaluated_at']} · "
             f"dossier `{(d.get('sha256') or '')[:16]}`", "",
             "| | rule | subject | message | evidence |", "|---|---|---|---|---|"]
    for f in sorted_findings(report):
        msg = f"{f['message']['zh']}<br>{f['message']['en']}".replace("|", "\\|")
        ev = "<br>".join(" ".join(x for x in line if x) for line in evidence_lines(f.get("evidence", [])))
        ev = ev.replace("|", "\\|")
        lines.append(f"| {STATUS_MARK[f['status']]} {f['status']} | `{f['rule']}` | {f['subject']} | {msg} | {ev} |")
    return "\n".join(lines) + "\n"


def render_text(report: dict[str, Any], console=None, verbose: bool = False, source: str | None = None) -> str:
    """Rich terminal rendering; returns the plain text too (for --output)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    con = console or Console(record=True, width=140)
    colour = {"approve": "green", "review": "yellow", "reject": "red"}[report["verdict"]]
    con.print(f"[bold]{escape(heading(report, source))}[/] · "
              f"policy {report['policy']['id']}@{report['policy']['version']}")
    con.print(f"Verdict 结论: [bold {colour}]{report['verdict']} / {VERDICT_ZH[report['verdict']]}[/]   "
              f"Severity 严重程度: {report['severity']} / {SEVERITY_ZH[report['severity']]}")
    if report["sanctions"]:
        con.print("Sanctions 处置: " + ", ".join(f"{s} ({SANCTION_ZH.get(s, s)})" for s in report["sanctions"]))
    t = Table(show_lines=False, expand=True)
    t.add_column("", width=8)
    t.add_column("rule / subject", no_wrap=True)
    # Long Chinese lines have no spaces to wrap at: fold them rather than cut them with an ellipsis.
    # The evidence goes under the message, each file on a line and its page/bbox or second on the
    # next: a column of its own beside the unwrappable rule and subject was too narrow for a file
    # name, which then broke mid-name. Here a name breaks only if it is wider than the whole message.
    t.add_column("message / 说明  ↳ evidence 证据", ratio=1, overflow="fold")
    style = {"fail": "red", "warn": "yellow", "unknown": "magenta", "pass": "green", "n/a": "dim"}
    for f in sorted_findings(report):
        if f["status"] in ("pass", "n/a") and not verbose:
            continue
        cell = Text(f"{f['message']['zh']}\n{f['message']['en']}")
        for name, at in evidence_lines(f.get("evidence", [])):
            cell.append(f"\n↳ {name}" + (f"\n  {at}" if at else ""), style="dim")
        what = Text(f["rule"], style="bold").append(f"\n{f['subject']}", style="not bold")
        t.add_row(f"[{style[f['status']]}]{STATUS_MARK[f['status']]} {f['status']}[/]", what, cell)
    if t.row_count:
        con.print(t)
    else:
        con.print("[green]Every finding passes (or is not applicable) · 全部核验通过[/]  (--all lists them)")
    s = report.get("summary", {})
    con.print(" · ".join(f"{k}: {v}" for k, v in s.items()))
    return con.export_text() if console is None else ""


def _value_text(v: Any) -> str:
    """A read value for a reader: list items one a line, objects as `key value` pairs; an inline
    image (a video stage's thumbnail) is named, not dumped."""
    if isinstance(v, str):
        return "(image)" if v.startswith("data:image/") else v
    if isinstance(v, dict):
        return " · ".join(f"{k} {_value_text(x)}" for k, x in v.items() if x not in (None, "", []))
    if isinstance(v, list):
        return "\n".join(f"• {_value_text(x)}" for x in v) if v else "—"
    return "—" if v is None else json.dumps(v, ensure_ascii=False)


def render_extracted_text(obj: dict[str, Any], name: str, console=None, min_confidence: float = 0.8) -> str:
    """`originproof extract --format text`: the fields one file gave, each with its confidence (those
    below `min_confidence` marked: they cannot support a pass) and where it was read; then forensic
    signals, signatures and the reader's notes. Returns the plain text too."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    con = console or Console(record=True, width=140)
    if not obj.get("doc_type"):
        con.print(f"[bold]{escape(name)}[/] — [red]not read 未能读取[/]: "
                  + escape(" / ".join(x for x in (obj.get("error_zh"), obj.get("error")) if x) or "no reader recognised it"))
        return con.export_text() if console is None else ""
    asked = f"  (asked for {obj['requested_kind']})" if obj.get("requested_kind") else ""
    con.print(f"[bold]{escape(name)}[/] — {obj['doc_type']}{escape(asked)}")
    t = Table(expand=True)
    t.add_column("field 字段", no_wrap=True)
    t.add_column("value 内容", ratio=1, overflow="fold")
    t.add_column("confidence 置信度", justify="right", no_wrap=True)
    t.add_column("at 位置", no_wrap=True)
    for field_, f in (obj.get("fields") or {}).items():
        c = f.get("confidence")
        conf = Text("—") if c is None else Text(f"{c:.2f}" + (" low" if c < min_confidence else ""),
                                                  style="yellow" if c < min_confidence else "")
        t.add_row(field_, Text(_value_text(f.get("value"))), conf, _where(f["at"])[1] if f.get("at") else "—")
    if t.row_count:
        con.print(t)
    else:
        con.print("no fields read 未读出任何字段")
    fz = obj.get("forensics") or {}
    for sig in fz.get("signals") or []:
        at = f" {_where(sig['at'])[1]}" if sig.get("at") else ""
        con.print(Text(f"forensics 取证: {sig.get('code')} ({sig.get('severity')}){at} — {sig.get('detail', '')}"))
    for sig in fz.get("signatures") or []:
        con.print(Text("signature 签名: " + _value_text(sig)))
    for note in obj.get("notes") or []:
        con.print(Text(f"note 备注: {note}"))
    return con.export_text() if console is None else ""


# An inline picture a reader made (a video stage's thumbnail): raster types only, base64 only — any
# other string a document carried stays text.
_THUMBNAIL = re.compile(r"data:image/(?:jpeg|png|webp|gif);base64,[A-Za-z0-9+/=]+")


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    """The keys of a list of objects, in the order they first appear: one table's columns."""
    return list(dict.fromkeys(k for row in rows for k in row))


_env = Environment(autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
_env.filters.update(
    evidence_lines=evidence_lines, columns=_columns,
    place=lambda at: _where(at)[1] or "—" if at else "—",  # a field's `at`: p.1 [bbox] or @t s
    confidence=lambda c: "—" if c is None else f"{c:.2f}")
_env.tests.update(
    thumbnail=lambda v: isinstance(v, str) and _THUMBNAIL.fullmatch(v) is not None,
    rows=lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v))


def render_html(report: dict[str, Any], source: str | None = None) -> str:
    tpl = _env.from_string(resources.files("originproof.report").joinpath("templates", "report.html.j2").read_text("utf-8"))
    return tpl.render(r=report, findings=sorted_findings(report), mark=STATUS_MARK, verdict_zh=VERDICT_ZH,
                      severity_zh=SEVERITY_ZH, sanction_zh=SANCTION_ZH, heading=heading(report, source))


def render(report: dict[str, Any], fmt: str, source: str | None = None) -> str:
    """`source`: the name the reader gave the dossier (a path), shown when the package could not be read."""
    if fmt == "json":
        return render_json(report)
    if fmt == "md":
        return render_markdown(report, source)
    if fmt == "html":
        return render_html(report, source)
    return render_text(report, source=source)
