"""`originproof bench forensics`: detection rate per tamper type and false alarms on untouched files.

A sample counts as *detected* when the authenticity rule that judges it (AUTH.PDF_EDITED,
AUTH.SIGNATURE, AUTH.IMAGE_EDITED — the same pure helpers the rules use) is not a pass: `fail`
or `warn`. An original counts as a *false alarm* when AUTH.PDF_EDITED or AUTH.IMAGE_EDITED is
not a pass, or AUTH.SIGNATURE fails (an intact signature from an untrusted signer is a correct
`warn`, not a false alarm).

Honest hard cases (samples/tamper.HONEST_HARD: counter-signatures, PAdES-LTA updates, forms filled
after signing, notes and highlights, metadata-only updates) are judged like originals and reported
per type (target: 0 false alarms). Reuse is measured through the reuse index itself (a SQLite store,
`evidence.forensics.reuse.find_hits`): copies of a recorded photo — mirrored, rotated, cropped,
resized, re-saved — must be found (`reuse_photo_*`); another take of the same receipt
(`honest_other_photo`) and certificates / declarations of other merchants issued on one form
(`honest_shared_form`) must not; the same values re-typed on a fresh form by another merchant
(`reuse_retyped_fresh_form`) must.
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
    honest: dict[str, list[int]] = field(default_factory=dict)  # honest hard-case type → [false alarms, total]
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
                "honest_hard_cases": {k: {"false_alarms": v[0], "total": v[1]} for k, v in self.honest.items()},
                "honest_false_alarms": sum(v[0] for v in self.honest.values()),
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
            if s.tamper == "original" or s.tamper.startswith("honest_"):
                alarm = outcomes["pdf"] not in ("clean", "n/a") or outcomes["image"] not in ("clean", "n/a") \
                    or outcomes["signature"] == "fraud"
                if s.tamper == "original":
                    res.originals += 1
                    res.false_alarms += int(alarm)
                else:
                    h = res.honest.setdefault(s.tamper, [0, 0])
                    h[0] += int(alarm)
                    h[1] += 1
                if alarm:
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
        reuse_eval(res, ctx, Path(work or td) / "reuse", photos=max(1, per_type // 4), seed=seed)
    res.seconds = time.perf_counter() - t0
    return res


# ------------------------------------------------------------------ reuse through the index
def _record(store, digest: str, merchant: str, brand: str, fps: list[tuple[str, str, str | None, str, str]]) -> None:
    from datetime import datetime, timezone

    report = {"dossier": {"sha256": digest, "merchant_id": merchant, "brand": brand, "origin_country": None},
              "verdict": "approve", "severity": "none", "evaluated_at": datetime.now(timezone.utc).isoformat(),
              "policy": {"id": "bench", "version": "1"}, "findings": []}
    store.record(report, {"merchant": {"id": merchant}}, [], fps, actor="bench")


def _hits(store, digest: str, fps) -> list[Any]:
    from datetime import datetime, timezone

    from originproof.evidence.forensics.reuse import find_hits
    from originproof.facts import DossierFacts

    return find_hits(DossierFacts(manifest=None, evaluated_at=datetime.now(timezone.utc), digest=digest), fps, store)


def _photo_fps(raw: bytes, path: Path, ctx: ReadContext) -> list[tuple[str, str, str | None, str, str]]:
    path.write_bytes(raw)
    f = FileRef(path=path.name, real=path, sha256="0" * 64, kind="png" if raw[:4] == b"\x89PNG" else "jpeg")
    fz = reader("forensics").fn([f], OtherDocument(files=[path.name]), ctx)
    return [("evidence/receipt.jpg", "image", "receipt", sc, v) for sc, vals in fz.fingerprints.items() for v in vals]


def _doc_fps(pdf: bytes, path: Path, doc_type: str, ctx: ReadContext) -> list[tuple[str, str, str | None, str, str]]:
    from originproof.pipeline.extract import read_one

    path.write_bytes(pdf)
    f = FileRef(path=path.name, real=path, sha256="0" * 64, kind="pdf")
    facts = read_one("document", [f], doc_type, ctx)
    fz = getattr(facts, "forensics", None)
    if fz is None:
        return []
    return [(f"evidence/production/{doc_type}.pdf", "document", doc_type, sc, v)
            for sc, vals in fz.fingerprints.items() for v in vals]


_CUSTOMERS = (("Kiyora", "杭州清禾跨境贸易有限公司"), ("Sorami", "广州南湾优选贸易有限公司"),
              ("Mizuha", "青岛海岸线进出口有限公司"))


def _customer(spec, maker, brand: str, buyer: str):
    """`spec` made by `maker`'s factory for another brand owner and importer (its own goods and numbers)."""
    from dataclasses import replace

    prods = [replace(p, name=f"{brand} {p.name.split(' ', 1)[-1]} {brand[:2].upper()}", name_local=f"{brand} {p.name_local}",
                     sku=p.sku + brand[:1]) for p in spec.products]
    return spec.with_(brand=brand, brand_local=brand, merchant_name=buyer, merchant_id=f"M-{brand.upper()}",
                      products=prods, factory=maker.factory)


def reuse_eval(res: ForensicsResult, ctx: ReadContext, work: Path, photos: int = 2, seed: int = 7) -> None:
    from originproof.samples.documents import render_document
    from originproof.samples.spec import COUNTRIES, clean_spec
    from originproof.samples.tamper import PHOTO_VARIANTS, phone_photo, photo_variant
    from originproof.store import Store

    work.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{work / 'reuse.db'}")
    n = 0

    def tally(bucket: dict[str, list[int]], key: str, hit: bool, name: str, hits) -> None:
        d = bucket.setdefault(key, [0, 0])
        d[0] += int(hit)
        d[1] += 1
        if bucket is res.per_type and not hit:
            res.misses.append({"sample": name, "signals": []})
        if bucket is res.honest and hit:
            res.alarms.append({"sample": name, "signals": [h.detail for h in hits]})

    for i in range(photos):
        spec = clean_spec(COUNTRIES[i % len(COUNTRIES)], seed=300 + i)
        raw = phone_photo(spec, i % 3, seed * 100 + i)
        _record(store, f"photo-owner-{i}", f"M-OWN-{i}", "Brand", _photo_fps(raw, work / f"o{i}.jpg", ctx))
        for how in PHOTO_VARIANTS:
            n += 1
            hits = _hits(store, f"q-{n}", _photo_fps(photo_variant(raw, how), work / f"v{n}.img", ctx))
            tally(res.per_type, f"reuse_photo_{how}", bool(hits), f"reuse_photo_{how}-{i}", hits)
        # Another take of the same receipt by the same shopper's camera: another photo, not a copy.
        n += 1
        other = phone_photo(spec, i % 3, seed * 100 + i + 50)
        hits = _hits(store, f"q-{n}", _photo_fps(other, work / f"t{n}.jpg", ctx))
        tally(res.honest, "honest_other_photo", bool(hits), f"honest_other_photo-{i}", hits)
    # One contract manufacturer's certificates for other merchants and brands, from one chamber, on one
    # form: the producer, exporter, issuer and form agree; consignee, goods, numbers and dates do not.
    for country in ("JP", "DE"):
        first = clean_spec(country, seed=600)
        for k, (brand, buyer) in enumerate(_CUSTOMERS):
            spec = _customer(clean_spec(country, seed=600 + k), first, brand, buyer)
            fps = _doc_fps(render_document("certificate_of_origin", spec, "boxed").pdf,
                           work / f"m{country}{k}.pdf", "certificate_of_origin", ctx)
            dg = f"maker-{country}-{k}"
            hits = _hits(store, dg, fps)
            tally(res.honest, "honest_one_maker_many_customers", bool(hits), f"honest_one_maker-{country}-{brand}", hits)
            _record(store, dg, f"M-C{k}", brand, fps)
    # Certificates and declarations of other merchants on one form: recorded one after another.
    for doc_type, family in (("certificate_of_origin", "boxed"), ("customs_declaration", "grid")):
        for k, country in enumerate(COUNTRIES):
            spec = clean_spec(country, seed=400 + k)
            fps = _doc_fps(render_document(doc_type, spec, family).pdf, work / f"f{doc_type}{k}.pdf", doc_type, ctx)
            hits = _hits(store, f"form-{doc_type}-{k}", fps)
            tally(res.honest, "honest_shared_form", bool(hits), f"honest_shared_form-{doc_type}-{country}", hits)
            _record(store, f"form-{doc_type}-{k}", f"M-F{k}", f"Brand{k}", fps)
            if k < 2:  # another merchant re-types the same values on a fresh form
                fps2 = _doc_fps(render_document(doc_type, spec, "classic").pdf, work / f"r{doc_type}{k}.pdf", doc_type, ctx)
                hits = _hits(store, f"retyped-{doc_type}-{k}", fps2)
                tally(res.per_type, "reuse_retyped_fresh_form", bool(hits), f"reuse_retyped-{doc_type}-{country}", hits)


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
    h = Table(title="Honest hard cases: false alarms per type (target 0)")
    h.add_column("honest case")
    h.add_column("false alarms", justify="right")
    for k, (a, n) in sorted(res.honest.items()):
        h.add_row(k, f"{a}/{n}")
    h.add_row("ALL honest hard cases", f"{sum(v[0] for v in res.honest.values())}/{sum(v[1] for v in res.honest.values())}")
    console.print(h)
    for m in res.misses[:10]:
        console.print(f"  missed {m['sample']}: {m['signals']}")
    for a in res.alarms[:10]:
        console.print(f"  false alarm {a['sample']}: {a['signals']}")
    console.print(f"{res.seconds:.1f} s")
