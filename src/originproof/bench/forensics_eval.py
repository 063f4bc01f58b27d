"""`originproof bench forensics`: detection rate per tamper type and false alarms on untouched files.

A sample counts as *detected* when the authenticity rule that judges it (AUTH.PDF_EDITED,
AUTH.SIGNATURE, AUTH.IMAGE_EDITED — the same pure helpers the rules use) is not a pass: `fail`
or `warn`. An original counts as a *false alarm* when AUTH.PDF_EDITED or AUTH.IMAGE_EDITED is
not a pass, or AUTH.SIGNATURE fails (an intact signature from an untrusted signer is a correct
`warn`, not a false alarm).
"""
from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from originproof.evidence.readers import FileRef, ReadContext, reader
from originproof.facts import OtherDocument
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules.authenticity import image_edited_outcome, pdf_edited_outcome, signature_outcome
from originproof.samples.tamper import Sample, build_corpus


@dataclass
class ForensicsResult:
    per_type: dict[str, list[int]] = field(default_factory=dict)  # type → [detected, total]
    false_alarms: int = 0
    originals: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def detection(self) -> float:
        d = sum(v[0] for v in self.per_type.values())
        n = sum(v[1] for v in self.per_type.values())
        return d / n if n else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.originals if self.originals else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"detection": self.detection, "false_alarm_rate": self.false_alarm_rate, "originals": self.originals,
                "false_alarms": self.false_alarms,
                "per_type": {k: {"detected": v[0], "total": v[1], "rate": v[0] / v[1] if v[1] else 0} for k, v in self.per_type.items()},
                "misses": self.misses, "alarms": self.alarms, "seconds": self.seconds}


def judge(s: Sample, ctx: ReadContext) -> tuple[dict[str, str], list[str]]:
    fz_reader = reader("forensics")
    kind = "pdf" if s.path.suffix == ".pdf" else "jpeg"
    f = FileRef(path=s.path.name, real=s.path, sha256="0" * 64, kind=kind)
    fz = fz_reader.fn([f], OtherDocument(files=[s.path.name]), ctx)
    outcomes = {"pdf": pdf_edited_outcome(fz), "signature": signature_outcome(fz), "image": image_edited_outcome(fz)}
    return outcomes, [f"{x.code}:{x.severity}" for x in fz.signals if x.severity != "info"]


def evaluate(per_type: int = 12, originals: int = 200, seed: int = 7, work: Path | None = None,
             progress=None) -> ForensicsResult:
    t0 = time.perf_counter()
    res = ForensicsResult()
    ctx = ReadContext(registry=default_registry(), policy=load_policy(None))
    with tempfile.TemporaryDirectory() as td:
        samples = build_corpus(Path(work or td), per_type=per_type, originals=originals, seed=seed)
        for i, s in enumerate(samples):
            outcomes, sigs = judge(s, ctx)
            if s.tamper == "original":
                res.originals += 1
                alarm = outcomes["pdf"] not in ("clean", "n/a") or outcomes["image"] not in ("clean", "n/a") \
                    or outcomes["signature"] == "fraud"
                if alarm:
                    res.false_alarms += 1
                    res.alarms.append({"sample": s.name, "signals": sigs})
            else:
                hit = any(v in ("fraud", "warn") for v in outcomes.values())
                d = res.per_type.setdefault(s.tamper, [0, 0])
                d[0] += int(hit)
                d[1] += 1
                if not hit:
                    res.misses.append({"sample": s.name, "signals": sigs})
            if progress:
                progress("forensics", i + 1, len(samples))
    res.seconds = time.perf_counter() - t0
    return res


def print_result(res: ForensicsResult, console) -> None:
    from rich.table import Table

    t = Table(title="Forensics: detection per tamper type")
    t.add_column("tamper type")
    t.add_column("detected", justify="right")
    t.add_column("rate", justify="right")
    for k, (d, n) in sorted(res.per_type.items()):
        t.add_row(k, f"{d}/{n}", f"{100 * d / n:.1f} %" if n else "-")
    t.add_row("ALL tampered", f"{sum(v[0] for v in res.per_type.values())}/{sum(v[1] for v in res.per_type.values())}",
              f"{100 * res.detection:.1f} %  (target ≥ 95 %)")
    t.add_row("originals: false alarms", f"{res.false_alarms}/{res.originals}",
              f"{100 * res.false_alarm_rate:.1f} %  (target ≤ 1 %)")
    console.print(t)
    for m in res.misses[:10]:
        console.print(f"  missed {m['sample']}: {m['signals']}")
    for a in res.alarms[:10]:
        console.print(f"  false alarm {a['sample']}: {a['signals']}")
    console.print(f"{res.seconds:.1f} s")
