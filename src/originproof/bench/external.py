"""`originproof bench external DIR` — run a set of dossiers that another tool made and measure us on it.

The set (`originproof-devset@1`: `labels.json` + `dossiers/` + a WARC of the listings) is a
measurement, never a template: this module only reads its labels to score us. It checks every
dossier in the labels' `order` with one store (the last entries may re-check earlier dossiers),
and reports verdicts, fails/warns per rule, and how many printed field values the document
readers found (`documents.<kind>.printed`), split into text PDFs and images (scans, photos).
"""
from __future__ import annotations

import json
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from originproof.text.countries import country_from_name
from originproof.text.dates import parse_date
from originproof.text.names import fold, name_similarity

# labels' document kinds → the dossier@1 production slot they fill
KIND_SLOT = {"coo": "certificate_of_origin", "licence": "factory_licence", "agreement": "production_agreement",
             "customs": "customs_declaration"}
TEXT_FORMATS = {"pdf"}  # everything else (jpg, png, scanpdf, phone) is read through OCR


@dataclass
class FieldScore:
    kind: str
    name: str
    fmt: str
    found: bool
    expected: Any
    got: Any


@dataclass
class DossierOutcome:
    id: str
    expected: str
    verdict: str
    seconds: float
    bad: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, status, subject)
    fields: list[FieldScore] = field(default_factory=list)
    error: str | None = None
    undecided: list[tuple[str, str]] = field(default_factory=list)  # (rule, subject) left to a person


@dataclass
class ExternalResult:
    outcomes: list[DossierOutcome]

    def field_accuracy(self, group: str) -> tuple[int, int]:
        scores = [f for o in self.outcomes for f in o.fields if _group(f.fmt) == group]
        return sum(f.found for f in scores), len(scores)

    def per_rule(self) -> dict[str, Counter]:
        out: dict[str, Counter] = defaultdict(Counter)
        for o in self.outcomes:
            for rule, status, _ in o.bad:
                out[rule][status] += 1
        return dict(sorted(out.items()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdicts": {o.id: {"expected": o.expected, "got": o.verdict, "seconds": round(o.seconds, 1),
                                "error": o.error} for o in self.outcomes},
            "per_rule": {r: dict(c) for r, c in self.per_rule().items()},
            "field_accuracy": {g: dict(zip(("found", "total"), self.field_accuracy(g))) for g in ("text", "image")},
            "misread": [{"dossier": o.id, "kind": f.kind, "field": f.name, "format": f.fmt, "expected": f.expected,
                         "got": f.got} for o in self.outcomes for f in o.fields if not f.found],
            "bad": {o.id: [list(b) for b in o.bad] for o in self.outcomes},
            "unknown": {o.id: [list(u) for u in o.undecided] for o in self.outcomes},
        }


def _group(fmt: str) -> str:
    return "text" if fmt in TEXT_FORMATS else "image"


# ----------------------------------------------------------------------------- field scoring
def _value(facts: dict[str, Any], name: str) -> Any:
    f = (facts.get("fields") or {}).get(name)
    return None if f is None else f.get("value")


def _same_name(expected: str, got: Any) -> bool:
    if not isinstance(got, str) or not got.strip():
        return False
    # A bilingual printed name "甲株式会社（Latin Co., Ltd.）" is read right when either half is.
    halves = [expected] + [h for h in expected.replace("）", "(").replace("（", "(").replace(")", "(").split("(")
                           if h.strip()]
    return any(name_similarity(h, got) >= 90 for h in halves)


def _same_text(expected: str, got: Any) -> bool:
    return isinstance(got, str) and bool(fold(expected)) and fold(expected) == fold(got)


def _same_number(expected: str, got: Any) -> bool:
    """A printed number read right: 'No. 123' is the number 123, spaces are print layout."""
    def bare(t: str) -> str:
        return re.sub(r"^(?:no|nr|n°|nº)\.?\s*", "", t.strip(), flags=re.I)
    return isinstance(got, str) and _same_text(bare(expected), bare(got))


def _same_date(expected: str, got: Any, country: str | None) -> bool:
    want = parse_date(expected, country)
    return want is not None and isinstance(got, str) and got[:10] == want.isoformat()


def _contains_all(expected: list[str], got: Any) -> bool:
    text = fold(json.dumps(got, ensure_ascii=False)) if got is not None else ""
    return bool(expected) and all(fold(e) in text for e in expected)


def _party_names(got: Any) -> list[str]:
    return [p.get("name") or "" for p in got or [] if isinstance(p, dict)]


def _score_coo(p: dict, facts: dict, country: str | None) -> list[tuple[str, Any, Any, bool]]:
    rows: list[tuple[str, Any, Any, bool]] = []

    def add(name: str, expected: Any, got: Any, ok: bool) -> None:
        rows.append((name, expected, got, ok))
    add("issuer", p["issuer"], _value(facts, "issuer"), _same_name(p["issuer"], _value(facts, "issuer")))
    if p.get("with_number") and p.get("cert_no"):
        got = _value(facts, "certificate_number")
        add("certificate_number", p["cert_no"], got, _same_number(p["cert_no"], got))
    for party in ("exporter", "consignee", "producer"):
        want = (p.get(party) or {}).get("name")
        if want:
            got = _value(facts, party)
            add(party, want, got, _same_name(want, got))
    want_cc = country_from_name(p["origin_upper"])
    got = _value(facts, "origin_country")
    add("origin_country", want_cc, got, want_cc is not None and got == want_cc)
    got = _value(facts, "issue_date")
    add("issue_date", p["issue_date_str"], got, _same_date(p["issue_date_str"], got, country))
    want_goods = [g[1] for g in p.get("goods") or []]
    got = _value(facts, "goods")
    add("goods", want_goods, got, _contains_all(want_goods, got))
    return rows


def _score_licence(p: dict, facts: dict, country: str | None) -> list[tuple[str, Any, Any, bool]]:
    # Licence pages print label-left rows; in the labels the first row is the number and the second
    # the holder (an explicit `number` wins when printed apart from the rows).
    rows = p.get("rows") or []
    number = p.get("number") or (rows[0][1] if rows else None)
    holder = rows[1][1] if len(rows) > 1 else None
    out = []
    if isinstance(number, str) and number:
        got = _value(facts, "licence_number")
        out.append(("licence_number", number, got, _same_number(number, got)))
    if isinstance(holder, str) and holder:
        got = _value(facts, "holder")
        out.append(("holder", holder, got, _same_name(holder, got)))
    return out


def _score_agreement(p: dict, facts: dict, country: str | None) -> list[tuple[str, Any, Any, bool]]:
    out = []
    names = _party_names(_value(facts, "parties"))
    for side in ("party_a", "party_b"):
        want = p[side]["name"]
        out.append((side, want, names, any(_same_name(want, n) for n in names)))
    got = _value(facts, "signatures_present")
    out.append(("signatures_present", True, got, got is True))
    got = _value(facts, "signed_on")
    out.append(("signed_on", p["signed_date_str"], got, _same_date(p["signed_date_str"], got, country)))
    want_products = [x.split("  (")[0].strip() for x in p.get("products") or []]
    got = _value(facts, "products")
    out.append(("products", want_products, got, _contains_all(want_products, got)))
    return out


def _score_customs(p: dict, facts: dict, country: str | None) -> list[tuple[str, Any, Any, bool]]:
    out = []
    got = _value(facts, "declaration_number")
    out.append(("declaration_number", p["number"], got, _same_number(p["number"], got)))
    got = _value(facts, "declared_on")
    out.append(("declared_on", p["declare_date"], got, _same_date(p["declare_date"], got, "CN")))
    got = _value(facts, "consignee")
    out.append(("consignee", p["consignee"]["name"], got, _same_name(p["consignee"]["name"], got)))
    got = _value(facts, "consignee_uscc")
    out.append(("consignee_uscc", p["consignee"]["uscc"], got, _same_text(p["consignee"]["uscc"], got)))
    if p.get("shipper"):
        got = _value(facts, "consignor")
        out.append(("consignor", p["shipper"], got, _same_name(p["shipper"], got)))
    lines = _value(facts, "lines") or []
    for ln in p.get("lines") or []:
        hit = next((g for g in lines if isinstance(g, dict) and fold(str(g.get("hs_code") or ""))[:6] == ln["hs"][:6]), None)
        out.append((f"line {ln['no']} hs_code", ln["hs"], [g.get("hs_code") for g in lines if isinstance(g, dict)],
                    hit is not None))
        want_cc = country_from_name(ln["origin"])
        got = hit.get("origin_country") if hit else None
        out.append((f"line {ln['no']} origin", want_cc, got, want_cc is not None and got == want_cc))
    return out


SCORERS: dict[str, Callable[[dict, dict, str | None], list[tuple[str, Any, Any, bool]]]] = {
    "coo": _score_coo, "licence": _score_licence, "agreement": _score_agreement, "customs": _score_customs}


def score_documents(entry: dict, manifest: dict, report: dict) -> list[FieldScore]:
    """Printed values of the labelled documents against what the report's `extracted` facts hold."""
    country = (manifest.get("brand") or {}).get("origin_country")
    production = manifest.get("production") or {}
    extracted = report.get("extracted") or {}
    scores: list[FieldScore] = []
    for kind, doc in (entry.get("documents") or {}).items():
        files = production.get(KIND_SLOT.get(kind, ""), []) or []
        printed = doc["printed"] if isinstance(doc["printed"], list) else [doc["printed"]]
        facts_list = [extracted.get(f if isinstance(f, str) else (f.get("files") or [None])[0]) or {} for f in files]
        for p in printed:
            # Printed entries and files need not come in the same order (a certificate and a register
            # extract in two files): each entry is scored against the file that reads it best.
            best: list[tuple[str, Any, Any, bool]] = []
            for facts in facts_list or [{}]:
                rows = SCORERS[kind](p, facts, country)
                if not best or sum(r[3] for r in rows) > sum(r[3] for r in best):
                    best = rows
            for name, expected, got, ok in best:
                scores.append(FieldScore(kind, name, doc.get("format", "pdf"), ok, expected, got))
    return scores


# ----------------------------------------------------------------------------- running
def _load_manifest(path: Path) -> dict:
    import yaml
    for name in ("dossier.yaml", "dossier.yml", "dossier.json"):
        f = path / name
        if f.exists():
            return (json.loads if f.suffix == ".json" else yaml.safe_load)(f.read_text("utf-8")) or {}
    return {}


def run_external(root: Path, *, workers: int = 2, home: Path | None = None,
                 log: Callable[[str], None] = lambda _m: None) -> ExternalResult:
    import time

    from originproof.cli.common import get_policy, get_registry
    from originproof.pipeline import check_path
    from originproof.pipeline.options import Operator, check_options
    from originproof.store import Store

    labels = json.loads((root / "labels.json").read_text("utf-8"))
    archives = [root / labels["web_archive"]] if labels.get("web_archive") else []
    entries = sorted(labels["dossiers"], key=lambda d: d.get("order", 0))
    tmp = tempfile.TemporaryDirectory(prefix="op-external-") if home is None else None
    base = Path(tmp.name) if tmp else home
    assert base is not None
    store = Store(f"sqlite:///{base / 'external.db'}")
    opts = check_options(Operator(get_policy(None), get_registry(None), archive_sources=archives, workers=workers),
                         store=store, record=True)
    outcomes: list[DossierOutcome] = []
    try:
        for entry in entries:
            path = root / entry["path"]
            exp = (entry.get("expect") or {}).get("verdict", "approve")
            log(f"{entry['id']} …")
            t0 = time.perf_counter()
            try:
                res = check_path(path, opts)
            except Exception as e:  # noqa: BLE001 — one broken dossier must not hide the others' figures
                outcomes.append(DossierOutcome(entry["id"], exp, "error", time.perf_counter() - t0, error=repr(e)))
                continue
            rep = res.report
            bad = [(f["rule"], f["status"], f.get("subject", "")) for f in rep.get("findings", [])
                   if f.get("status") in ("fail", "warn")]
            undecided = [(f["rule"], f.get("subject", "")) for f in rep.get("findings", [])
                         if f.get("status") == "unknown"]
            outcomes.append(DossierOutcome(entry["id"], exp, rep.get("verdict", "?"), time.perf_counter() - t0, bad,
                                           score_documents(entry, _load_manifest(path), rep), undecided=undecided))
    finally:
        store.close() if hasattr(store, "close") else None
        if tmp is not None:
            tmp.cleanup()
    return ExternalResult(outcomes)


def print_result(res: ExternalResult, console) -> None:
    from rich.table import Table

    t = Table(title="Dossiers (in order)")
    for c in ("dossier", "expected", "verdict", "s", "fail / warn", "unknown (→ a person)"):
        t.add_column(c)
    for o in res.outcomes:
        ok = o.verdict == o.expected
        bad = ", ".join(sorted({f"{r}={s}" for r, s, _ in o.bad})) or "—"
        left = ", ".join(sorted({r for r, _s in o.undecided})) or "—"
        t.add_row(o.id, o.expected, f"[{'green' if ok else 'red'}]{o.verdict}[/]", f"{o.seconds:.0f}",
                  o.error or bad, left)
    console.print(t)
    rules = res.per_rule()
    if rules:
        r = Table(title="fail / warn per rule (dossiers)")
        r.add_column("rule"), r.add_column("fail"), r.add_column("warn")
        for rule, c in rules.items():
            r.add_row(rule, str(c.get("fail", 0)), str(c.get("warn", 0)))
        console.print(r)
    approved = sum(o.verdict == o.expected for o in res.outcomes)
    console.print(f"verdicts as expected: {approved}/{len(res.outcomes)}")
    for g, target in (("text", 0.98), ("image", 0.92)):
        found, total = res.field_accuracy(g)
        if total:
            console.print(f"field accuracy, {g}: {found}/{total} = {found / total:.1%} (target ≥ {target:.0%})")
    for o in res.outcomes:
        for f in o.fields:
            if not f.found:
                console.print(f"  [dim]misread {o.id} {f.kind}.{f.name} ({f.fmt}): expected {f.expected!r}, "
                              f"got {str(f.got)[:90]!r}[/]")
