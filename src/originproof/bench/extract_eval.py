"""`originproof bench extract`: field-level accuracy of the document readers on a generated corpus.

Each document is rendered from a `DossierSpec` (so its true field values are known) as a text PDF,
a rotated noisy scan (image-only PDF) and a phone photo (perspective, blur, JPEG), read by the
document reader exactly as `originproof extract` does, and scored field by field: precision =
right / read, recall = right / expected, per field, per document type, per variant and per layout family
(samples/documents.py FAMILIES). The labels are what the generator says it printed in that family. One
family (HELD_OUT_FAMILY, `bilingual`) is the held-out check: reported apart, never used to tune a reader.
"""
from __future__ import annotations

import re
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any, Optional

COUNTRIES = ("JP", "KR", "US", "DE", "FR", "AU")
DOC_TYPES = ("certificate_of_origin", "factory_licence", "production_agreement", "customs_declaration")
VARIANTS = ("text", "scan", "photo")


def _f(v: Any) -> str:
    t = unicodedata.normalize("NFKC", str(v)).casefold()
    return re.sub(r"[\s\-_.,;:'\"()（）/]+", "", t)


def truth(doc_type: str, s: Any, family: str | None = None) -> dict[str, Any]:
    """Expected canonical field values for a document rendered from spec `s` (in `family`: exactly the
    fields that family prints, as `samples.documents.render_document` labels them)."""
    if family:
        from originproof.samples.documents import render_document
        return render_document(doc_type, s, family).printed
    if doc_type == "certificate_of_origin":
        return {"certificate_number": s.coo_number, "issue_date": s.coo_date.isoformat(),
                "exporter": s.factory.name_en, "producer": s.factory.name_en, "origin_country": s.country,
                "invoice_number": s.invoice_number, "issuer": s.coo_issuer,
                "goods": sorted(p.hs_code[:6] for p in s.products)}
    if doc_type == "factory_licence":
        t = {"licence_number": s.licence_number, "holder": s.factory.name, "address": s.factory.address,
             "country": s.country, "issue_date": s.licence_issued.isoformat(), "authority": s.licence_authority,
             "activities": list(s.licence_activities)}
        if s.licence_expires:
            t["expiry_date"] = s.licence_expires.isoformat()
        return t
    if doc_type == "production_agreement":
        return {"parties": [s.owner.name, s.factory.name], "signed_on": s.agreement_signed.isoformat(),
                "term_start": s.agreement_start.isoformat(), "term_end": s.agreement_end.isoformat(),
                "signatures_present": True, "products": len(s.products) + 1}
    return {"form": "declaration", "declaration_number": s.customs_number, "declared_on": s.customs_declared.isoformat(),
            "imported_on": s.customs_imported.isoformat(), "consignee": s.merchant_name,
            "consignee_uscc": s.merchant_uscc, "consignor": s.factory.name_en, "supervision_mode": s.supervision_mode,
            "departure_country": s.country, "lines": sorted((p.hs_code, s.country) for p in s.products)}


def _project(field: str, value: Any) -> Any:
    """The read value in the shape `truth` uses."""
    if field == "goods":
        return sorted((g.get("hs_code") or "")[:6] for g in value or [])
    if field == "parties":
        return [p.get("name") or "" for p in value or []]
    if field == "products":
        return len(value or [])
    if field == "lines":
        return sorted(((l.get("hs_code") or "", l.get("origin_country") or "") for l in value or []))
    return value


def _same(field: str, want: Any, got: Any) -> bool:
    if isinstance(want, list) or isinstance(got, list):
        return [_f(x) for x in (want or [])] == [_f(x) for x in (got or [])]
    if isinstance(want, bool) or isinstance(want, int):
        return want == got
    return _f(want) == _f(got)


def render(doc_type: str, spec: Any, variant: str, out: Path, seed: int, family: str | None = None) -> Path:
    from originproof.samples.documents import render_photo, render_scan, render_text_pdf
    if variant == "text":
        return render_text_pdf(doc_type, spec, out.with_suffix(".pdf"), family=family)
    if variant == "scan":
        return render_scan(doc_type, spec, out.with_suffix(".pdf"), rotate=(0, 90, 180, 270)[seed % 4],
                           skew=((seed * 7) % 13 - 6) / 5, noise=6.0, seed=seed, family=family)
    return render_photo(doc_type, spec, out.with_suffix(".jpg"), seed=seed, family=family)


def _pr(right: int, read: int, exp: int) -> dict[str, float]:
    return {"precision": round(right / read, 4) if read else 0.0, "recall": round(right / exp, 4) if exp else 0.0,
            "right": right, "read": read, "expected": exp}


def run_extract_bench(n_per_variant: int = 1, seed: int = 0, countries: tuple[str, ...] = COUNTRIES,
                      variants: tuple[str, ...] = VARIANTS, progress: Any = None,
                      families: tuple[str, ...] | None = None,
                      doc_types: tuple[str, ...] = DOC_TYPES, held_out_errors: bool = False) -> dict[str, Any]:
    """Render every (variant, country, document type, layout family) `n_per_variant` times, read it and score
    the fields against what the generator printed (`Rendered.printed`). Figures per variant, per layout
    family × variant (the held-out family named and kept apart from the tuning total), per type and field.

    The held-out family only ever shows as totals (per variant and document type): its misreads are not
    listed in `errors` and its fields are not in `per_type`/`per_field` (those cover the tuning families),
    so nobody tunes a reader on it by accident. `held_out_errors=True` lists them for a final review."""
    from originproof.pipeline.single import extract_file
    from originproof.policy import load_policy
    from originproof.registry import Registry
    from originproof.samples.documents import FAMILIES, HELD_OUT_FAMILY, render_document
    from originproof.samples.spec import clean_spec

    families = tuple(families or FAMILIES)
    policy, registry = load_policy(None), Registry.load()
    # (variant, family, doc_type, field) -> right, read, expected
    counts: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    type_ok: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # (variant, family) -> right, n
    # A value read at or above the policy's bar can support a pass or a fail: how many such reads are wrong
    # is the false-fail risk, which recall and precision alone do not show. (variant, family) -> sure, wrong
    sure: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    bar = policy.reading.min_field_confidence
    errors: list[dict[str, Any]] = []
    secs: dict[str, float] = defaultdict(float)
    jobs = [(c, dt, v, f, k) for v in variants for f in families for c in countries for dt in doc_types
            for k in range(n_per_variant)]
    with tempfile.TemporaryDirectory(prefix="op-bench-extract-") as tmp:
        for i, (c, dt, v, fam, k) in enumerate(jobs):
            spec = clean_spec(c, seed * 1000 + k + 1)
            want = render_document(dt, spec, fam).printed  # the labels: what this family prints
            path = render(dt, spec, v, Path(tmp) / f"{c}_{dt}_{v}_{fam}_{k}", seed + i, family=fam)
            t0 = time.perf_counter()
            out = extract_file(path, kind=None, url=None, origin=c, policy=policy, registry=registry)
            secs[v] += time.perf_counter() - t0
            type_ok[(v, fam)][1] += 1
            type_ok[(v, fam)][0] += int(out.get("doc_type") == dt)
            fields = out.get("fields") or {} if out.get("doc_type") == dt else {}
            listed = held_out_errors or fam != HELD_OUT_FAMILY
            for name, wv in want.items():
                cell = counts[(v, fam, dt, name)]
                cell[2] += 1
                err = {"variant": v, "family": fam, "country": c, "doc_type": dt, "field": name, "want": wv}
                if name in fields:
                    cell[1] += 1
                    got = _project(name, fields[name]["value"])
                    confident = float(fields[name].get("confidence") or 0.0) >= bar
                    sure[(v, fam)][0] += int(confident)
                    if _same(name, wv, got):
                        cell[0] += 1
                        continue
                    sure[(v, fam)][1] += int(confident)
                    if listed and len(errors) < 400:  # a confident misread is the one most worth seeing
                        errors.append(err | {"got": got, "confident": confident})
                elif listed and len(errors) < 400:
                    errors.append(err | {"got": None})
            if progress:
                progress(i + 1, len(jobs))

    def total(pred: Any) -> list[int]:
        t = [0, 0, 0]
        for key, cell in counts.items():
            if pred(*key):
                t = [a + b for a, b in zip(t, cell)]
        return t

    def types_ok(pred: Any) -> float:
        ok = [sum(x) for x in zip(*[cnt for (v, f), cnt in type_ok.items() if pred(v, f)])] or [0, 0]
        return round(ok[0] / max(1, ok[1]), 4)

    per_field: dict[str, dict[str, dict[str, dict[str, float]]]] = defaultdict(lambda: defaultdict(dict))
    per_type: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    per_variant: dict[str, dict[str, float]] = {}
    per_family: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for v in variants:
        for dt in doc_types:
            names = sorted({n for (vv, _, d2, n) in counts if vv == v and d2 == dt})
            for name in names:
                per_field[v][dt][name] = _pr(*total(lambda vv, ff, d2, n: (vv, d2, n) == (v, dt, name)
                                                    and ff != HELD_OUT_FAMILY))
            per_type[v][dt] = _pr(*total(lambda vv, ff, d2, n: (vv, d2) == (v, dt) and ff != HELD_OUT_FAMILY))
        n_docs = sum(cnt[1] for (vv, _), cnt in type_ok.items() if vv == v)
        sv = [sum(x) for x in zip(*[cnt for (vv, _f), cnt in sure.items() if vv == v])] or [0, 0]
        per_variant[v] = _pr(*total(lambda vv, ff, d2, n: vv == v)) | {
            "confident_reads": sv[0], "confident_wrong": sv[1],
            "doc_type_accuracy": types_ok(lambda vv, ff: vv == v),
            "seconds_per_document": round(secs[v] / max(1, n_docs), 2)}
        for fam in families:
            per_family[fam][v] = _pr(*total(lambda vv, ff, d2, n: (vv, ff) == (v, fam))) | {
                "doc_type_accuracy": types_ok(lambda vv, ff: (vv, ff) == (v, fam)),
                "per_type": {dt: _pr(*total(lambda vv, ff, d2, n: (vv, ff, d2) == (v, fam, dt))) for dt in doc_types}}
    tuning = {v: _pr(*total(lambda vv, ff, d2, n: vv == v and ff != HELD_OUT_FAMILY)) for v in variants}
    held = ({v: per_family[HELD_OUT_FAMILY][v] for v in variants} if HELD_OUT_FAMILY in families else {})
    return {"n_per_variant": n_per_variant, "seed": seed, "countries": list(countries), "families": list(families),
            "held_out_family": HELD_OUT_FAMILY, "per_variant": per_variant, "per_family": per_family,
            "tuning_families": tuning, "held_out": held, "per_type": per_type, "per_field": per_field,
            "errors": errors, "bar": {"text": 0.98, "scan": 0.92, "photo": 0.92, "per_family": 0.95}}


def print_extract(res: dict[str, Any], console: Any) -> None:
    from rich.table import Table
    t = Table(title="Document field accuracy (recall = right/expected; precision = right/read); per type: tuning "
                    "families only, 'all': every family")
    for col in ("variant", "doc type", "precision", "recall", "fields"):
        t.add_column(col)
    for v, types in res["per_type"].items():
        for dt, m in types.items():
            t.add_row(v, dt, f"{m['precision']:.1%}", f"{m['recall']:.1%}", f"{m['right']}/{m['expected']}")
        m = res["per_variant"][v]
        t.add_row(f"[b]{v}[/b]", "[b]all[/b]", f"[b]{m['precision']:.1%}[/b]", f"[b]{m['recall']:.1%}[/b]",
                  f"{m['right']}/{m['expected']} · type {m['doc_type_accuracy']:.0%} · {m['seconds_per_document']}s/doc")
    console.print(t)
    for v, m in res["per_variant"].items():
        # Wrong values read with confidence are what could fail an honest seller; the rest go to a person.
        console.print(f"{v}: confident reads (≥ the policy's bar) {m['confident_reads']}, of them wrong "
                      f"{m['confident_wrong']} ({m['confident_wrong'] / max(1, m['confident_reads']):.1%})")
    held = res.get("held_out_family")
    variants = list(res["per_variant"])
    f = Table(title=f"Field recall per layout family and variant — held-out family: {held} "
                    "(kept out of every tuning loop; bar ≥ 95 % per family)")
    f.add_column("layout family")
    for v in variants:
        f.add_column(v)
    f.add_column("weakest doc type")
    for fam, by_v in res.get("per_family", {}).items():
        cells = [f"{by_v[v]['recall']:.1%} ({by_v[v]['right']}/{by_v[v]['expected']}, type {by_v[v]['doc_type_accuracy']:.0%})"
                 for v in variants]
        worst = min(((m["recall"], f"{dt} {m['recall']:.0%}") for v in variants
                     for dt, m in by_v[v]["per_type"].items() if m["expected"]), default=(0, ""))[1]
        name = f"[b]{fam} (HELD OUT)[/b]" if fam == held else fam
        f.add_row(name, *cells, worst)
    if res.get("tuning_families"):
        f.add_row("[i]all tuning families[/i]",
                  *[f"{res['tuning_families'][v]['recall']:.1%}" for v in variants], "")
    console.print(f)


def register(app: Any) -> None:
    """Add `extract` to the `bench` Typer app."""
    import json

    import typer
    from rich.console import Console

    @app.command("extract")
    def extract_cmd(n: int = typer.Option(1, "--n", help="Documents per country, type, family and variant."),
                    seed: int = typer.Option(0, "--seed"),
                    variants: str = typer.Option(",".join(VARIANTS), "--variants", help="text,scan,photo"),
                    families: str = typer.Option("", "--families",
                                                 help="Layout families (default: all; the held-out one included)."),
                    countries: str = typer.Option(",".join(COUNTRIES), "--countries"),
                    held_out_errors: bool = typer.Option(False, "--held-out-errors",
                                                         help="Also list the held-out family's misreads (final "
                                                              "review only: never tune a reader on them)."),
                    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full figures here.")) -> None:
        """Field-level accuracy of the document readers (per field, document type, layout family and variant)."""
        res = run_extract_bench(n, seed, variants=tuple(v for v in variants.split(",") if v),
                                countries=tuple(c for c in countries.split(",") if c),
                                families=tuple(f for f in families.split(",") if f) or None,
                                held_out_errors=held_out_errors)
        print_extract(res, Console(width=180))
        if json_out:
            json_out.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), "utf-8")
