"""`originproof monitor`: re-observe the listings of approved and pending dossiers on a schedule."""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def monitor(
        once: bool = typer.Option(False, "--once", help="One pass over every monitored dossier, then exit."),
        store: Optional[str] = typer.Option(None, "--store", help="Store URL; default under ORIGINPROOF_HOME."),
        warc_dir: Optional[Path] = typer.Option(None, "--warc-dir", help="WARC archive directory; default ORIGINPROOF_HOME/warc."),
        cadence: float = typer.Option(6 * 3600, "--cadence", min=60, help="Seconds between passes."),
        jitter: float = typer.Option(1800, "--jitter", min=0, help="Random extra seconds added to each wait."),
        per_host_budget: int = typer.Option(50, "--per-host-budget", min=1, help="Most fetches per host in one pass."),
        min_interval: float = typer.Option(5.0, "--min-interval", min=0.5, help="Seconds between requests to one host."),
        max_passes: Optional[int] = typer.Option(None, "--max-passes", min=1, help="Stop after this many passes."),
        registry_dir: list[Path] = typer.Option([], "--registry-dir", exists=True, help="Operator registry overrides."),
    ) -> None:
        """Fetch the listings again (registry hosts only, archived as WARC); a listing gone or out of stock
        after approval re-opens its case (finding + audit log)."""
        from originproof.cli.common import get_policy, get_registry, open_store
        from originproof.evidence.listings import default_archive_dir
        from originproof.monitor.schemas import MonitorConfig
        from originproof.monitor.service import build_monitor

        reg = get_registry(registry_dir)
        pol = get_policy(None)
        st = open_store(store)
        mon = build_monitor(st, reg, warc_dir or default_archive_dir(),
                            MonitorConfig(cadence_s=cadence, jitter_s=jitter, per_host_budget=per_host_budget),
                            min_interval_s=min_interval, name_threshold=pol.reading.name_match_threshold)

        def emit(rep) -> None:
            sys.stdout.write(json.dumps(rep.summary(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        try:
            if once:
                emit(mon.run_once())
            else:
                stop = threading.Event()
                try:
                    mon.run_forever(stop, max_passes=max_passes, on_pass=emit)
                except KeyboardInterrupt:
                    stop.set()
        finally:
            st.close()
