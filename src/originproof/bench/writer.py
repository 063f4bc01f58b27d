"""Write one corpus dossier from a `Plan`: the shared sample renderers (samples/*) plus the variety the
corpus needs — scanned and multi-page documents, per-document spec overrides (a defect in one
document only), video styles, optional listing captures — and hooks for post-write mutations.

Videos dominate generation time, so each rendered video is memoised under the cache by a hash of
what it depends on; a defect that touches only documents re-uses the clean dossier's videos."""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import inspect
import io
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import yaml

from originproof.samples.spec import DossierSpec

SLOTS = ("certificate_of_origin", "factory_licence", "production_agreement", "customs_declaration")
SLOT_FILE = {"certificate_of_origin": "coo", "factory_licence": "licence", "production_agreement": "agreement",
             "customs_declaration": "customs"}
DOC_STYLES = ("text", "text_2p", "text_3p", "scan", "scan_jpg", "scan_2p")
# Spec fields only the production documents print: a change there leaves the videos as they were.
_DOC_ONLY_FIELDS = {"owner", "factory", "licence_scheme", "licence_title", "licence_number", "licence_authority",
                    "licence_activities", "licence_issued", "licence_expires", "coo_issuer", "coo_number", "coo_date",
                    "invoice_number", "agreement_signed", "agreement_start", "agreement_end", "customs_number",
                    "customs_declared", "customs_imported", "supervision_mode", "deadline", "listings",
                    "merchant_id", "merchant_name", "merchant_uscc"}
_DOC_ONLY_EXTRAS = ("coo_", "licence_", "agreement_", "customs_", "consignee_", "factory_")


@dataclass
class VideoStyle:
    seconds: float = 6.0
    size: tuple[int, int] = (640, 360)
    fps: int = 15


@dataclass
class Plan:
    spec: DossierSpec
    route: str = "offline"  # offline | online | both
    doc_style: dict[str, str] = field(default_factory=dict)  # slot -> one of DOC_STYLES (default text)
    doc_specs: dict[str, DossierSpec] = field(default_factory=dict)  # slot -> spec for that document only
    video: VideoStyle = field(default_factory=VideoStyle)
    visit_kw: dict[int, dict[str, Any]] = field(default_factory=dict)  # extra render_store_video kwargs
    visit_specs: dict[int, DossierSpec] = field(default_factory=dict)  # spec for one visit's video + receipt
    receipts: bool = True
    listing_kw: dict[int, dict[str, Any]] = field(default_factory=dict)  # knobs for the listing capture writer
    manifest_posts: list[Callable[[dict], None]] = field(default_factory=list)
    file_posts: list[Callable[[Path, dict], Path | None]] = field(default_factory=list)

    @property
    def offline(self) -> bool:
        return self.route in ("offline", "both")

    @property
    def online(self) -> bool:
        return self.route in ("online", "both")


@dataclass
class Written:
    path: Path  # the dossier folder (or .zip)
    web_archives: list[Path]


def source_hash() -> str:
    """Hash of the generator code: a renderer that changes invalidates every cached dossier."""
    import originproof.samples as samples

    h = hashlib.sha256()
    for p in sorted(Path(samples.__file__).parent.glob("*.py")):
        h.update(p.name.encode() + p.read_bytes())
    here = Path(__file__).parent
    for name in ("writer.py", "defects.py", "corpus.py", "mutate.py"):
        p = here / name
        if p.exists():
            h.update(name.encode() + p.read_bytes())
    return h.hexdigest()[:16]


def _jsonable(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=str, ensure_ascii=False)


# ----------------------------------------------------------------------------------- documents
def _annex_pdf(spec: DossierSpec, title: str, page_no: int) -> bytes:
    """A boilerplate continuation page (terms, annex) so documents span several pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from originproof.samples.fonts import reportlab_font

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setProducer("ReportLab PDF Library - www.reportlab.com")
    font = reportlab_font("latin")
    y = A4[1] - 60
    c.setFont(font, 13)
    c.drawString(50, y, f"{title} — Annex / continuation, page {page_no}")
    y -= 28
    c.setFont(font, 9.5)
    for k in range(1, 34):
        c.drawString(50, y, f"Art. {page_no}.{k}  The parties shall perform the obligations set out herein in good "
                            f"faith; reference {spec.invoice_number}-{k:02d}.")
        y -= 19
    c.showPage()
    c.save()
    return buf.getvalue()


def _merge(pdfs: list[bytes]) -> bytes:
    import pymupdf as fitz

    out = fitz.open()
    for b in pdfs:
        with fitz.open(stream=b, filetype="pdf") as d:
            out.insert_pdf(d)
    data = out.tobytes()
    out.close()
    return data


def scan_jpeg(pdf: bytes, *, dpi: int = 150, skew: float = 0.6, noise: float = 4.0, seed: int = 0,
              quality: int = 85) -> tuple[bytes, int, int]:
    """Rasterise page 1 of `pdf` like a flatbed scan: slight skew, sensor noise, JPEG."""
    import numpy as np
    import pymupdf as fitz
    from PIL import Image

    with fitz.open(stream=pdf, filetype="pdf") as doc:
        pix = doc[0].get_pixmap(dpi=dpi)
        img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    img = img.rotate(skew, expand=True, fillcolor="white")
    arr = np.asarray(img).astype(np.int16)
    arr = np.clip(arr + np.random.default_rng(seed).normal(0, noise, arr.shape), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue(), img.width, img.height


def _image_pdf(jpegs: list[tuple[bytes, int, int]], dpi: int = 150) -> bytes:
    import pymupdf as fitz

    pdf = fitz.open()
    for data, w, h in jpegs:
        page = pdf.new_page(width=w * 72 / dpi, height=h * 72 / dpi)
        page.insert_image(page.rect, stream=data)
    out = pdf.tobytes()
    pdf.close()
    return out


def write_document(slot: str, spec: DossierSpec, style: str, root: Path, seed: int = 0) -> list[str]:
    """Render one production document; returns its manifest paths (several for a multi-image scan)."""
    from originproof.samples.documents import RENDERERS

    base = RENDERERS[slot](spec)
    stem = f"evidence/production/{SLOT_FILE[slot]}"
    title = slot.replace("_", " ").title()
    if style not in DOC_STYLES:
        raise ValueError(f"unknown document style {style!r}")
    out: list[tuple[str, bytes]]
    if style == "text":
        out = [(f"{stem}.pdf", base)]
    elif style in ("text_2p", "text_3p"):
        n = int(style[5])
        out = [(f"{stem}.pdf", _merge([base] + [_annex_pdf(spec, title, k) for k in range(2, n + 1)]))]
    elif style == "scan":
        out = [(f"{stem}_scan.pdf", _image_pdf([scan_jpeg(base, seed=seed)]))]
    elif style == "scan_jpg":
        out = [(f"{stem}_scan.jpg", scan_jpeg(base, seed=seed)[0])]
    else:  # scan_2p: two photographed pages, filed as one two-page document
        out = [(f"{stem}_p1.jpg", scan_jpeg(base, seed=seed)[0]),
               (f"{stem}_p2.jpg", scan_jpeg(_annex_pdf(spec, title, 2), seed=seed + 1, skew=-0.8)[0])]
    for rel, data in out:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return [rel for rel, _ in out]


# ----------------------------------------------------------------------------------- videos
def render_kwargs_supported() -> set[str]:
    from originproof.samples.video import render_store_video

    return set(inspect.signature(render_store_video).parameters)


def _video_key(spec: DossierSpec, i: int, style: VideoStyle, kw: dict[str, Any], src: str) -> str:
    d = {k: v for k, v in dataclasses.asdict(spec).items() if k not in _DOC_ONLY_FIELDS}
    d["stores"] = d["stores"][i]  # a visit's video shows its own store only
    d["extras"] = {k: v for k, v in spec.extras.items() if not k.startswith(_DOC_ONLY_EXTRAS)}
    return hashlib.sha256(_jsonable([src, d, i, dataclasses.asdict(style), kw]).encode()).hexdigest()[:32]


def write_video(spec: DossierSpec, i: int, out: Path, style: VideoStyle, kw: dict[str, Any],
                memo: Path | None, src: str) -> None:
    from originproof.samples.video import render_store_video

    st = spec.stores[i]
    args: dict[str, Any] = dict(seconds=style.seconds, fps=style.fps, size=tuple(style.size),
                                location=(st.lat, st.lon), seed=spec.seed + i)
    args.update(kw)
    out.parent.mkdir(parents=True, exist_ok=True)
    if memo is None:
        render_store_video(spec, i, out, **args)
        return
    key = _video_key(spec, i, style, kw, src)
    cached = memo / f"{key}.mp4"
    if not cached.exists():
        memo.mkdir(parents=True, exist_ok=True)
        tmp = memo / f".{key}.{os.getpid()}.tmp.mp4"
        render_store_video(spec, i, tmp, **args)
        tmp.replace(cached)
    # A copy, not a link: a post-write mutation may rewrite the dossier's file.
    shutil.copyfile(cached, out)


# ----------------------------------------------------------------------------------- listings
def listing_writer() -> Any | None:
    """The listings teammate's WARC writer module (samples/listings.py), when it exists and fits."""
    if importlib.util.find_spec("originproof.samples.listings") is None:
        return None
    mod = importlib.import_module("originproof.samples.listings")
    if all(callable(getattr(mod, n, None)) for n in ("write_listing_history", "spec_for_listing", "history")):
        return mod
    return None


def online_supported() -> bool:
    return listing_writer() is not None


def write_captures(plan: Plan, out_dir: Path) -> list[Path]:
    """Platform-side observations of each listing (WARC), as the monitor would have archived them.
    `plan.listing_kw[i]` may set `scenario` (an observation history of samples/listings.py: stable,
    now_gone, too_few …) and ListingSpec fields (brand, title, in_stock …) for listing i."""
    mod = listing_writer()
    if mod is None or not plan.online:
        return []
    spec = plan.spec
    d = out_dir / "captures"
    files: set[Path] = set()
    for i, url in enumerate(spec.listings):
        kw = dict(plan.listing_kw.get(i, {}))
        scenario = kw.pop("scenario", "stable")
        page = kw.pop("page", None)  # every observation shows this page variant (e.g. "search")
        ls = mod.spec_for_listing(spec, url, product_index=min(i, len(spec.products) - 1), **kw)
        if page is None:
            archive = mod.write_listing_history(d, url, ls, spec.submitted_at, scenario)
        else:
            from originproof.evidence.listings.archive import WarcArchive
            archive = WarcArchive(d)
            for days, _ in mod.history(spec.submitted_at, scenario):
                mod.write_capture(archive, url, spec.submitted_at - timedelta(days=days), mod.variant_response(ls, page))
        files.update(Path(f) for f in archive.files())
    return sorted(files)


# ----------------------------------------------------------------------------------- dossier
def write_plan(plan: Plan, item_dir: Path, memo: Path | None = None, src: str | None = None) -> Written:
    """Write the dossier under item_dir/dossier (posts may turn it into a zip) and its captures."""
    from originproof.samples.documents import render_receipt_image

    src = src or source_hash()
    spec = plan.spec
    root = item_dir / "dossier"
    root.mkdir(parents=True, exist_ok=True)
    docs: dict[str, list[Any]] = {}
    for k, slot in enumerate(SLOTS):
        paths = write_document(slot, plan.doc_specs.get(slot, spec), plan.doc_style.get(slot, "text"), root,
                               seed=spec.seed * 10 + k)
        docs[slot] = [paths[0] if len(paths) == 1 else paths]
    videos: list[str] = []
    receipts: list[str | None] = []
    if plan.offline:
        for i in range(len(spec.stores)):
            vspec = plan.visit_specs.get(i, spec)
            rel = f"evidence/offline/store{i + 1}.mp4"
            write_video(vspec, i, root / rel, plan.video, plan.visit_kw.get(i, {}), memo, src)
            videos.append(rel)
            if plan.receipts:
                rr = f"evidence/offline/store{i + 1}_receipt.jpg"
                render_receipt_image(vspec, i, root / rr)
                receipts.append(rr)
            else:
                receipts.append(None)
    manifest = spec.manifest(videos, docs, receipts, online=plan.online, offline=plan.offline)
    for post in plan.manifest_posts:
        post(manifest)
    (root / "dossier.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), "utf-8")
    path = root
    for post in plan.file_posts:
        new = post(path, manifest)
        if new is not None:
            path = new
    archives = write_captures(plan, item_dir)
    return Written(path=path, web_archives=archives)
