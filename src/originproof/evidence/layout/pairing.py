"""Captions paired with their values by geometry, the same way for every document type.

Where the value sits, in the order tried:
1. on the caption's own run, after it ("Registration Number: 123", "海关编号：0202…");
2. to its right on the same row, in the same cell when the page is ruled (label-left rows with
   wide gaps or dotted leaders);
3. below it: in a ruled cell, every run of the cell under the caption (boxed and grid forms,
   values over several lines); on an unruled page, the aligned lines right under it.
A run that is itself a caption is never a value, so a blank cell yields a blank value rather than
the next caption down.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from originproof.evidence.layout.captions import CaptionMatch, Lexicon, is_hint, match, match_garbled
from originproof.evidence.layout.model import PageModel, Run, join_runs, rows_of

LEADERS = re.compile(r"^[\s.·…_\-–—:：]+$")


@dataclass
class Value:
    """A caption's value: its runs (possibly several lines) and the caption run it belongs to."""

    field: str
    caption: Run
    runs: list[Run] = field(default_factory=list)
    inline: str | None = None  # value text printed on the caption's own run
    fuzzy: bool = False  # its caption was recognised by place and near spelling (see match_garbled)

    @property
    def text(self) -> str:
        parts = ([self.inline] if self.inline else []) + [r.text for r in self.runs]
        return "\n".join(p for p in parts if p)

    @property
    def lines(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def confidence(self) -> float:
        cs = [r.confidence for r in self.runs] + ([self.caption.confidence] if self.inline else [])
        return min(cs) if cs else 0.0


@dataclass
class Fields:
    """Every caption found on the pages of one document and its value."""

    values: dict[str, list[Value]] = field(default_factory=dict)
    captions: dict[int, CaptionMatch] = field(default_factory=dict)  # id(run) → match
    lex: Lexicon | None = None

    def first(self, name: str, *, nonblank: bool = True) -> Value | None:
        for v in self.values.get(name, []):
            if not nonblank or not v.blank:
                return v
        return None

    def all(self, name: str) -> list[Value]:
        return [v for v in self.values.get(name, []) if not v.blank]

    def is_caption(self, r: Run) -> bool:
        return id(r) in self.captions


def _is_value_run(r: Run, fields: Fields) -> bool:
    return not fields.is_caption(r) and not LEADERS.match(r.text) and not is_hint(r.text, fields.lex)


def _continuations(m: PageModel, first: Run, fields: Fields, limit: int = 6) -> list[Run]:
    """Lines under a value that carry on from it: aligned with it, close, no caption beside them."""
    out, last = [], first
    for r in m.below(first):
        if len(out) >= limit:
            break
        if r.bbox[1] - last.bbox[3] > 0.9 * last.h:
            break
        if abs(r.bbox[0] - first.bbox[0]) > 1.2 * first.h:
            continue
        if first.cell is not None and r.cell != first.cell:
            break
        if not _is_value_run(r, fields):
            break
        left = [x for x in m.runs if x is not r and m.same_row(x, r) and x.bbox[2] <= r.bbox[0] + 1]
        if any(fields.is_caption(x) for x in left):
            break
        out.append(r)
        last = r
    return out


def _column_below(m: PageModel, cap: Run, fields: Fields, multiline: bool) -> list[Run]:
    left, _top, right, bottom = cap.cell  # type: ignore[misc]
    tol = 0.6 * cap.h
    cells: dict[tuple, list[Run]] = {}
    for r in m.runs:
        c = r.cell
        if c is None or c[1] < bottom - tol or c[0] < left - tol or c[2] > right + tol:
            continue
        cells.setdefault(c, []).append(r)
    out: list[Run] = []
    edge = bottom
    for c in sorted(cells, key=lambda c: c[1]):
        if abs(c[1] - edge) > tol:
            break  # not the next cell down: the column ended
        runs = sorted(cells[c], key=lambda r: (r.bbox[1], r.bbox[0]))
        if any(fields.is_caption(r) for r in runs):
            break
        out += [r for r in runs if _is_value_run(r, fields)]
        edge = c[3]
        if not multiline:
            break
    return out if multiline else out[:1]


def _rest_of_row(m: PageModel, cap: Run, fields: Fields) -> list[Run]:
    """The runs right of a caption on its row, up to the next caption (and inside its cell when ruled):
    a gap inside a value is no boundary (missing glyphs, tabbed parts of an address)."""
    row = []
    for r in m.right_of(cap):
        if fields.is_caption(r) or (cap.cell is not None and r.cell != cap.cell):
            break
        if cap.cell is None and row and r.bbox[0] - row[-1].bbox[2] > 0.3 * max(m.width, 1.0):
            break  # a far column of an unruled page
        if not LEADERS.match(r.text) and not is_hint(r.text, fields.lex):
            row.append(r)
    return row


def _value_for(m: PageModel, cap: Run, cm: CaptionMatch, fields: Fields) -> Value:
    v = Value(cm.field.name, cap, fuzzy=cm.fuzzy)
    if cm.rest and not LEADERS.match(cm.rest):
        v.inline = cm.rest
        v.runs = _rest_of_row(m, cap, fields)
        return v
    if cm.field.kind == "column":
        return v  # a table header: its values are read row by row (`read_table`)
    # A caption's hint set apart on its row ("Producer's name and address   (if known)") is no value.
    right = [r for r in m.right_of(cap) if not LEADERS.match(r.text) and not is_hint(r.text, fields.lex)]
    nxt = right[0] if right else None
    # To the right, on the same row, in the same cell when ruled (label-left rows, wide gaps, leaders).
    if nxt is not None and not fields.is_caption(nxt) and (cap.cell is None or nxt.cell == cap.cell):
        if cap.cell is not None or nxt.bbox[0] - cap.bbox[2] <= 0.45 * max(m.width, cap.bbox[2] * 2):
            # The rest of the row up to the next caption is the value (a gap inside a value is no
            # boundary: missing glyphs, tabbed parts of an address).
            v.runs = _rest_of_row(m, cap, fields) + (_continuations(m, nxt, fields) if cm.field.multiline else [])
            return v
    if cap.cell is not None:
        # Below the caption inside its cell (boxed and grid forms).
        for r in m.below(cap):
            if r.cell != cap.cell:
                continue
            if fields.is_caption(r):
                break
            if _is_value_run(r, fields):
                v.runs.append(r)
        if v.runs:
            v.runs = v.runs if cm.field.multiline else v.runs[:1]
            return v
        # A label-left table: the value fills the next cell of the row, a cell that holds no caption.
        if nxt is not None and nxt.cell is not None and not fields.is_caption(nxt):
            cell = [r for r in m.runs if r.cell == nxt.cell]
            if not any(fields.is_caption(r) for r in cell):
                cell.sort(key=lambda r: (r.bbox[1], r.bbox[0]))
                v.runs = cell if cm.field.multiline else [nxt]
                return v
        # A header cell over its value cell(s): the cells under it in its column, down to the next caption.
        v.runs = _column_below(m, cap, fields, cm.field.multiline)
        return v
    for r in m.below(cap):
        if r.bbox[1] - cap.bbox[3] > 2.2 * cap.h:
            break
        overlap = min(r.bbox[2], cap.bbox[2]) - max(r.bbox[0], cap.bbox[0])
        if overlap <= 0 and abs(r.bbox[0] - cap.bbox[0]) > 1.5 * cap.h:
            continue
        if not _is_value_run(r, fields):
            break
        v.runs = [r] + (_continuations(m, r, fields) if cm.field.multiline else [])
        break
    return v


def _split_captions(m: PageModel, lex: Lexicon) -> None:
    """A run that is a row of captions set close together ("项号  商品编号  商品名称…") becomes one
    run per caption (boxes shared out by character position)."""
    out: list[Run] = []
    for r in m.runs:
        pieces, text, offset = [], r.text, 0
        while True:
            cm = match(text, lex)
            if cm is None or not cm.rest or match(cm.rest, lex) is None:
                break
            if re.search(r"[:：]", text[:text.find(cm.rest)]):
                break  # "境内收货人：统一社会信用代码 …": a colon opens the value, whatever it starts with
            cut = text.index(cm.rest, cm.end - 1 if cm.end else 0)
            pieces.append((offset, offset + len(text[:cut].rstrip())))
            offset += cut
            text = text[cut:]
        if not pieces:
            out.append(r)
            continue
        pieces.append((offset, len(r.text)))
        n, (x0, y0, x1, y1) = max(1, len(r.text)), r.bbox
        for a, b in pieces:
            out.append(Run(r.text[a:b].strip(), [x0 + (x1 - x0) * a / n, y0, x0 + (x1 - x0) * b / n, y1], r.line,
                           r.start + a, r.start + b, r.page, r.confidence, r.cell))
    m.runs = out


def _join_caption_pieces(m: PageModel, lex: Lexicon) -> None:
    """A caption that OCR cut at wide word gaps ("No." | "and date of" | "invoice") is one run again when
    its pieces, side by side in one cell, read together as one caption and nothing else."""
    merged: dict[int, Run] = {}  # id of a caption's first piece → the caption whole
    dropped: set[int] = set()  # ids of its other pieces
    for row in rows_of(m.runs):
        i = 0
        while i < len(row) - 1:
            chain = [row[i]]
            for x in row[i + 1:i + 5]:
                if x.cell != chain[0].cell or x.bbox[0] - chain[-1].bbox[2] > 3 * chain[0].h:
                    break
                chain.append(x)
            for k in range(len(chain), 1, -1):
                part = chain[:k]
                joined = " ".join(c.text.strip() for c in part)
                cm = match(joined, lex)
                if cm is not None and not cm.rest:
                    merged[id(part[0])] = join_runs(part)
                    dropped.update(id(c) for c in part[1:])
                    i += k - 1
                    break
            i += 1
    if merged:
        m.runs = [merged.get(id(r), r) for r in m.runs if id(r) not in dropped]


def _cell_heads(m: PageModel) -> list[Run]:
    """The top run of each ruled cell that holds more runs under it, printed smaller than they are
    (captions are set in a smaller size than the values typed under them)."""
    cells: dict[tuple, list[Run]] = {}
    for r in m.runs:
        if r.cell is not None:
            cells.setdefault(r.cell, []).append(r)
    heads = []
    for runs in cells.values():
        if len(runs) < 2:
            continue
        runs.sort(key=lambda r: r.bbox[1])
        top, rest = runs[0], runs[1:]
        if rest[0].bbox[1] >= top.bbox[3] - 0.3 * top.h and top.h <= 0.9 * max(r.h for r in rest):
            heads.append(top)
    return heads


def _header_row_heads(m: PageModel, captions: dict[int, CaptionMatch]) -> list[Run]:
    """Runs alone in a ruled cell of a header row (a row of cells whose other heads are captions) over a cell
    that holds a value: captions by their place, like a cell's head (`_cell_heads`)."""
    by_cell: dict[tuple, list[Run]] = {}
    for r in m.runs:
        if r.cell is not None:
            by_cell.setdefault(r.cell, []).append(r)
    heads = []
    for cell, runs in by_cell.items():
        if len(runs) != 1 or id(runs[0]) in captions:
            continue
        r = runs[0]
        if not any(id(x) in captions and x.cell is not None and x.cell != cell and m.same_row(x, r) for x in m.runs):
            continue
        tol = 0.6 * r.h
        if any(abs(c[1] - cell[3]) <= tol and c[0] < r.cx < c[2] for c in by_cell):
            heads.append(r)
    return heads


def pair(models: list[PageModel], lex: Lexicon) -> Fields:
    out = Fields(lex=lex)
    caps: list[tuple[PageModel, Run, CaptionMatch]] = []
    for m in models:
        _join_caption_pieces(m, lex)
        _split_captions(m, lex)
        for r in m.runs:
            cm = match(r.text, lex)
            if cm is not None:
                out.captions[id(r)] = cm
                caps.append((m, r, cm))
        # Under OCR a small caption may come out garbled; the head run of a ruled cell with a value
        # under it is a caption by its place, and a near spelling then says which.
        for r in _cell_heads(m) + _header_row_heads(m, out.captions):
            if id(r) not in out.captions:
                cm = match_garbled(r.text, lex)
                if cm is not None:
                    out.captions[id(r)] = cm
                    caps.append((m, r, cm))
    for m, r, cm in caps:
        out.values.setdefault(cm.field.name, []).append(_value_for(m, r, cm, out))
    return out


# ----------------------------------------------------------------------------- tables
@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, list[Run]]]
    header: list[Run]

    def text(self, row: dict[str, list[Run]], col: str) -> str:
        return " ".join(r.text for r in row.get(col, []))


def read_table(models: list[PageModel], fields: Fields, columns: list[str], key: str,
               key_ok=lambda t: bool(re.search(r"\d", t))) -> Table | None:
    """A table whose header carries captions of `columns`; a logical row starts at each run of the
    `key` column that `key_ok` accepts, and takes every run under it until the next one."""
    for m in models:
        # Column headers are bare captions; "商品编号：3304…" is a caption with its value, not a header.
        heads = [(r, fields.captions[id(r)].field.name) for r in m.runs
                 if id(r) in fields.captions and fields.captions[id(r)].field.name in columns
                 and not fields.captions[id(r)].rest]
        anchor = next((r for r, c in heads if c == key), None)
        if anchor is None:
            continue
        header = [(r, c) for r, c in heads if m.same_row(r, anchor) or abs(r.cy - anchor.cy) < 1.5 * anchor.h]
        if fields.lex is not None:
            # A header OCR garbled is still a header by its place on the header row.
            for r in m.runs:
                if id(r) not in fields.captions and m.same_row(r, anchor):
                    cm = match_garbled(r.text, fields.lex)
                    if cm is not None and cm.field.name in columns and cm.field.name not in {c for _r, c in header}:
                        fields.captions[id(r)] = cm
                        header.append((r, cm.field.name))
        header.sort(key=lambda t: t[0].cx)
        if len(header) < 2:
            continue
        # Column bounds: the header cell's rules when ruled, else midway between header centres.
        bounds = []
        for i, (r, c) in enumerate(header):
            lo = (header[i - 1][0].bbox[2] + r.bbox[0]) / 2 if i else -1e9
            hi = (r.bbox[2] + header[i + 1][0].bbox[0]) / 2 if i + 1 < len(header) else 1e9
            if r.cell is not None and sum(h.cell == r.cell for h, _c in header) == 1:
                lo, hi = (r.cell[0] if r.cell[0] >= 0 else lo), (r.cell[2] if r.cell[2] < 1e6 else hi)
            bounds.append((lo, hi, c))
        top = max(r.bbox[3] for r, _c in header)
        body = sorted((r for r in m.runs if r.bbox[1] >= top - 1 and all(r is not h for h, _ in header)),
                      key=lambda r: (r.bbox[1], r.bbox[0]))
        taken: list[tuple[Run, str]] = []
        # A ruled header row ends at its cells' bottom rule: the first body row is as far from that rule
        # as the table's padding puts it, whatever the (small) caption size.
        last_y = max([top] + [r.cell[3] for r, _c in header if r.cell is not None and r.cell[3] - top < 8 * anchor.h])
        for r in body:
            if r.bbox[1] - last_y > 4 * anchor.h or (fields.is_caption(r) and fields.captions[id(r)].field.name
                                                      not in columns):
                break
            col = next((c for lo, hi, c in bounds if lo <= r.cx < hi), None)
            if col is not None:
                taken.append((r, col))
                last_y = r.bbox[3]
        # Logical rows start at the key column's entries; a cell's other lines (name and spec, three
        # quantities) hang under the row whose key entry is the last one above them.
        starts = sorted((r for r, c in taken if c == key and key_ok(r.text)), key=lambda r: r.bbox[1])
        rows: list[dict[str, list[Run]]] = [{} for _ in starts]
        for r, c in taken:
            i = max([k for k, st in enumerate(starts) if st.bbox[1] <= r.cy] or [0]) if starts else None
            if i is not None:
                rows[i].setdefault(c, []).append(r)
        for row in rows:
            # Within a cell, read line by line, left to right (a cell's runs arrive in page order).
            for col, rs in row.items():
                h = max(1.0, min(r.h for r in rs))
                rs.sort(key=lambda r: (round(r.cy / h), r.bbox[0]))
        rows = [row for row in rows if row.get(key)]
        if rows:
            return Table([c for *_b, c in bounds], rows, [r for r, _ in header])
    return None
