"""PDF forensics: incremental revisions, metadata history, covered/retyped text, font changes in a field.

Every signal says where it was seen (page + bbox in PDF points, origin top-left) so a reviewer can
look at the exact spot; nothing here judges — the rules decide what a signal means for a document.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

import pymupdf as fitz

from originproof.facts.base import At, Signal

MIN_COVER_AREA = 20.0  # pt²: hairlines and rules are not covers


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def bbox(self) -> list[float]:
        return [self.x0, self.y0, self.x1, self.y1]


def _words(page: fitz.Page) -> list[Word]:
    return [Word(*w[:5]) for w in page.get_text("words")]


def _union(boxes: Iterable[list[float]]) -> list[float] | None:
    bs = list(boxes)
    if not bs:
        return None
    return [min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs)]


def _inside(inner: tuple | list, outer: tuple | list, frac: float = 0.6) -> bool:
    """At least `frac` of `inner`'s area lies within `outer`."""
    ix0, iy0 = max(inner[0], outer[0]), max(inner[1], outer[1])
    ix1, iy1 = min(inner[2], outer[2]), min(inner[3], outer[3])
    if ix1 <= ix0 or iy1 <= iy0:
        return False
    area = max((inner[2] - inner[0]) * (inner[3] - inner[1]), 1e-6)
    return (ix1 - ix0) * (iy1 - iy0) / area >= frac


# ------------------------------------------------------------------ revisions
def revision_ends(data: bytes) -> list[int]:
    """Byte offsets where each saved revision ends (after its %%EOF); the last is the whole file."""
    ends = [m.end() for m in re.finditer(rb"%%EOF[ \t]*(?:\r\n|\r|\n)?", data)]
    ends = [e for e in ends if b"startxref" in data[max(0, e - 1024 - 64):e] or e == ends[-1]] if ends else []
    if len(ends) > 1 and b"/Linearized" in data[:2048]:
        ends = ends[1:]  # the first-page xref of a linearized file is not a revision
    if ends and data[ends[-1]:].strip():
        ends.append(len(data))  # trailing bytes after the last %%EOF (a broken append) still count
    return ends or [len(data)]


def _open(data: bytes) -> fitz.Document | None:
    try:
        doc = fitz.open(stream=data, filetype="pdf")
        if doc.page_count == 0:
            return None
        return doc
    except Exception:  # noqa: BLE001 — a truncated revision may not open; it is then skipped
        return None


def _visible_items(page: fitz.Page) -> list[tuple[str, tuple]]:
    try:
        return [(k, tuple(b)) for k, b in page.get_bboxlog()]
    except Exception:  # noqa: BLE001
        return []


def strip_annotations(doc: fitz.Document) -> fitz.Document:
    """The page content alone: every annotation and form widget removed (in memory only).

    PyMuPDF's text, drawings and bbox log include annotation appearances; a note, a highlight, a
    filled-in form field or a signature's visible stamp is not a change of what the page states."""
    for page in doc:
        try:
            for w in list(page.widgets() or []):
                page.delete_widget(w)
            a = page.first_annot
            while a is not None:
                a = page.delete_annot(a)
        except Exception:  # noqa: BLE001
            continue
    return doc


@dataclass
class PageMarks:
    """What a page carries beside its content: annotations and form fields."""

    annots: list[tuple[str, tuple, str]]  # (type, rect, contents)
    fields: dict[str, str]  # field name → value


def page_marks(page: fitz.Page) -> PageMarks:
    annots, fields = [], {}
    try:
        for a in page.annots() or []:
            r = a.rect
            annots.append((a.type[1] if a.type else "?", (round(r.x0), round(r.y0), round(r.x1), round(r.y1)),
                           (a.info or {}).get("content", "")[:80]))
        for w in page.widgets() or []:
            fields[w.field_name or "?"] = str(w.field_value if w.field_value is not None else "")
    except Exception:  # noqa: BLE001
        pass
    return PageMarks(annots, fields)


def _render(page: fitz.Page):
    import numpy as np

    pix = page.get_pixmap(dpi=72, colorspace=fitz.csGRAY, annots=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width).astype(np.int16)


def _drawn_change(pa: fitz.Page, pb: fitz.Page) -> bool:
    """The page content renders differently (annotations left out): something was drawn or removed."""
    try:
        a, b = _render(pa), _render(pb)
    except Exception:  # noqa: BLE001
        return False
    if a.shape != b.shape:
        return True
    import numpy as np

    d = np.abs(a - b)
    return bool((d > 32).sum() >= 2)  # rendering is deterministic: identical content gives identical pixels


_NO_COVER_KINDS = {"Text", "Popup", "Link", "Highlight", "Underline", "StrikeOut", "Squiggly", "Caret", "Ink",
                   "FileAttachment", "Sound"}
_FILLER = re.compile(r"^[\W_]+$")


def hidden_by_marks(marked: fitz.Page, plain: fitz.Page, only: set[tuple] | None = None,
                    dpi: int = 72) -> list[tuple[str, list[float], list[str], bool]]:
    """(kind, rect, page words it hides, shows text of its own) for every annotation or form widget
    whose appearance hides page words: each word is compared rendered with and without the marks, so a
    translucent highlight or a note icon beside the text hides nothing, a white box does.
    `only`: the (type, rounded rect) of the marks to consider (those a revision added)."""
    import numpy as np

    marks: list[tuple[str, list[float], str]] = []
    try:
        for a in marked.annots() or []:
            kind = a.type[1] if a.type else "?"
            if kind not in _NO_COVER_KINDS:
                marks.append((kind, list(a.rect), (a.info or {}).get("content", "")))
        for w in marked.widgets() or []:
            marks.append(("Widget", list(w.rect), str(w.field_value or "")))
    except Exception:  # noqa: BLE001
        return []
    if only is not None:
        marks = [m for m in marks if (m[0], tuple(round(v) for v in m[1])) in only]
    if not marks:
        return []
    words = [w for w in _words(plain) if not _FILLER.match(w.text)]
    cand = [(m, [w for w in words if _inside(w.bbox, m[1])]) for m in marks]
    cand = [(m, ws) for m, ws in cand if ws]
    if not cand:
        return []
    try:
        k = dpi / 72
        pa = marked.get_pixmap(dpi=dpi, colorspace=fitz.csGRAY, annots=True)
        pb = plain.get_pixmap(dpi=dpi, colorspace=fitz.csGRAY, annots=False)
        A = np.frombuffer(pa.samples, dtype=np.uint8).reshape(pa.height, pa.width).astype(np.int16)
        B = np.frombuffer(pb.samples, dtype=np.uint8).reshape(pb.height, pb.width).astype(np.int16)
    except Exception:  # noqa: BLE001
        return []
    if A.shape != B.shape:
        return []
    out = []
    for (kind, rect, content), ws in cand:
        hid = []
        for w in ws:
            x0, y0 = max(0, int(w.x0 * k)), max(0, int(w.y0 * k))
            x1, y1 = min(A.shape[1], int(w.x1 * k) + 1), min(A.shape[0], int(w.y1 * k) + 1)
            if x1 <= x0 or y1 <= y0:
                continue
            ink = float((255 - B[y0:y1, x0:x1]).sum())
            if ink <= 0:
                continue
            changed = float(np.abs(A[y0:y1, x0:x1] - B[y0:y1, x0:x1]).sum())
            if changed > 0.5 * ink:
                hid.append(w.text)
        if hid:
            out.append((kind, rect, hid, bool(content.strip())))
    return out


@dataclass
class RevisionDiff:
    """What one later revision changed, judged on the page content without annotations."""

    text: list[tuple[int, list[str], list[list[float]]]]  # (page, changes, boxes) where the words differ
    drawn: list[tuple[int, list[list[float]], list[str]]]  # (page, new covers, covered words) — same words
    drawn_pages: list[int]  # pages that render differently with the same words
    pages: tuple[int, int]  # page count before → after
    annots_added: list[tuple[int, str, str]]  # (page, type, contents)
    annots_removed: list[tuple[int, str]]
    fields_filled: list[tuple[int, str, str]]  # (page, field, new value) — was empty
    fields_changed: list[tuple[int, str, str, str]]  # (page, field, old, new) — was filled
    covering_annots: list[tuple[int, str, list[float], list[str]]]  # (page, type, rect, words it hides)

    @property
    def content_changed(self) -> bool:
        return bool(self.text or self.drawn_pages or self.pages[1] < self.pages[0])

    def summary(self) -> str:
        parts = []
        if self.pages[0] != self.pages[1]:
            parts.append(f"pages {self.pages[0]} → {self.pages[1]}")
        for pno, ch, _b in self.text[:3]:
            parts.append(f"page {pno} text: " + "; ".join(ch[:3]))
        for pno in self.drawn_pages[:3]:
            parts.append(f"page {pno}: content drawn differently")
        if self.annots_added:
            parts.append("annotations added: " + ", ".join(sorted({t for _p, t, _c in self.annots_added})))
        if self.annots_removed:
            parts.append("annotations removed: " + ", ".join(sorted({t for _p, t in self.annots_removed})))
        if self.fields_filled:
            parts.append("form fields filled: " + ", ".join(f"{f}='{v[:30]}'" for _p, f, v in self.fields_filled[:4]))
        if self.fields_changed:
            parts.append("form fields changed: " + ", ".join(f"{f} '{o[:20]}' → '{n[:20]}'"
                                                             for _p, f, o, n in self.fields_changed[:4]))
        return "; ".join(parts) or "no change to pages, text, annotations or fields (metadata / signature / validation data only)"


def diff_revisions(a: fitz.Document, b: fitz.Document, a_stripped: fitz.Document | None = None,
                   b_stripped: fitz.Document | None = None) -> RevisionDiff:
    """Compare two revisions of one PDF: the page content (text, drawing), then the annotations and fields."""
    sa = a_stripped or strip_annotations(fitz.open(stream=a.tobytes(), filetype="pdf"))
    sb = b_stripped or strip_annotations(fitz.open(stream=b.tobytes(), filetype="pdf"))
    out = RevisionDiff([], [], [], (a.page_count, b.page_count), [], [], [], [], [])
    for pno in range(min(a.page_count, b.page_count)):
        pa, pb = sa[pno], sb[pno]
        wa, wb = _words(pa), _words(pb)
        ta, tb = [w.text for w in wa], [w.text for w in wb]
        if ta != tb:
            changed, boxes = [], []
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes():
                if op == "equal":
                    continue
                old, new = " ".join(ta[i1:i2]), " ".join(tb[j1:j2])
                changed.append({"replace": f"'{old}' → '{new}'", "insert": f"added '{new}'",
                                "delete": f"removed '{old}'"}[op])
                boxes += [w.bbox for w in wb[j1:j2]] or [w.bbox for w in wa[i1:i2]]
            out.text.append((pno + 1, changed, boxes))
        else:
            items_a, items_b = _visible_items(pa), _visible_items(pb)
            new_items = items_b[len(items_a):] if items_b[:len(items_a)] == items_a else \
                [it for it in items_b if it not in items_a]
            covers = [list(bb) for k, bb in new_items if k in ("fill-path", "fill-image")
                      and (bb[2] - bb[0]) * (bb[3] - bb[1]) >= MIN_COVER_AREA]
            hit = [w for w in wb for c in covers if _inside(w.bbox, c)]
            if hit:
                out.drawn.append((pno + 1, [_union(w.bbox for w in hit) or covers[0]], [w.text for w in hit]))
                out.drawn_pages.append(pno + 1)
            elif _drawn_change(pa, pb):
                out.drawn_pages.append(pno + 1)
        ma, mb = page_marks(a[pno]), page_marks(b[pno])
        old = list(ma.annots)
        added: set[tuple] = set()
        for t in mb.annots:
            if t in old:
                old.remove(t)
            else:
                added.add((t[0], t[1]))
                if t[0] != "Widget":
                    out.annots_added.append((pno + 1, t[0], t[2]))
        changed_fields = {n for n, v in mb.fields.items() if v != ma.fields.get(n, "")}
        if changed_fields:
            try:
                for w in b[pno].widgets() or []:
                    if w.field_name in changed_fields:
                        added.add(("Widget", tuple(round(v) for v in w.rect)))
            except Exception:  # noqa: BLE001
                pass
        if added:
            for kind, rect, hid, own in hidden_by_marks(b[pno], pb, only=added):
                out.covering_annots.append((pno + 1, kind, rect, hid))
        out.annots_removed += [(pno + 1, t[0]) for t in old if t[0] != "Widget"]
        for name, val in mb.fields.items():
            before = ma.fields.get(name, "")
            if val == before:
                continue
            if before.strip() and before.strip() not in ("Off",):
                out.fields_changed.append((pno + 1, name, before, val))
            elif val.strip() and val.strip() != "Off":
                out.fields_filled.append((pno + 1, name, val))
    for d in (sa, sb):
        if d is not a_stripped and d is not b_stripped:
            d.close()
    return out


def revision_signals(data: bytes, file: str) -> tuple[list[Signal], int, list[dict[str, Any]]]:
    """Diff consecutive revisions page by page. Returns (signals, revision count, per-revision info).

    What a later revision changed decides what it means: the words or drawing of a page (a changed
    statement: fraud), a page removed (fraud) or appended (warn), a form field that already had a
    value given another (warn), an opaque annotation laid over text (warn); a note, a highlight, a
    field filled in, a signature or validation data added, or metadata only, are context (info)."""
    ends = revision_ends(data)
    signals: list[Signal] = []
    infos: list[dict[str, Any]] = []
    docs = []
    for e in ends:
        d = _open(data[:e])
        if d is not None:
            docs.append((e, d))
            infos.append(dict(d.metadata or {}))
    n = len(ends)
    if n > 1:
        signals.append(Signal(code="pdf.incremental_updates", severity="info", at=At(file=file),
                              detail=f"{n} revisions (incremental updates: {n - 1})"))
    stripped = [strip_annotations(fitz.open(stream=data[:e], filetype="pdf")) for e, _d in docs] if len(docs) > 1 else []
    for k, ((e0, a), (e1, b)) in enumerate(zip(docs, docs[1:])):
        rev = ends.index(e1) + 1
        signals += diff_signals(diff_revisions(a, b, stripped[k], stripped[k + 1]), file, f"revision {rev}")
    for d in stripped:
        d.close()
    for _e, d in docs:
        d.close()
    return signals, n, infos


def diff_signals(df: RevisionDiff, file: str, label: str) -> list[Signal]:
    out: list[Signal] = []
    if df.pages[1] < df.pages[0]:
        out.append(Signal(code="pdf.incremental_update_changes_pages", severity="fraud", at=At(file=file),
                          detail=f"{label} removes pages: {df.pages[0]} → {df.pages[1]}"))
    elif df.pages[1] > df.pages[0]:
        out.append(Signal(code="pdf.incremental_update_adds_pages", severity="warn", at=At(file=file),
                          detail=f"{label} appends pages to the issued document: {df.pages[0]} → {df.pages[1]}"))
    for pno, changed, boxes in df.text:
        out.append(Signal(code="pdf.incremental_update_changes_text", severity="fraud",
                          at=At(file=file, page=pno, bbox=_union(boxes)),
                          detail=f"{label} changes the page text: " + "; ".join(changed[:5])[:400]))
    for pno, covers, words in df.drawn:
        out.append(Signal(code="pdf.incremental_update_covers_text", severity="fraud",
                          at=At(file=file, page=pno, bbox=_union(covers)),
                          detail=f"{label} paints over existing text: '{' '.join(words[:12])}'"))
    covered = {p for p, _c, _w in df.drawn}
    for pno in df.drawn_pages:
        if pno not in covered:
            out.append(Signal(code="pdf.incremental_update_changes_page", severity="warn", at=At(file=file, page=pno),
                              detail=f"{label} draws new content on the page (same words)"))
    for pno, kind, rect, words in df.covering_annots:
        out.append(Signal(code="pdf.annotation_covers_text", severity="warn", at=At(file=file, page=pno, bbox=rect),
                          detail=f"{label} adds an opaque {kind} annotation over '{' '.join(words[:12])}'"))
    for pno, name, old, new in df.fields_changed:
        out.append(Signal(code="pdf.incremental_update_changes_field", severity="warn", at=At(file=file, page=pno),
                          detail=f"{label} changes form field {name}: '{old[:60]}' → '{new[:60]}'"))
    if df.annots_added or df.annots_removed or df.fields_filled:
        out.append(Signal(code="pdf.incremental_update_annotations", severity="info", at=At(file=file),
                          detail=f"{label}: {df.summary()}"[:400]))
    if not out:
        out.append(Signal(code="pdf.incremental_update_metadata_only", severity="info", at=At(file=file),
                          detail=f"{label}: {df.summary()}"))
    return out


# ------------------------------------------------------------------ metadata
_PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?")


def parse_pdf_date(s: str | None) -> datetime | None:
    if not s:
        return None
    m = _PDF_DATE.match(s.strip())
    if not m:
        return None
    y, mo, d, h, mi, se, sign, oh, om = m.groups()
    try:
        dt = datetime(int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(se or 0))
    except ValueError:
        return None
    if sign in ("+", "-"):
        off = timedelta(hours=int(oh or 0), minutes=int(om or 0))
        dt = dt.replace(tzinfo=timezone(off if sign == "+" else -off))
    else:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def parse_xmp_date(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        dt = datetime.fromisoformat(s.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _xmp_value(xmp: str, name: str) -> str | None:
    m = re.search(rf"<{name}>([^<]*)</{name}>", xmp) or re.search(rf'{name}="([^"]*)"', xmp)
    return m.group(1).strip() if m else None


def xmp_fields(xmp: str) -> dict[str, Any]:
    if not xmp:
        return {}
    out = {k: _xmp_value(xmp, tag) for k, tag in (
        ("producer", "pdf:Producer"), ("creator_tool", "xmp:CreatorTool"), ("create", "xmp:CreateDate"),
        ("modify", "xmp:ModifyDate"), ("metadata_date", "xmp:MetadataDate"))}
    out["history"] = re.findall(r"softwareAgent(?:>|=\")([^<\"]+)", xmp)
    return {k: v for k, v in out.items() if v}


_MEDIA_KINDS = {"pdf": {"pdf_editor", "image_editor"}, "image": {"image_editor"}, "video": {"video_editor"}}


def match_tool(text: str | None, tools: list[dict[str, Any]], media: str) -> dict[str, Any] | None:
    """The editing tool named in a metadata string (registry editing_tools.yaml: case-insensitive
    substrings, longest match wins so "Acrobat Distiller" beats "Adobe Acrobat"); None when the
    best match is a producer, driver, scanner or camera (editing: false)."""
    if not text:
        return None
    low = text.casefold()
    best, best_len = None, 0
    for t in tools:
        for m in t.get("match", []) or t.get("patterns", []):
            ml = str(m).casefold()
            if ml and ml in low and len(ml) > best_len:
                if len(ml) <= 5 and not re.search(rf"(?<![\w]){re.escape(ml)}(?![\w])", low):
                    continue  # short names compare as whole words only
                best, best_len = t, len(ml)
    if best is None or not best.get("editing") or best.get("kind") not in _MEDIA_KINDS.get(media, set()):
        return None
    return best


def tool_severity(tool: dict[str, Any]) -> str:
    """An editor's trace is a sign of editing; a tool that also runs in harmless pipelines is a warn."""
    return "warn" if tool.get("weak") else "fraud"


def _norm_producer(s: str | None) -> str:
    return re.sub(r"[\s;,]+", " ", (s or "")).strip().casefold()


CONTENT_CHANGE_CODES = {"pdf.incremental_update_changes_text", "pdf.incremental_update_covers_text",
                        "pdf.incremental_update_changes_page", "pdf.incremental_update_changes_pages",
                        "pdf.incremental_update_adds_pages", "pdf.incremental_update_changes_field",
                        "pdf.annotation_covers_text"}


def later_revisions_only_mark(revision_signals_: list[Signal], revisions: int) -> bool:
    """True when the file has later revisions and none of them changed the page content (they only add
    signatures, timestamps, notes, highlights, filled-in fields or metadata)."""
    return revisions > 1 and not any(s.code in CONTENT_CHANGE_CODES for s in revision_signals_)


def metadata_signals(doc: fitz.Document, file: str, tools: list[dict[str, Any]], issue_date: date | None,
                     revision_infos: list[dict[str, Any]], signed: bool, marks_only: bool = False) -> list[Signal]:
    """Editing tools in the producer history, producers and dates that disagree.

    `marks_only`: the later revisions changed no page content. A tool named only by those revisions (and
    not by the first) was used to sign, annotate or fill in the document — how Acrobat, Foxit or Preview
    sign and comment — so its name is context there, not a sign of editing."""
    sig: list[Signal] = []
    first = revision_infos[0] if len(revision_infos) > 1 else None
    info = doc.metadata or {}
    try:
        xmp = xmp_fields(doc.get_xml_metadata() or "")
    except Exception:  # noqa: BLE001
        xmp = {}
    agents: list[tuple[str, str]] = [("Info /Producer", info.get("producer") or ""), ("Info /Creator", info.get("creator") or "")]
    agents += [("XMP pdf:Producer", xmp.get("producer", "")), ("XMP xmp:CreatorTool", xmp.get("creator_tool", ""))]
    agents += [("XMP history", a) for a in xmp.get("history", [])]
    for i, ri in enumerate(revision_infos[:-1], 1):
        agents += [(f"revision {i} /Producer", ri.get("producer") or ""), (f"revision {i} /Creator", ri.get("creator") or "")]
    seen: set[str] = set()
    for where, text in agents:
        t = match_tool(text, tools, "pdf")
        if t is None:
            continue
        key = t.get("id") or t.get("name")
        if key in seen:
            continue
        seen.add(key)
        in_first = first is not None and any(
            (mt := match_tool(first.get(k) or "", tools, "pdf")) is not None and (mt.get("id") or mt.get("name")) == key
            for k in ("producer", "creator"))
        if marks_only and first is not None and not in_first:
            sig.append(Signal(code="pdf.editor_producer", severity="info", at=At(file=file),
                              detail=f"{where} names an editing tool: '{text}' ({t.get('name')}), used only by later "
                                     "revisions that add signatures, annotations, form fields or metadata (the page "
                                     "content is unchanged)"))
            continue
        sig.append(Signal(code="pdf.editor_producer", severity=tool_severity(t), at=At(file=file),
                          detail=f"{where} names an editing tool: '{text}' ({t.get('name')})"))
    # Producer history across incremental revisions.
    prods = [_norm_producer(ri.get("producer")) for ri in revision_infos if ri.get("producer")]
    if len(set(prods)) > 1 and not signed:
        sig.append(Signal(code="pdf.producer_changed", severity="info" if marks_only else "warn", at=At(file=file),
                          detail="producer changes between revisions: " + " → ".join(dict.fromkeys(prods))))
    # Info vs XMP.
    if xmp:
        ip, xp = _norm_producer(info.get("producer")), _norm_producer(xmp.get("producer"))
        parts_i = {p.strip() for p in (info.get("producer") or "").casefold().split(";") if p.strip()}
        parts_x = {p.strip() for p in (xmp.get("producer") or "").casefold().split(";") if p.strip()}
        if ip and xp and ip != xp and not (parts_i & parts_x) and not signed:
            sig.append(Signal(code="pdf.xmp_info_mismatch", severity="info" if marks_only else "warn", at=At(file=file),
                              detail=f"Info producer '{info.get('producer')}' ≠ XMP producer '{xmp.get('producer')}'"))
        for label, ik, xk in (("creation", "creationDate", "create"), ("modification", "modDate", "modify")):
            a, b = parse_pdf_date(info.get(ik)), parse_xmp_date(xmp.get(xk))
            if a and b and abs((a - b).total_seconds()) > 120:
                # Incremental savers (signing tools, form fillers, note takers) update Info /ModDate and
                # leave XMP alone: a modification-date gap is context; a creation-date gap is not.
                sig.append(Signal(code="pdf.xmp_info_mismatch", severity="warn" if label == "creation" else "info",
                                  at=At(file=file),
                                  detail=f"Info {label} date {a.isoformat()} ≠ XMP {b.isoformat()}"))
    created = parse_pdf_date(info.get("creationDate")) or parse_xmp_date(xmp.get("create"))
    modified = parse_pdf_date(info.get("modDate")) or parse_xmp_date(xmp.get("modify"))
    if created and issue_date and created.date() > issue_date + timedelta(days=1):
        # Scans and print-to-PDF copies are made after issue all the time: context, not proof.
        sig.append(Signal(code="pdf.created_after_issue", severity="info", at=At(file=file),
                          detail=f"file created {created.date()} after the document's issue date {issue_date}"))
    if created and modified and (modified - created) > timedelta(days=30):
        sig.append(Signal(code="pdf.modified_after_creation", severity="info" if signed else "warn", at=At(file=file),
                          detail=f"modified {modified.date()}, {(modified - created).days} days after creation {created.date()}"))
    return sig


# ------------------------------------------------------------------ page content
def _font_key(name: str) -> str:
    return re.sub(r"^[A-Z]{6}\+", "", name or "")


def _chars(page: fitz.Page) -> list[tuple[int, str, tuple]]:
    """(seqno, char, bbox) of every visibly filled character, in drawing order."""
    out = []
    try:
        for span in page.get_texttrace():
            if span.get("type") != 0 or span.get("opacity", 1) == 0:
                continue  # invisible OCR layers (render mode 3) and stroke-only text are not "visible text"
            for ch in span.get("chars", []):
                out.append((span["seqno"], chr(ch[0]) if ch[0] > 0 else "", tuple(ch[3])))
    except Exception:  # noqa: BLE001
        pass
    return out


def _center_in(bb: tuple, r: tuple | list) -> bool:
    cx, cy = (bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2
    return r[0] <= cx <= r[2] and r[1] <= cy <= r[3]


def _fills(page: fitz.Page) -> list[tuple[int, str, tuple]]:
    """(seqno, kind, rect) of opaque filled areas and images large enough to hide text."""
    out = []
    try:
        for d in page.get_drawings():
            if d.get("fill") is None or d.get("fill_opacity", 1) < 0.9 or "f" not in (d.get("type") or ""):
                continue
            r = d["rect"]
            if r.width * r.height >= MIN_COVER_AREA and r.width > 2 and r.height > 2:
                out.append((d["seqno"], "fill-path", (r.x0, r.y0, r.x1, r.y1)))
    except Exception:  # noqa: BLE001
        pass
    for i, (k, bb) in enumerate(_visible_items(page)):
        if k == "fill-image":
            out.append((i, "fill-image", tuple(bb)))
    return out


def _has_marks(doc: fitz.Document) -> bool:
    try:
        return any(page.first_annot is not None or page.first_widget is not None for page in doc)
    except Exception:  # noqa: BLE001
        return False


def content_signals(doc: fitz.Document, file: str) -> list[Signal]:
    """Covered and retyped text, images over text, digits set in mixed fonts — on the page content
    alone (annotations and form widgets judged apart: a highlight is not a cover)."""
    sig: list[Signal] = []
    plain = strip_annotations(fitz.open(stream=doc.tobytes(), filetype="pdf")) if _has_marks(doc) else doc
    try:
        for pno in range(plain.page_count):
            page = plain[pno]
            page_area = max(page.rect.width * page.rect.height, 1.0)
            chars = _chars(page)
            for seq, kind, bb in _fills(page):
                under = [c for c in chars if c[0] < seq and _center_in(c[2], bb)]
                if not under:
                    continue
                over = [c for c in chars if c[0] > seq and _center_in(c[2], bb)]
                hidden = "".join(c[1] for c in under)[:80]
                area = (bb[2] - bb[0]) * (bb[3] - bb[1])
                if kind == "fill-image":
                    if area >= 0.5 * page_area and len(under) >= 10:
                        sig.append(Signal(code="pdf.image_over_text", severity="fraud",
                                          at=At(file=file, page=pno + 1, bbox=list(bb)),
                                          detail=f"a page-sized image is drawn over {len(under)} characters of page text"))
                    continue
                if over:
                    sig.append(Signal(code="pdf.text_over_fill", severity="fraud", at=At(file=file, page=pno + 1, bbox=list(bb)),
                                      detail=f"'{''.join(c[1] for c in over)[:60]}' is typed on a filled box that hides "
                                             f"'{hidden}'"))
                else:
                    sig.append(Signal(code="pdf.text_covered", severity="warn", at=At(file=file, page=pno + 1, bbox=list(bb)),
                                      detail=f"a filled box hides the text '{hidden}'"))
            sig += _font_signals(page, pno + 1, file)
            if plain is not doc:
                for kind, rect, hid, own in hidden_by_marks(doc[pno], page):
                    shows = own and kind in ("FreeText", "Stamp", "Square")
                    sig.append(Signal(code="pdf.annotation_covers_text", severity="fraud" if shows else "warn",
                                      at=At(file=file, page=pno + 1, bbox=[round(v, 1) for v in rect]),
                                      detail=f"an opaque {kind} {'form field' if kind == 'Widget' else 'annotation'} "
                                             f"{'with text of its own ' if own else ''}hides the page text "
                                             f"'{' '.join(hid[:12])}'"))
    finally:
        if plain is not doc:
            plain.close()
    return sig


_ID_CHARS = set("0123456789")


def _touches(a: tuple, b: tuple) -> bool:
    """b follows a within one token: no gap wider than a fifth of the type size (two table cells
    side by side, drawn without a space between them, are two values)."""
    gap = b[4][0] - a[4][2]
    return -0.5 * max(a[2], 1) < gap < 0.2 * max(a[2], b[2], 1)
_ID_JOIN = set("-/.:")


def _font_signals(page: fitz.Page, pno: int, file: str) -> list[Signal]:
    """Inconsistent type *inside one value*: a number whose digits switch font, size or baseline
    mid-token (a digit pasted in), or a run of glyphs drawn over other glyphs.

    A caption and its value in different fonts, a bold word in a sentence, a page-number cell a
    half-point smaller than its label, CJK text with Latin digits from a fallback font — all of that is
    how honest forms are typeset, and never compared here."""
    out: list[Signal] = []
    try:
        d = page.get_text("rawdict")
    except Exception:  # noqa: BLE001
        return out
    for b in d.get("blocks", []):
        for ln in b.get("lines", []):
            # (char, font, size, origin_y, bbox) along the line
            chars = [(ch["c"], _font_key(s["font"]), round(s["size"], 1), ch["origin"][1], ch["bbox"])
                     for s in ln.get("spans", []) for ch in s.get("chars", [])]
            # Digit runs: digits possibly joined by - / . : (a number, a date, a code).
            i = 0
            while i < len(chars):
                if chars[i][0] not in _ID_CHARS:
                    i += 1
                    continue
                j = i
                while j + 1 < len(chars) and _touches(chars[j], chars[j + 1]) and (
                        chars[j + 1][0] in _ID_CHARS or (chars[j + 1][0] in _ID_JOIN and j + 2 < len(chars)
                                                         and chars[j + 2][0] in _ID_CHARS and _touches(chars[j + 1], chars[j + 2]))):
                    j += 1
                run = [c for c in chars[i:j + 1] if c[0] in _ID_CHARS]
                i = j + 1
                if len(run) < 3:
                    continue
                fonts = {c[1] for c in run}
                sizes = [c[2] for c in run]
                bases = [c[3] for c in run]
                size = max(sizes)
                reasons = []
                if len(fonts) > 1:
                    reasons.append("digits in fonts " + " / ".join(sorted(fonts)))
                if max(sizes) - min(sizes) > 0.4:
                    reasons.append(f"digit sizes {min(sizes):.1f}–{max(sizes):.1f}")
                if max(bases) - min(bases) > max(0.8, 0.12 * size):
                    reasons.append(f"digits off the baseline by {max(bases) - min(bases):.1f} pt")
                if reasons:
                    text = "".join(c[0] for c in chars[i - (j + 1 - i) if False else 0:0]) or "".join(c[0] for c in run)
                    out.append(Signal(code="pdf.font_mismatch_in_field", severity="warn",
                                      at=At(file=file, page=pno, bbox=_union(list(c[4]) for c in run)),
                                      detail=f"the value '{text}' changes type mid-number: " + "; ".join(reasons)))
    out += _overlapping_glyphs(page, pno, file)
    return out


def _spans(page: fitz.Page) -> list[tuple[int, float, list[tuple[str, tuple]]]]:
    """(seqno, size, [(char, bbox)]) of every visibly filled text run, in drawing order."""
    out = []
    try:
        for span in page.get_texttrace():
            if span.get("type") != 0 or span.get("opacity", 1) == 0:
                continue
            chars = [(chr(c[0]) if c[0] > 0 else "", tuple(c[3])) for c in span.get("chars", [])]
            chars = [c for c in chars if c[0].strip()]
            if chars:
                out.append((span["seqno"], float(span.get("size", 10)), chars))
    except Exception:  # noqa: BLE001
        pass
    return out


def _overlapping_glyphs(page: fitz.Page, pno: int, file: str) -> list[Signal]:
    """A run of glyphs typed *on top of* another run: it starts where the other starts (the same field
    position) and ≥ 3 of its glyphs lie over different glyphs of that run. A cell's text running on into
    the next cell (an overflow: one run's end meets the other's start), a glyph drawn twice over itself
    (fake bold, shadow) are not."""
    spans = _spans(page)
    if len(spans) < 2:
        return []
    # Runs that could share a start point, found through a grid of their start points (6 pt cells):
    # no pairwise scan over every run of a dense page.
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (_seq, _size, ca) in enumerate(spans):
        b = ca[0][1]
        grid.setdefault((int((b[1] + b[3]) / 2 // 6), int(b[0] // 6)), []).append(i)
    out: list[Signal] = []
    for i, (seq_a, size_a, ca) in enumerate(spans):
        a0 = ca[0][1]
        ya = ((a0[1] + a0[3]) / 2)
        gy, gx = int(ya // 6), int(a0[0] // 6)
        reach = max(1, int(1.5 * size_a // 6) + 1)
        near = sorted({j for dy in (-1, 0, 1) for dx in range(-reach, reach + 1)
                       for j in grid.get((gy + dy, gx + dx), []) if j > i})
        for j in near:
            seq_b, size_b, cb = spans[j]
            b0 = cb[0][1]
            if abs((b0[1] + b0[3]) / 2 - ya) > 0.3 * max(size_a, size_b):
                continue
            if abs(b0[0] - a0[0]) > 1.5 * max(size_a, size_b):
                continue  # not typed at the same field position
            over = []
            for tb, bb in cb:
                for ta, ab in ca:
                    ix = min(ab[2], bb[2]) - max(ab[0], bb[0])
                    w = min(ab[2] - ab[0], bb[2] - bb[0])
                    if w > 0.5 and ix > 0.6 * w and ta != tb:
                        over.append((tb, ta, bb))
                        break
            if len(over) >= 3:
                out.append(Signal(code="pdf.text_over_text", severity="warn",
                                  at=At(file=file, page=pno, bbox=_union(list(o[2]) for o in over)),
                                  detail=f"'{''.join(c for c, _b in cb)[:40]}' is typed over "
                                         f"'{''.join(c for c, _b in ca)[:40]}' at the same place"))
    return out[:5]


# ------------------------------------------------------------------ scans inside PDFs
def page_images(doc: fitz.Document, max_pages: int = 10) -> list[tuple[int, bytes, str]]:
    """(page, raw image bytes, ext) for image-only pages: the embedded scan, not a re-render."""
    out = []
    for pno in range(min(doc.page_count, max_pages)):
        page = doc[pno]
        if len(page.get_text("words")) > 5:
            continue
        imgs = page.get_images(full=True)
        if not imgs:
            continue
        big = max(imgs, key=lambda im: im[2] * im[3])
        try:
            x = doc.extract_image(big[0])
        except Exception:  # noqa: BLE001
            continue
        if x and x.get("image"):
            out.append((pno + 1, x["image"], x.get("ext", "png")))
    return out
