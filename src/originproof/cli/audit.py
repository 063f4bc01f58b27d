"""`originproof audit verify`: re-hash the store's audit chain and print its head as an anchor.

A hash chain shows any edited or removed event except the last ones: cutting rows off the end
leaves a shorter chain that is still consistent. The head (event count + hash) printed here is
meant to be kept outside the database (a ticket, a log shipped elsewhere, a file on other
storage); a later run given that anchor proves the chain still holds it.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Optional

import typer

audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit log.")

_ANCHOR = re.compile(r"^\s*(\d+):([0-9a-f]{64})\s*$")


def parse_anchor(text: str) -> tuple[int, str]:
    m = _ANCHOR.match(text)
    if not m:
        raise typer.BadParameter(f"an anchor is COUNT:SHA256 as printed by `originproof audit verify`, not {text!r}")
    return int(m.group(1)), m.group(2)


@audit_app.command("verify")
def verify(
    store: Optional[str] = typer.Option(None, "--store", help="Store URL; default under ORIGINPROOF_HOME."),
    anchor: Optional[str] = typer.Option(None, "--anchor", help="COUNT:SHA256 printed by an earlier run; proves "
                                         "no event was cut off the end since."),
    anchor_file: Optional[Path] = typer.Option(None, "--anchor-file", help="Read the anchor from the last line of "
                                               "this file, and append the new head to it when intact."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Verify the chain; exit 0 when intact, 1 when broken (the first broken link is named)."""
    from originproof.cli.common import open_store

    given = parse_anchor(anchor) if anchor else None
    if given is None and anchor_file is not None and anchor_file.exists():
        lines = [ln for ln in anchor_file.read_text("utf-8").splitlines() if ln.strip()]
        if lines:
            given = parse_anchor(lines[-1].split()[0])
    st = open_store(store)
    try:
        res = st.verify_audit(given)
    finally:
        st.close()
    head = f"{res.count}:{res.head}"
    if as_json:
        sys.stdout.write(json.dumps({"intact": res.intact, "count": res.count, "head": res.head, "anchor": head,
                                     "first_broken": res.first_broken, "reason": res.reason}) + "\n")
    elif res.intact:
        checked = f", still holding the anchor {given[0]}:{given[1][:12]}…" if given else ""
        typer.echo(f"audit chain intact: {res.count} events{checked}")
        typer.echo(f"head (keep outside the database): {head}")
    else:
        where = f"first broken link: event {res.first_broken}" if res.first_broken is not None else "chain end"
        typer.echo(f"audit chain BROKEN — {where}: {res.reason}")
        typer.echo(f"verified prefix: {res.count} events, last good head {head}")
    if res.intact and anchor_file is not None:
        with anchor_file.open("a", encoding="utf-8") as fh:
            fh.write(head + "\n")
    raise typer.Exit(0 if res.intact else 1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit", help="The tamper-evident audit log (verify, head anchor).")
