"""`originproof bench extract`: field-level accuracy of the document readers on a generated corpus.

Each document is rendered from a `DossierSpec` (so its true field values are known) as a text PDF,
a rotated noisy scan (image-only PDF) and a phone photo (perspective, blur, JPEG), read by the
document reader exactly as `originproof extract` does, and scored field by field: precision =
right / read, recall = right / expected, per field, per document type and per variant.
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


def truth(doc_type: str, s: Any) -> dict[str, Any]:
    """Expected canonical field values for a document rendered from spec `s`."""
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
        return [p.get("name") for p in value or []]
    if field == "products":
        return len(value or [])
    if field == "lines":
        return sorted((l.get("hs_code"), l.get("origin_country")) for l in value or [])
    return value


def _same(field: str, want: Any, got: Any) -> bool:
    if isinstance(want, list) or isinstance(got, list):
        return [_f(x) for x in (want or [])] == [_f(x) for x in (got or [])]
    if isinstance(want, bool) or isinstance(want, int):
        return want == got
    return _f(want) == _f(got)


def render(doc_type: str, spec: Any, variant: str, out: Path, seed: int) -> Path:
    from originproof.samples.documents import render_photo, render_scan, render_text_pdf
    if variant == "text":
        return render_text_pdf(doc_type, spec, out.with_suffix(".pdf"))
    if variant == "scan":
        return render_scan(doc_type, spec, out.with_suffix(".pdf"), rotate=(0, 90, 180, 270)[seed % 4],
                           skew=((seed * 7) % 13 - 6) / 5, noise=6.0, seed=seed)
    return render_photo(doc_type, spec, out.with_suffix(".jpg"), seed=seed)


def run_extract_bench(n_per_variant: int = 1, seed: int = 0, countries: tuple[str, ...] = COUNTRIES,
                      variants: tuple[str, ...] = VARIANTS, progress: Any = None) -> dict[str, Any]:
    from originproof.pipeline.single import extract_file
    from originproof.policy import load_policy
    from originproof.registry import Registry
    from originproof.samples.spec import clean_spec

    policy, registry = load_policy(None), Registry.load()
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # right, read, expected
    type_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: list[dict[str, Any]] = []
    secs: dict[str, float] = defaultdict(float)
    jobs = [(c, dt, v, k) for v in variants for c in countries for dt in DOC_TYPES for k in range(n_per_variant)]
    with tempfile.TemporaryDirectory(prefix="op-bench-extract-") as tmp:
        for i, (c, dt, v, k) in enumerate(jobs):
            spec = clean_spec(c, seed * 1000 + k + 1)
            path = render(dt, spec, v, Path(tmp) / f"{c}_{dt}_{v}_{k}", seed + i)
            t0 = time.perf_counter()
            out = extract_file(path, kind=None, url=None, origin=c, policy=policy, registry=registry)
            secs[v] += time.perf_counter() - t0
            type_ok[v][1] += 1
            type_ok[v][0] += int(out.get("doc_type") == dt)
            want = truth(dt, spec)
            fields = out.get("fields") or {} if out.get("doc_type") == dt else {}
            for name, wv in want.items():
                cell = counts[(v, dt, name)]
                cell[2] += 1
                if name in fields:
                    cell[1] += 1
                    got = _project(name, fields[name]["value"])
                    if _same(name, wv, got):
                        cell[0] += 1
                    elif len(errors) < 200:
                        errors.append({"variant": v, "country": c, "doc_type": dt, "field": name,
                                       "want": wv, "got": got})
                elif len(errors) < 200:
                    errors.append({"variant": v, "country": c, "doc_type": dt, "field": name, "want": wv, "got": None})
            if progress:
                progress(i + 1, len(jobs))

    def pr(right: int, read: int, exp: int) -> dict[str, float]:
        return {"precision": round(right / read, 4) if read else 0.0, "recall": round(right / exp, 4) if exp else 0.0,
                "right": right, "read": read, "expected": exp}
    per_field: dict[str, dict[str, dict[str, dict[str, float]]]] = defaultdict(lambda: defaultdict(dict))
    per_type: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    per_variant: dict[str, dict[str, float]] = {}
    for v in variants:
        tot = [0, 0, 0]
        for dt in DOC_TYPES:
            tt = [0, 0, 0]
            for (vv, d2, name), cell in counts.items():
                if vv == v and d2 == dt:
                    per_field[v][dt][name] = pr(*cell)
                    tt = [a + b for a, b in zip(tt, cell)]
            per_type[v][dt] = pr(*tt)
            tot = [a + b for a, b in zip(tot, tt)]
        per_variant[v] = pr(*tot) | {"doc_type_accuracy": round(type_ok[v][0] / max(1, type_ok[v][1]), 4),
                                     "seconds_per_document": round(secs[v] / max(1, type_ok[v][1]), 2)}
    return {"n_per_variant": n_per_variant, "seed": seed, "countries": list(countries), "per_variant": per_variant,
            "per_type": per_type, "per_field": per_field, "errors": errors,
            "bar": {"text": 0.98, "scan": 0.92, "photo": 0.92}}


def print_extract(res: dict[str, Any], console: Any) -> None:
    from rich.table import Table
    t = Table(title="Document field accuracy (recall = right/expected; precision = right/read)")
    for col in ("variant", "doc type", "precision", "recall", "fields"):
        t.add_column(col)
    for v, types in res["per_type"].items():
        for dt, m in types.items():
            t.add_row(v, dt, f"{m['precision']:.1%}", f"{m['recall']:.1%}", f"{m['right']}/{m['expected']}")
        m = res["per_variant"][v]
        t.add_row(f"[b]{v}[/b]", "[b]all[/b]", f"[b]{m['precision']:.1%}[/b]", f"[b]{m['recall']:.1%}[/b]",
                  f"{m['right']}/{m['expected']} · type {m['doc_type_accuracy']:.0%} · {m['seconds_per_document']}s/doc")
    console.print(t)


def register(app: Any) -> None:
    """Add `extract` to the `bench` Typer app."""
    import json

    import typer
    from rich.console import Console

    @app.command("extract")
    def extract_cmd(n: int = typer.Option(1, "--n", help="Documents per country, type and variant."),
                    seed: int = typer.Option(0, "--seed"),
                    variants: str = typer.Option(",".join(VARIANTS), "--variants", help="text,scan,photo"),
                    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full figures here.")) -> None:
        """Field-level accuracy of the document readers (per field, per document type, per variant)."""
        res = run_extract_bench(n, seed, variants=tuple(v for v in variants.split(",") if v))
        print_extract(res, Console(width=160))
        if json_out:
            json_out.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), "utf-8")
