"""Runs of a page model: a line is cut where a cell's rule crosses it, also when OCR read the rule as text."""
from __future__ import annotations

from originproof.evidence.common.ocr import OcrLine
from originproof.evidence.layout.model import Segment, build


def _line(words: list[tuple[str, float, float]]) -> OcrLine:
    boxes = [(w, [x0, 100.0, x1, 112.0]) for w, x0, x1 in words]
    return OcrLine(" ".join(w for w, *_ in words), [words[0][1], 100.0, words[-1][2], 112.0], 0.9, 1, boxes)


def test_rule_read_as_a_dash_cuts_the_run_and_is_no_text():
    line = _line([("Acme", 50, 80), ("Co.,", 84, 104), ("Ltd.", 108, 128), ("—", 131, 141), ("FROM", 144, 174),
                  ("BUSAN", 178, 214)])
    rule = Segment(136.0, 40.0, 136.0, 300.0)
    runs = build(1, [line], [rule], 600, 800).runs
    assert [r.text for r in runs] == ["Acme Co., Ltd.", "FROM BUSAN"]


def test_a_dash_away_from_any_rule_is_text():
    line = _line([("Rong", 50, 75), ("—", 78, 84), ("Ou", 87, 100)])
    runs = build(1, [line], [Segment(400.0, 40.0, 400.0, 300.0)], 600, 800).runs
    assert [r.text for r in runs] == ["Rong — Ou"]


def test_a_line_break_forced_by_the_cells_width_is_a_wrap_a_new_item_is_not():
    from originproof.evidence.common.ocr import OcrLine
    from originproof.evidence.layout.model import Run, wraps_onto

    cell = (40.0, 100.0, 560.0, 200.0)
    line = OcrLine("x", [0, 0, 1, 1])

    def run(text, x0, x1, y0):
        return Run(text, [x0, y0, x1, y0 + 10], line, 0, len(text), 1, 0.9, cell)
    full = run("Example Thermal Water Moisturizing", 50, 548, 110)  # ran to the right margin
    short = run("Example Cleansing Milk 200 ml", 50, 300, 110)      # left room for the next word
    assert wraps_onto(full, run("Cream 50 ml", 50, 130, 123))
    assert not wraps_onto(short, run("Cream 50 ml", 50, 130, 123))
    assert not wraps_onto(full, run("2. Night Cream", 50, 150, 123))  # a numbered item starts afresh
    assert not wraps_onto(full, run("Cream 50 ml", 50, 130, 150))     # a blank line between them


def test_a_column_rule_ending_at_a_row_rule_does_not_bound_the_row_below():
    # Row 1 is cut in two at x=300; row 2 (y 200-300) is one wide cell. In a photo the column rule is
    # thick and detected a few pixels past the row rule, reaching the caption set at the top of row 2.
    segs = [Segment(40.0, 100.0, 560.0, 100.0), Segment(40.0, 200.0, 560.0, 200.0),
            Segment(40.0, 300.0, 560.0, 300.0), Segment(40.0, 100.0, 40.0, 300.0),
            Segment(560.0, 100.0, 560.0, 300.0), Segment(300.0, 100.0, 300.0, 206.0)]
    cap = OcrLine("Issuing office", [50.0, 201.0, 120.0, 213.0], 0.9, 1,
                  [("Issuing", [50.0, 201.0, 80.0, 213.0]), ("office", [83.0, 201.0, 120.0, 213.0])])
    val = OcrLine("Example Prefecture", [52.0, 230.0, 190.0, 244.0], 0.9, 1,
                  [("Example", [52.0, 230.0, 110.0, 244.0]), ("Prefecture", [114.0, 230.0, 190.0, 244.0])])
    above = OcrLine("Licence No.", [50.0, 110.0, 120.0, 122.0], 0.9, 1,
                    [("Licence", [50.0, 110.0, 95.0, 122.0]), ("No.", [98.0, 110.0, 120.0, 122.0])])
    runs = {r.text: r for r in build(1, [cap, val, above], segs, 600, 800).runs}
    # Caption and value share the wide cell: the value is found under its caption.
    assert runs["Issuing office"].cell == runs["Example Prefecture"].cell == (40.0, 200.0, 560.0, 300.0)
    assert runs["Licence No."].cell == (40.0, 100.0, 300.0, 200.0)
