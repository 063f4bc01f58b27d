"""File(s) of one document → lines (text layer, or OCR once per page) → type → typed facts."""
from __future__ import annotations

import logging
from typing import Any, Callable

from originproof.evidence.common import ocr as O
from originproof.evidence.common.reread import reread_doubtful
from originproof.evidence.documents.layout import DocText
from originproof.evidence.documents.types.agreement import parse_agreement
from originproof.evidence.documents.types.coo import parse_coo
from originproof.evidence.documents.types.customs import parse_customs
from originproof.evidence.documents.types.licence import parse_licence
from originproof.evidence.documents.receipt import parse_receipt
from originproof.evidence.receipts.image import read_receipt_file
from originproof.evidence.documents.recognise import recognise
from originproof.evidence.layout import model as L
from originproof.evidence.readers import FileRef, ReadContext
from originproof.facts.base import EvidenceFacts, OtherDocument
from originproof.registry.countries import language_of

log = logging.getLogger(__name__)

# Fields many genuine documents do not print: their absence is no reading problem.
OPTIONAL_FIELDS = {"approved_exporter_number", "verification_payload", "invoice_number", "supporting_schemes",
                   "holder_registration_number", "expiry_date", "authority", "imported_on", "supervision_mode",
                   "departure_country", "term_end"}
IMAGE_KINDS = {"jpeg", "jpg", "png", "webp", "tiff", "tif", "gif", "bmp"}
OCR_DPI = 200
MAX_PAGES = 50


def _lang_prior(hint: str | None, country: str | None) -> str:
    if hint == "customs_declaration":
        return "zh"
    return language_of(country)


class _Page:
    def __init__(self, number: int, file: str, gray=None, scale: float = 1.0, lines=None):
        self.number, self.file, self.gray, self.scale = number, file, gray, scale
        self.lines: list[O.OcrLine] = lines or []
        self.lang: str | None = None
        self.model: L.PageModel | None = None  # runs and cells, built before boxes go back to page coordinates


def _load_pages(files: list[FileRef], max_pages: int) -> list[_Page]:
    import pymupdf
    pages: list[_Page] = []
    for f in files:
        kind = (f.kind or f.real.suffix.lstrip(".")).lower()
        if kind == "pdf" or f.real.suffix.lower() == ".pdf":
            doc = pymupdf.open(f.real)
            try:
                for i in range(min(len(doc), max_pages - len(pages))):
                    n = len(pages) + 1
                    lines = O.pdf_text_lines(doc, i)
                    for l in lines:
                        l.page = n
                    if sum(len(l.text) for l in lines) >= 20:
                        pg = _Page(n, f.path, lines=lines)
                        rect = doc[i].rect
                        pg.model = L.build(n, lines, L.pdf_segments(doc[i]), rect.width, rect.height)
                        pages.append(pg)
                        continue
                    pix = doc[i].get_pixmap(dpi=OCR_DPI, colorspace=pymupdf.csGRAY)
                    import numpy as np
                    gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width).copy()
                    pages.append(_Page(n, f.path, gray=gray, scale=72 / OCR_DPI))
            finally:
                doc.close()
        else:
            pages.append(_Page(len(pages) + 1, f.path, gray=O.load_image(f.real)))
        if len(pages) >= max_pages:
            break
    return pages


def _ocr_page(p: _Page, lang: str) -> None:
    if p.gray is None:
        return
    if getattr(p, "_upright", None) is None:
        lines, p._upright, p.rotation, p._matrix, ruled = O.ocr_upright(p.gray, lang, p.number)  # type: ignore[attr-defined]
        p._segments = L.image_segments(ruled)  # type: ignore[attr-defined]
    else:
        lines = O.ocr_image(p._upright, lang, p.number)  # type: ignore[attr-defined]
    lines = reread_doubtful(p._upright, lines, lang, p.number)  # type: ignore[attr-defined]
    h, w = p._upright.shape[:2]  # type: ignore[attr-defined]
    p.model = L.build(p.number, lines, p._segments, float(w), float(h))  # type: ignore[attr-defined]
    # Boxes go back to the page as submitted: pixels of the image, or PDF points of an image-only page.
    O.map_back(lines, p._matrix, p.scale)  # type: ignore[attr-defined]
    p.lines, p.lang = lines, lang


def _doc_text(pages: list[_Page], files: list[str], country: str | None) -> DocText:
    lines = [l for p in pages for l in p.lines]
    scanned = {p.number: p for p in pages if p.gray is not None}
    return DocText(lines=lines, files=files, page_files={p.number: p.file for p in pages},
                   ocr=bool(scanned), country=country, models=[p.model for p in pages if p.model is not None],
                   confirm=(lambda runs, value, reread: _confirmed(scanned, runs, value, reread)) if scanned else None)


# Glyphs that engines confuse because many fonts draw them alike: two reads agree across them.
CONFUSABLE = str.maketrans({"o": "0", "i": "1", "l": "1", "|": "1"})


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold().translate(CONFUSABLE) if ch.isalnum())


def _confirmed(pages: dict[int, _Page], runs: list[Any], value: str,
               reread: Callable[[str], list[str]] | None = None) -> bool:
    """Does the other OCR engine, reading each run's box again, find the same value? By `reread` (the
    values that text holds), else by its letters and digits in order. Short values are never
    confirmed: a two-character match proves nothing."""
    want = _alnum(value)
    if len(want) < 4 or not runs:
        return False
    texts = []
    for r in runs:
        p = pages.get(r.page)
        img = getattr(p, "_upright", None) if p is not None else None
        if img is None or p.lang is None:
            return False
        m = 0.25 * r.h  # the box hugs the ink; the engine wants a little margin
        x0, y0, x1, y1 = (max(0, int(r.bbox[0] - m)), max(0, int(r.bbox[1] - m)),
                          int(r.bbox[2] + m) + 1, int(r.bbox[3] + m) + 1)
        texts.append(O.second_read(img[y0:y1, x0:x1], O.engine_for(p.lang), p.lang))
    if reread is not None:
        return value in reread(" ".join(texts))
    return want in "".join(_alnum(t) for t in texts)


def _attach_codes(facts: EvidenceFacts, files: list[FileRef], pages: list[_Page]) -> None:
    """A printed verification QR's payload (first page): rendered small for text PDFs (~20 ms)."""
    import numpy as np
    import pymupdf
    from originproof.facts.base import At, Fact
    p = pages[0] if pages else None
    if p is None:
        return
    scale, gray = 1.0, p.gray
    if gray is None:
        f = next((f for f in files if f.path == p.file), None)
        if f is None:
            return
        with pymupdf.open(f.real) as doc:
            pix = doc[0].get_pixmap(dpi=110, colorspace=pymupdf.csGRAY)
            gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
            scale = 72 / 110
    else:
        scale = p.scale
    codes = [c for c in O.read_codes(gray) if c[1]]
    if codes:
        fmt, text, bbox = codes[0]
        facts.verification_payload = Fact(value=text, confidence=0.99,
                                          at=At(file=p.file, page=1, bbox=[round(v * scale, 1) for v in bbox]))


def _is_image(f: FileRef) -> bool:
    return (f.kind or f.real.suffix.lstrip(".")).lower() in IMAGE_KINDS


def _read_receipt_photo(f: FileRef, ctx: ReadContext) -> EvidenceFacts:
    """A till receipt photo goes to the receipt reader that also reads receipt frames of videos (two
    engines agreed field by field), not to the form reader: receipts are narrow thermal print, not forms."""
    country = (ctx.origin_country or "").upper() or None
    facts = read_receipt_file(f.real, country, registry=ctx.registry, name=f.path)
    facts.files = [f.path]
    facts.sha256 = f.sha256
    facts.pages = 1
    return facts


def read_document(files: list[FileRef], hint: str | None, ctx: ReadContext) -> EvidenceFacts:
    if hint == "receipt" and len(files) == 1 and _is_image(files[0]):
        return _read_receipt_photo(files[0], ctx)
    max_pages = getattr(getattr(ctx.policy, "intake", None), "max_pages", MAX_PAGES) if ctx.policy else MAX_PAGES
    pages = _load_pages(files, max_pages)
    country = (ctx.origin_country or "").upper() or None
    scanned = [p for p in pages if p.gray is not None]
    lang = _lang_prior(hint, country)
    if scanned and country is None and hint != "customs_declaration":
        # No origin prior: let the script of the first scanned page choose the engine.
        lang = O.detect_script_lang(scanned[0].gray) or lang
    for p in scanned:
        _ocr_page(p, lang)
    doc = _doc_text(pages, [f.path for f in files], country)
    dtype, tconf = recognise(doc)
    if scanned:
        # The engine must follow the script: re-read once when the content says we chose wrong.
        want = "zh" if dtype == "customs_declaration" else None
        if want is None:
            sc = O.script_of(doc.text)
            if sc in ("ja", "ko") and lang != sc:
                want = sc
            elif lang == "zh" and dtype not in ("customs_declaration",):
                want = language_of(country) if country else ("en" if sc == "latin" else sc)
        if want is None and dtype == "other" and not (hint == "receipt" and O.script_of(doc.text) != "zh"):
            want = "zh" if lang != "zh" else language_of(country)
        if want and want != lang:
            for p in scanned:
                # The page's orientation was chosen by a read in the wrong script (garbage in every
                # orientation): choose it again with the right engine.
                p._upright = None  # type: ignore[attr-defined]
                _ocr_page(p, want)
            doc = _doc_text(pages, [f.path for f in files], country)
            dtype, tconf = recognise(doc)
    if hint == "receipt" and dtype in ("other", "receipt"):
        dtype = "receipt"
    facts: EvidenceFacts
    if dtype == "certificate_of_origin":
        facts = parse_coo(doc, ctx.registry)
        _attach_codes(facts, files, pages)
    elif dtype == "factory_licence":
        facts = parse_licence(doc, ctx.registry)
    elif dtype == "production_agreement":
        facts = parse_agreement(doc)
    elif dtype == "customs_declaration":
        facts = parse_customs(doc)
    elif dtype == "receipt":
        facts = parse_receipt(doc.lines, country, file=files[0].path if files else None, registry=ctx.registry)
    else:
        facts = OtherDocument()
    facts.files = [f.path for f in files]
    facts.sha256 = files[0].sha256 if len(files) == 1 else None
    facts.pages = len(pages)
    facts.text = doc.text
    facts.language = next((p.lang for p in scanned if p.lang), None) or O.script_of(doc.text)
    if scanned:
        facts.notes.append(f"OCR ({', '.join(sorted({O.engine_for(p.lang or 'en') for p in scanned}))}) on "
                           f"{len(scanned)} of {len(pages)} page(s)")
        rot = [p for p in scanned if abs(getattr(p, 'rotation', 0) or 0) >= 0.2]
        if rot:
            facts.notes.append("page(s) rotated/deskewed before reading")
    if dtype not in ("other", "receipt"):
        # Say what could not be read, so a reviewer knows where to look (and the seller what to improve).
        missing = [n for n in getattr(facts, "CANONICAL", ()) if getattr(facts, n, None) is None
                   and n not in OPTIONAL_FIELDS]
        if missing:
            facts.notes.append("not read: " + ", ".join(missing))
    if tconf < 0.7 and dtype != "other":
        facts.notes.append(f"document type recognised with low confidence ({tconf:.2f})")
    return facts
