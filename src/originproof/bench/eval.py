"""`originproof bench eval`: run the checker over the labelled corpus and score it, per rule.

- detection rate: share of expectations on must-fail dossiers where the rule reported the expected
  non-pass status on the expected subject;
- false-fail rate: share of clean dossiers where the rule reported `fail` or `warn` (any subject);
- verdict accuracy, share decided without a person (approve/reject), clean dossiers approved, and
  the confusion matrices of verdicts and severities.

Each dossier is checked with `pipeline.check_path` against a throwaway SQLite store (`record=False`),
shared by the whole run so identical evidence is read once (the extraction cache keys by content,
so sharing changes speed, not results). A dossier whose label has prior dossiers (reuse defects) gets
a store of its own in which the priors are checked and recorded first.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from originproof.bench.corpus import Entry

log = logging.getLogger(__name__)

TARGET_STRUCTURE = 0.99  # rules that need only structure and dates
TARGET_READING = 0.95  # reading-dependent and forensic rules
TARGET_FALSE_FAIL = 0.01
TARGET_CLEAN_APPROVED = 0.80
SEVERITIES = ("none", "nonconforming", "overdue", "fraud")
VERDICTS = ("approve", "review", "reject")


def rule_classes() -> dict[str, str]:
    """rule → "structure" (no reader needed) or the reader family it needs."""
    from originproof.rules.base import RULES
    from originproof.rules.engine import _load_rule_modules

    _load_rule_modules()
    return {code: (spec.needs_reader or "structure") for code, spec in RULES.items()}


def target_for(cls: str) -> float:
    return TARGET_STRUCTURE if cls == "structure" else TARGET_READING


# ------------------------------------------------------------------------------------- checking
_WORKER: dict[str, Any] = {}


def _init_worker(store_url: str | None, workdir: str, threads: int, readers: bool = True) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if not readers:  # structure-only mode: every reader "not built", as on day one (harness self-tests)
        import originproof.pipeline.extract as pe
        pe.reader = lambda kind: None
    from originproof.policy import load_policy
    from originproof.registry import Registry
    from originproof.store import Store

    _WORKER.update(policy=load_policy(None), registry=Registry.load([]), workdir=workdir, threads=threads,
                   store_path=store_url[len("sqlite:///"):] if store_url else None)
    _WORKER["store"] = Store(store_url) if store_url else None


def _clone_sqlite(src: str | None, dst: Path) -> None:
    """A consistent copy of the run's store (the online backup API is safe beside writers)."""
    import sqlite3

    if not src or not Path(src).exists():
        return
    with sqlite3.connect(src) as a, sqlite3.connect(str(dst)) as b:
        a.backup(b)


def _check(path: Path, store: Any, archives: list[Path], record: bool = False) -> dict[str, Any]:
    from originproof.pipeline import check_path
    from originproof.pipeline.options import Operator, check_options

    op = Operator(_WORKER["policy"], _WORKER["registry"], archive_sources=list(archives), workers=_WORKER["threads"])
    opts = check_options(op, store=store, record=record)
    return check_path(path, opts).report


def _check_entry(args: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    from originproof.store import Store

    d, label = args
    entry = Entry(Path(d), label)
    t0 = time.perf_counter()
    try:
        if entry.priors:
            tmp = Path(tempfile.mkdtemp(prefix="reuse-", dir=_WORKER["workdir"]))
            _clone_sqlite(_WORKER["store_path"], tmp / "s.db")  # keeps the extraction cache, nothing recorded
            store = Store(f"sqlite:///{tmp / 's.db'}")
            try:
                for p, arch in entry.priors:
                    _check(p, store, arch, record=True)
                report = _check(entry.path, store, entry.web_archives)
            finally:
                store.close()
                shutil.rmtree(tmp, ignore_errors=True)
        else:
            report = _check(entry.path, _WORKER["store"], entry.web_archives)
    except Exception as e:  # noqa: BLE001 — a crash is a result too (and a bug to report)
        log.warning("checking %s crashed: %s", label["id"], e, exc_info=True)
        import traceback
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                           for f in reversed(traceback.extract_tb(e.__traceback__)[-4:]))
        return {"id": label["id"], "error": f"{type(e).__name__}: {e} (at {where})", "seconds": time.perf_counter() - t0}
    return {"id": label["id"], "verdict": report.get("verdict"), "severity": report.get("severity"),
            "findings": [[f["rule"], f["subject"], f["status"], f.get("severity")] for f in report.get("findings", [])],
            "timings_ms": report.get("timings_ms", {}), "seconds": time.perf_counter() - t0}


def check_corpus(entries: list[Entry], *, workers: int = 1, threads: int = 2, readers: bool = True,
                 store_path: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Check every entry; returns one compact result per entry, in order. `store_path`: a SQLite file
    kept between runs for its extraction cache only (nothing is recorded in it); default throwaway."""
    work = Path(tempfile.mkdtemp(prefix="originproof-eval-"))
    url = f"sqlite:///{Path(store_path).resolve() if store_path else work / 'eval.db'}"
    from originproof.store import Store
    Store(url).close()  # migrate once, before workers race to
    # Phases, so no evidence file is read twice at once: the clean bases first (the defects share
    # their files), then the other dossiers; dossiers with priors last, in this process, each with
    # a store that starts as a copy of the shared one (it finds what the others already read).
    has_priors = [bool(e.label.get("priors")) for e in entries]
    bases = [i for i, e in enumerate(entries) if e.label["kind"] == "clean" and not has_priors[i]]
    rest = [i for i, e in enumerate(entries) if e.label["kind"] != "clean" and not has_priors[i]]
    last = [i for i in range(len(entries)) if has_priors[i]]
    args = [(str(e.dir), e.label) for e in entries]
    out: dict[int, dict[str, Any]] = {}
    done = 0

    def tick() -> None:
        if progress:
            progress(done, len(args))
    try:
        first: list[int] = bases + rest
        if workers > 1 and len(first) > 1:
            with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                     initargs=(url, str(work), threads, readers)) as ex:
                for phase in (bases, rest):
                    for i, r in zip(phase, ex.map(_check_entry, [args[i] for i in phase], chunksize=1)):
                        out[i] = r
                        done += 1
                        tick()
            first = []
        _init_worker(url, str(work), threads, readers)
        try:
            for i in first + last:
                out[i] = _check_entry(args[i])
                done += 1
                tick()
        finally:
            _WORKER["store"].close()
            _WORKER.clear()
            if not readers:
                import originproof.pipeline.extract as pe
                from originproof.evidence.readers import reader as real_reader
                pe.reader = real_reader
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [out[i] for i in range(len(entries))]


# ------------------------------------------------------------------------------------- scoring
@dataclass
class RuleScore:
    rule: str
    cls: str
    expected: int = 0
    detected: int = 0
    clean: int = 0
    false_fails: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def detection(self) -> float | None:
        return self.detected / self.expected if self.expected else None

    @property
    def false_fail(self) -> float | None:
        return self.false_fails / self.clean if self.clean else None

    @property
    def target(self) -> float:
        return target_for(self.cls)


@dataclass
class EvalResult:
    size: str
    rules: dict[str, RuleScore]
    n: int
    n_clean: int
    n_defect: int
    verdict_correct: int
    decided: int
    clean_approved: int
    verdict_matrix: dict[str, dict[str, int]]
    severity_matrix: dict[str, dict[str, int]]
    errors: list[str]
    seconds: float
    per_entry: list[dict[str, Any]]
    not_covered: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size, "dossiers": self.n, "clean": self.n_clean, "must_fail": self.n_defect,
            "verdict_accuracy": _ratio(self.verdict_correct, self.n),
            "decided_without_person": _ratio(self.decided, self.n),
            "clean_approved": _ratio(self.clean_approved, self.n_clean),
            "targets": {"detection_structure": TARGET_STRUCTURE, "detection_reading": TARGET_READING,
                        "false_fail_max": TARGET_FALSE_FAIL, "clean_approved_min": TARGET_CLEAN_APPROVED},
            "rules": {r.rule: {"class": r.cls, "must_fail": r.expected, "detected": r.detected,
                               "detection": r.detection, "target": r.target, "clean": r.clean,
                               "false_fails": r.false_fails, "false_fail": r.false_fail, "misses": r.misses[:20]}
                      for r in self.rules.values()},
            "verdict_matrix": self.verdict_matrix, "severity_matrix": self.severity_matrix,
            "errors": self.errors, "seconds": round(self.seconds, 1), "not_covered": self.not_covered,
            "entries": self.per_entry,
        }


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def score(entries: list[Entry], results: list[dict[str, Any]], size: str = "", seconds: float = 0.0) -> EvalResult:
    from originproof.bench.defects import NOT_COVERED

    classes = rule_classes()
    rules = {code: RuleScore(code, cls) for code, cls in classes.items()}
    vm = {a: {b: 0 for b in VERDICTS + ("error",)} for a in VERDICTS}
    sm = {a: {b: 0 for b in SEVERITIES + ("error",)} for a in SEVERITIES}
    n_clean = n_defect = correct = decided = approved = 0
    errors: list[str] = []
    per_entry = []
    for e, r in zip(entries, results):
        lab = e.label
        is_clean = lab["kind"] in ("clean", "tolerated")
        got_v = r.get("verdict") or "error"
        got_s = r.get("severity") or "error"
        if "error" in r:
            errors.append(f"{lab['id']}: {r['error']}")
        vm[lab["verdict"]][got_v if got_v in vm[lab["verdict"]] else "error"] += 1
        sm[lab["severity"]][got_s if got_s in sm[lab["severity"]] else "error"] += 1
        correct += got_v == lab["verdict"]
        decided += got_v in ("approve", "reject")
        findings = r.get("findings", [])
        misses = []
        if is_clean:
            n_clean += 1
            approved += got_v == "approve"
            bad = {f[0] for f in findings if f[2] in ("fail", "warn")}
            for code, rs in rules.items():
                rs.clean += 1
                if code in bad:
                    rs.false_fails += 1
                    rs.misses.append(f"false fail on {lab['id']}")
        else:
            n_defect += 1
        for ex in lab["expects"]:
            if ex["status"] == "pass":
                continue  # tolerated inputs are judged as clean dossiers
            rs = rules.setdefault(ex["rule"], RuleScore(ex["rule"], classes.get(ex["rule"], "structure")))
            rs.expected += 1
            subj = set(ex["subjects"])
            got = [f[2] for f in findings if f[0] == ex["rule"] and f[1] in subj]
            if ex["status"] in got:
                rs.detected += 1
            else:
                what = f"{ex['rule']} on {lab['id']}: expected {ex['status']}, got {','.join(got) or 'nothing'}"
                rs.misses.append(what)
                misses.append(what)
        per_entry.append({"id": lab["id"], "kind": lab["kind"], "defect": lab.get("defect"),
                          "expected": [lab["verdict"], lab["severity"]], "got": [got_v, got_s],
                          "misses": misses, "seconds": round(r.get("seconds", 0.0), 3), "error": r.get("error")})
    return EvalResult(size=str(size), rules=rules, n=len(results), n_clean=n_clean, n_defect=n_defect,
                      verdict_correct=correct, decided=decided, clean_approved=approved, verdict_matrix=vm,
                      severity_matrix=sm, errors=errors, seconds=seconds, per_entry=per_entry,
                      not_covered=dict(NOT_COVERED))


def evaluate(size: str | int = "ci", *, seed: int = 0, cache: Path | None = None, workers: int = 1,
             gen_workers: int | None = None, readers: bool = True, store_path: Path | None = None, progress: Callable[[str, int, int], None] | None = None) -> EvalResult:
    from originproof.bench.corpus import build_corpus

    t0 = time.perf_counter()
    entries = build_corpus(size, seed, cache, workers=gen_workers or max(1, workers),
                           progress=(lambda i, n: progress("generating", i, n)) if progress else None)
    results = check_corpus(entries, workers=workers, readers=readers, store_path=store_path,
                           progress=(lambda i, n: progress("checking", i, n)) if progress else None)
    return score(entries, results, str(size), time.perf_counter() - t0)


# ------------------------------------------------------------------------------------- output
def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def print_result(res: EvalResult, console: Any, floors: dict[str, Any] | None = None) -> None:
    from rich.table import Table

    floors = floors or {}
    fdet, ffal = floors.get("detection", {}), floors.get("false_fail", {})
    t = Table(title=f"OriginProof accuracy — corpus '{res.size}': {res.n} dossiers "
                    f"({res.n_clean} clean, {res.n_defect} must-fail)", show_lines=False)
    for col in ("rule", "needs", "must-fail", "detection", "target", "floor", "false fails", "target", "ceiling"):
        t.add_column(col, justify="left" if col in ("rule", "needs") else "right")
    for r in sorted(res.rules.values(), key=lambda r: r.rule):
        det = r.detection
        ok = det is not None and det >= r.target
        det_s = _pct(det) if det is None else f"[{'green' if ok else 'red'}]{_pct(det)}[/]"
        ff = r.false_fail
        ff_s = _pct(ff) if ff is None else f"[{'green' if ff <= TARGET_FALSE_FAIL else 'red'}]{_pct(ff)}[/]"
        t.add_row(r.rule, r.cls, str(r.expected), det_s, f"≥ {100 * r.target:.0f} %",
                  _pct(fdet.get(r.rule)) if r.rule in fdet else "—", ff_s, f"≤ {100 * TARGET_FALSE_FAIL:.0f} %",
                  _pct(ffal.get(r.rule)) if r.rule in ffal else "—")
    console.print(t)
    ca = _ratio(res.clean_approved, res.n_clean)
    console.print(f"verdict accuracy: [bold]{_pct(_ratio(res.verdict_correct, res.n))}[/]   "
                  f"decided without a person (approve/reject): [bold]{_pct(_ratio(res.decided, res.n))}[/]   "
                  f"clean dossiers approved without a person: [bold]{_pct(ca)}[/] (target ≥ {100 * TARGET_CLEAN_APPROVED:.0f} %)")
    for title, m, keys in (("verdict", res.verdict_matrix, VERDICTS), ("severity", res.severity_matrix, SEVERITIES)):
        mt = Table(title=f"{title}: expected (rows) × reported (columns)")
        mt.add_column("expected")
        cols = list(keys) + ["error"]
        for c in cols:
            mt.add_column(c, justify="right")
        for k in keys:
            mt.add_row(k, *[str(m[k][c]) for c in cols])
        console.print(mt)
    if res.not_covered:
        console.print("[yellow]no must-fail dossiers yet for:[/] " +
                      "; ".join(f"{k} ({v})" for k, v in res.not_covered.items()))
    if res.errors:
        console.print(f"[red]{len(res.errors)} dossier(s) crashed the checker:[/] " + "; ".join(res.errors[:5]))
    console.print(f"[dim]{res.seconds:.0f} s[/]")
