"""The labelled corpus: clean dossiers (8 origin countries × every product category, text and scanned
documents, several video styles) and, for each rule, dossiers that must fail it (defects.py).

Deterministic from a seed. Each dossier is cached under the cache dir by a hash of its generator
inputs and of the generator code, with a `label.json` beside it:

    <cache>/items/<id>-<key>/dossier/ (or dossier.zip), label.json, prior0/dossier …, captures.warc.gz

Defect dossiers are built on the same bases as the clean ones, so unchanged evidence files are
byte-identical and a checker with one extraction cache reads them once.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from originproof.bench.defects import DEFECTS, Expect, expected_outcome
from originproof.bench.writer import Plan, VideoStyle, online_supported, source_hash, write_plan
from originproof.samples.spec import CATEGORIES, COUNTRIES, category_spec

log = logging.getLogger(__name__)
GENERATOR_VERSION = "1"
GENERATION_ERRORS: list[str] = []  # items of the last build_corpus that could not be generated
# Document styles of the bases, cycled: text, multi-page text, scans (PDF, JPEG, two photographed pages).
STYLE_SETS: list[dict[str, str]] = [
    {},
    {"customs_declaration": "scan_2p", "factory_licence": "text_2p"},
    {"factory_licence": "scan", "production_agreement": "text_3p"},
    {"certificate_of_origin": "scan_jpg", "customs_declaration": "scan"},
]
VIDEO_STYLES = [VideoStyle(6.0, (640, 360), 15), VideoStyle(5.0, (480, 270), 12), VideoStyle(8.0, (640, 360), 10)]


@dataclass(frozen=True)
class Size:
    clean: int
    reps: int  # bases per defect variant
    all_variants: bool


# ci: a handful of clean bases, one variant per defect on those bases (most evidence shared, so a
# checker with one extraction cache reads little beyond the bases): the size the CI ratchet runs.
SIZES = {"ci": Size(3, 1, False), "small": Size(16, 1, True), "medium": Size(48, 2, True),
         "large": Size(400, 8, True)}


@dataclass
class ItemSpec:
    """Everything the generator needs for one dossier (its hash is the cache key)."""
    id: str
    kind: str  # clean | defect | tolerated
    country: str
    category: str
    seed: int
    route: str
    doc_style: dict[str, str]
    video: dict[str, Any]
    deadline: bool = False
    defect: str | None = None
    variant: dict[str, Any] | None = None

    def key(self, src: str) -> str:
        blob = json.dumps([GENERATOR_VERSION, src, asdict(self)], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class Entry:
    """A generated dossier and its label."""
    dir: Path
    label: dict[str, Any]

    @property
    def path(self) -> Path:
        return self.dir / self.label["path"]

    @property
    def web_archives(self) -> list[Path]:
        return [self.dir / p for p in self.label.get("web_archives", [])]

    @property
    def priors(self) -> list[tuple[Path, list[Path]]]:
        return [(self.dir / p["path"], [self.dir / w for w in p.get("web_archives", [])])
                for p in self.label.get("priors", [])]


def parse_size(size: str | int) -> Size:
    if isinstance(size, int) or str(size).isdigit():
        n = int(size)
        clean = max(8, n * 2 // 5)
        variants = sum(len(d.variants) for d in DEFECTS.values() if d.available())
        return Size(clean, max(1, -(-(n - clean) // max(1, variants))), True)
    if size not in SIZES:
        raise ValueError(f"unknown corpus size {size!r}: one of {', '.join(SIZES)} or a number of dossiers")
    return SIZES[size]


def _base(k: int, online: bool) -> dict[str, Any]:
    """The k-th clean base: countries cycle fastest, categories shift each round so all meet."""
    country = COUNTRIES[k % len(COUNTRIES)]
    rnd = k // len(COUNTRIES)
    category = CATEGORIES[(k + rnd) % len(CATEGORIES)]
    route = ("offline", "online", "both")[k % 3] if online else "offline"
    return dict(country=country, category=category, seed=1 + rnd, route=route,
                doc_style=STYLE_SETS[k % len(STYLE_SETS)], video=asdict(VIDEO_STYLES[k % len(VIDEO_STYLES)]),
                deadline=(k % 5 == 2))


def plan_items(size: str | int = "ci", seed: int = 0) -> list[ItemSpec]:
    sz = parse_size(size)
    online = online_supported()
    bases = [_base(k + seed, online) for k in range(sz.clean)]
    items = [ItemSpec(id=f"clean-{b['country']}-{b['category']}-s{b['seed']}", kind="clean", **b) for b in bases]
    j = 0
    for d in DEFECTS.values():
        if not d.available():
            continue
        variants = d.variants if sz.all_variants else d.variants[:1]
        for vi, v in enumerate(variants):
            for _ in range(sz.reps):
                b = dict(bases[j % len(bases)])
                j += 1
                items.append(ItemSpec(id=f"{d.name}-{vi}-{b['country']}-{b['category']}-s{b['seed']}",
                                      kind="defect", defect=d.name, variant=v, **b))
    return items


def _plan(item: ItemSpec) -> tuple[Plan, list[Expect], list[Plan], bool]:
    spec = category_spec(item.country, item.category, item.seed)
    if item.deadline:
        from datetime import timedelta
        spec = spec.with_(deadline=spec.submitted_at + timedelta(days=10))
    plan = Plan(spec=spec, route=item.route, doc_style=dict(item.doc_style),
                video=VideoStyle(item.video["seconds"], tuple(item.video["size"]), item.video["fps"]))
    if item.defect is None:
        return plan, [], [], False
    case = DEFECTS[item.defect].apply(plan, item.variant or {}, item.seed)
    return case.plan, case.expects, case.priors, case.tolerated


def generate(item: ItemSpec, cache: Path, src: str | None = None) -> Entry:
    src = src or source_hash()
    final = cache / "items" / f"{item.id}-{item.key(src)}"
    label_path = final / "label.json"
    if label_path.exists():
        return Entry(final, json.loads(label_path.read_text("utf-8")))
    tmp = final.with_name(f".tmp-{final.name}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    memo = cache / "videos"
    plan, expects, priors, tolerated = _plan(item)
    written = write_plan(plan, tmp, memo, src)
    prior_labels = []
    for k, p in enumerate(priors):
        pw = write_plan(p, tmp / f"prior{k}", memo, src)
        prior_labels.append({"path": str(pw.path.relative_to(tmp)),
                             "web_archives": [str(w.relative_to(tmp)) for w in pw.web_archives]})
    kind = "tolerated" if tolerated else item.kind
    verdict, severity = expected_outcome(expects) if kind == "defect" else ("approve", "none")
    label = {
        "id": item.id, "kind": kind, "defect": item.defect, "variant": item.variant, "country": item.country,
        "category": item.category, "seed": item.seed, "route": plan.route, "doc_style": plan.doc_style,
        "video": item.video, "path": str(written.path.relative_to(tmp)),
        "web_archives": [str(w.relative_to(tmp)) for w in written.web_archives],
        "priors": prior_labels, "expects": [e.as_dict() for e in expects],
        "verdict": verdict, "severity": severity, "generator": {"version": GENERATOR_VERSION, "source": src},
    }
    (tmp / "label.json").write_text(json.dumps(label, ensure_ascii=False, indent=1, default=str), "utf-8")
    try:
        tmp.rename(final)
    except OSError:  # another process made it first: same inputs, same bytes
        shutil.rmtree(tmp, ignore_errors=True)
    return Entry(final, json.loads(label_path.read_text("utf-8")))


def _gen_one(args: tuple[ItemSpec, str, str]) -> tuple[str | None, str]:
    item, cache, src = args
    try:
        e = generate(item, Path(cache), src)
    except Exception as ex:  # noqa: BLE001 — one broken generator must not sink the corpus
        log.warning("generating %s failed: %s", item.id, ex, exc_info=True)
        return None, f"{item.id}: {type(ex).__name__}: {ex}"
    return str(e.dir), e.label["id"]


def default_cache_dir() -> Path:
    from originproof.config import settings

    return Path(settings().home) / "corpus-cache"


def build_corpus(size: str | int = "ci", seed: int = 0, cache: Path | None = None, workers: int = 1,
                 progress: Callable[[int, int], None] | None = None) -> list[Entry]:
    """Generate (or load from the cache) the corpus of `size`; entries in a stable order."""
    cache = Path(cache or default_cache_dir())
    cache.mkdir(parents=True, exist_ok=True)
    src = source_hash()
    items = plan_items(size, seed)
    out: list[Entry | None] = [None] * len(items)
    GENERATION_ERRORS.clear()
    args = [(it, str(cache), src) for it in items]
    if workers <= 1:
        results: Iterable[tuple[str | None, str]] = map(_gen_one, args)
        results = (r for r in results)
        ex = None
    else:
        ex = ProcessPoolExecutor(max_workers=workers)
        results = ex.map(_gen_one, args, chunksize=1)
    try:
        for i, (d, msg) in enumerate(results):
            if d is None:
                GENERATION_ERRORS.append(msg)
            else:
                out[i] = Entry(Path(d), json.loads((Path(d) / "label.json").read_text("utf-8")))
            if progress:
                progress(i + 1, len(items))
    finally:
        if ex is not None:
            ex.shutdown()
    return [e for e in out if e is not None]


def load_corpus(cache: Path, ids: Iterable[str] | None = None) -> list[Entry]:
    """Every generated entry in a cache (for re-evaluating without regenerating)."""
    want = set(ids) if ids is not None else None
    entries = []
    for lp in sorted((Path(cache) / "items").glob("*/label.json")):
        label = json.loads(lp.read_text("utf-8"))
        if want is None or label["id"] in want:
            entries.append(Entry(lp.parent, label))
    return entries
