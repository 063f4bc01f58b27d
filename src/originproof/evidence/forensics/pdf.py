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

# Annotation types that can paint over page content (a signature widget or a link cannot).
_PAINTING_ANNOTS = {"FreeText", "Square", "Circle", "Polygon", "Stamp", "Ink", "Redact", "Highlight",
                    "Line", "PolyLine", "Caret"}
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


def _painting_annots(page: fitz.Page) -> list[tuple[str, list[float]]]:
    out = []
    for a in page.annots() or []:
        kind = a.type[1] if a.type else ""
        if kind in _PAINTING_ANNOTS:
            r = a.rect
            out.append((kind, [r.x0, r.y0, r.x1, r.y1]))
    return out


def _visible_items(page: fitz.Page) -> list[tuple[str, tuple]]:
    try:
        return [(k, tuple(b)) for k, b in page.get_bboxlog()]
    except Exception:  # noqa: BLE001
        return []


def revision_signals(data: bytes, file: str) -> tuple[list[Signal], int, list[dict[str, Any]]]:
    """Diff consecutive revisions page by page. Returns (signals, revision count, per-revision info)."""
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
    for (e0, a), (e1, b) in zip(docs, docs[1:]):
        rev = ends.index(e1) + 1
        if a.page_count != b.page_count:
            signals.append(Signal(code="pdf.incremental_update_changes_pages", severity="fraud", at=At(file=file),
                                  detail=f"revision {rev} changes the page count {a.page_count} → {b.page_count}"))
        for pno in range(min(a.page_count, b.page_count)):
            pa, pb = a[pno], b[pno]
            wa, wb = _words(pa), _words(pb)
            ta, tb = [w.text for w in wa], [w.text for w in wb]
            changed: list[str] = []
            boxes: list[list[float]] = []
            if ta != tb:
                for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes():
                    if op == "equal":
                        continue
                    old, new = " ".join(ta[i1:i2]), " ".join(tb[j1:j2])
                    changed.append({"replace": f"'{old}' → '{new}'", "insert": f"added '{new}'",
                                    "delete": f"removed '{old}'"}[op])
                    boxes += [w.bbox for w in wb[j1:j2]] or [w.bbox for w in wa[i1:i2]]
                signals.append(Signal(
                    code="pdf.incremental_update_changes_text", severity="fraud",
                    at=At(file=file, page=pno + 1, bbox=_union(boxes)),
                    detail=f"revision {rev} changes the page text: " + "; ".join(changed[:5])[:400]))
                continue
            # Same words: did the later revision paint something over them?
            items_a, items_b = _visible_items(pa), _visible_items(pb)
            new_items = items_b[len(items_a):] if items_b[:len(items_a)] == items_a else \
                [it for it in items_b if it not in items_a]
            covers = [bb for k, bb in new_items if k in ("fill-path", "fill-image")
                      and (bb[2] - bb[0]) * (bb[3] - bb[1]) >= MIN_COVER_AREA]
            covers += [bb for _k, bb in _painting_annots(pb) if (_k, bb) not in _painting_annots(pa)]
            hit = [w for w in wb for c in covers if _inside(w.bbox, c)]
            if hit:
                signals.append(Signal(
                    code="pdf.incremental_update_covers_text", severity="fraud",
                    at=At(file=file, page=pno + 1, bbox=_union(w.bbox for w in hit)),
                    detail=f"revision {rev} paints over existing text: '{' '.join(w.text for w in hit[:12])}'"))
            elif new_items and any(k.startswith(("fill-text", "stroke-text")) for k, _ in new_items):
                signals.append(Signal(code="pdf.incremental_update_changes_page", severity="warn",
                                      at=At(file=file, page=pno + 1, bbox=_union(list(bb) for _k, bb in new_items)),
                                      detail=f"revision {rev} adds drawn content to the page"))
    for _e, d in docs:
        d.close()
    return signals, n, infos


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


def metadata_signals(doc: fitz.Document, file: str, tools: list[dict[str, Any]], issue_date: date | None,
                     revision_infos: list[dict[str, Any]], signed: bool) -> list[Signal]:
    sig: list[Signal] = []
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
        sig.append(Signal(code="pdf.editor_producer", severity=tool_severity(t), at=At(file=file),
                          detail=f"{where} names an editing tool: '{text}' ({t.get('name')})"))
    # Producer history across incremental revisions.
    prods = [_norm_producer(ri.get("producer")) for ri in revision_infos if ri.get("producer")]
    if len(set(prods)) > 1 and not signed:
        sig.append(Signal(code="pdf.producer_changed", severity="warn", at=At(file=file),
                          detail="producer changes between revisions: " + " → ".join(dict.fromkeys(prods))))
    # Info vs XMP.
    if xmp:
        ip, xp = _norm_producer(info.get("producer")), _norm_producer(xmp.get("producer"))
        parts_i = {p.strip() for p in (info.get("producer") or "").casefold().split(";") if p.strip()}
        parts_x = {p.strip() for p in (xmp.get("producer") or "").casefold().split(";") if p.strip()}
        if ip and xp and ip != xp and not (parts_i & parts_x) and not signed:
            sig.append(Signal(code="pdf.xmp_info_mismatch", severity="warn", at=At(file=file),
                              detail=f"Info producer '{info.get('producer')}' ≠ XMP producer '{xmp.get('producer')}'"))
        for label, ik, xk in (("creation", "creationDate", "create"), ("modification", "modDate", "modify")):
            a, b = parse_pdf_date(info.get(ik)), parse_xmp_date(xmp.get(xk))
            if a and b and abs((a - b).total_seconds()) > 120:
                sig.append(Signal(code="pdf.xmp_info_mismatch", severity="warn", at=At(file=file),
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


def content_signals(doc: fitz.Document, file: str) -> list[Signal]:
    sig: list[Signal] = []
    for pno in range(doc.page_count):
        page = doc[pno]
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
    return sig


def _font_signals(page: fitz.Page, pno: int, file: str) -> list[Signal]:
    """A field whose value is set in another font, size or baseline than the rest of its line."""
    out: list[Signal] = []
    try:
        d = page.get_text("dict")
    except Exception:  # noqa: BLE001
        return out
    fonts_count: dict[str, int] = {}
    lines = []
    for b in d.get("blocks", []):
        for ln in b.get("lines", []):
            spans = [s for s in ln.get("spans", []) if s.get("text", "").strip()]
            for s in spans:
                fonts_count[_font_key(s["font"])] = fonts_count.get(_font_key(s["font"]), 0) + len(s["text"].strip())
            lines.append(spans)
    # Lines may be split into several PyMuPDF lines; regroup by baseline.
    rows: list[list[dict]] = []
    for spans in lines:
        for s in spans:
            y = s["origin"][1]
            for r in rows:
                if abs(r[0]["origin"][1] - y) < 0.6 * max(s["size"], 1) and abs(r[0]["size"] - s["size"]) < 6:
                    r.append(s)
                    break
            else:
                rows.append([s])
    for r in rows:
        if len(r) < 2:
            continue
        r.sort(key=lambda s: s["bbox"][0])
        main = max(r, key=lambda s: len(s["text"]))
        for s in r:
            if s is main:
                continue
            fk, mk = _font_key(s["font"]), _font_key(main["font"])
            size_diff = abs(s["size"] - main["size"])
            base_diff = abs(s["origin"][1] - main["origin"][1])
            rare = fonts_count.get(fk, 0) <= len(s["text"].strip())  # used nowhere else on the page
            reasons = []
            if fk != mk and rare:
                reasons.append(f"font {fk} (used nowhere else on the page) vs {mk}")
            if 0.4 < size_diff < 3 and s["size"] > 0.6 * main["size"]:
                reasons.append(f"size {s['size']:.1f} vs {main['size']:.1f}")
            if 0.8 < base_diff < 0.5 * main["size"] and size_diff < 0.4:
                reasons.append(f"baseline off by {base_diff:.1f} pt")
            if reasons:
                out.append(Signal(code="pdf.font_mismatch_in_field", severity="warn",
                                  at=At(file=file, page=pno, bbox=list(s["bbox"])),
                                  detail=f"'{s['text'].strip()[:60]}' differs from its line: " + "; ".join(reasons)))
    return out


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
