"""Forensics that leave honest evidence alone (issue #12): later revisions judged by what they changed,
fonts compared only inside one value, signed PDFs judged with pyHanko's difference analysis."""
from __future__ import annotations

import io

import pymupdf as fitz
import pytest

from originproof.bench.forensics_eval import judge
from originproof.evidence.forensics import pdf as P
from originproof.evidence.readers import ReadContext
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.samples import tamper as T
from originproof.samples.documents import RENDERERS
from originproof.samples.spec import clean_spec


@pytest.fixture(scope="module")
def ctx():
    return ReadContext(registry=default_registry(), policy=load_policy(None))


@pytest.fixture(scope="module")
def base_pdf():
    return RENDERERS["certificate_of_origin"](clean_spec("JP", 9))


def _judge(tmp_path, name, data, ctx):
    p = tmp_path / f"{name}.pdf"
    p.write_bytes(data)
    return judge(T.Sample(name, "x", "certificate_of_origin", p, True), ctx)


@pytest.mark.parametrize("case", T.HONEST_HARD)
def test_honest_later_revisions_are_not_fraud(case, base_pdf, ctx, tmp_path):
    outcomes, sigs = _judge(tmp_path, case, T.HONEST_FNS[case](base_pdf), ctx)
    assert outcomes["pdf"] == "clean", sigs
    assert outcomes["signature"] != "fraud", sigs


def test_signature_reports_level_and_what_changed(base_pdf, ctx, tmp_path):
    from originproof.bench.forensics_eval import FileRef, OtherDocument, reader

    p = tmp_path / "filled.pdf"
    p.write_bytes(T.form_filled_after_signing(base_pdf))
    fz = reader("forensics").fn([FileRef(path=p.name, real=p, sha256="0" * 64, kind="pdf")],
                                OtherDocument(files=[p.name]), ctx)
    st = fz.signatures[0]
    assert st.intact and st.modified_after_signing and st.allowed_changes_only and st.modification_level
    upd = [s for s in fz.signals if s.code == "pdf.signed_then_updated"]
    assert upd and "holder_remarks" in upd[0].detail


def test_change_to_signed_content_is_still_fraud(base_pdf, ctx, tmp_path):
    import random

    outcomes, sigs = _judge(tmp_path, "sm", T.signed_modified(base_pdf, random.Random(1)), ctx)
    assert outcomes["signature"] == "fraud" and outcomes["pdf"] == "fraud", sigs
    # A counter-signature followed by an overlay is caught as well: the overlay is judged, not the signature.
    outcomes, sigs = _judge(tmp_path, "cs", T.incremental_overlay(T.countersigned(base_pdf), random.Random(2)), ctx)
    assert outcomes["signature"] == "fraud" and outcomes["pdf"] == "fraud", sigs


# ------------------------------------------------------------------ unsigned revisions: what changed
def _incr(pdf: bytes, edit) -> bytes:
    return T._incremental(pdf, edit)


def _codes(data: bytes) -> dict[str, str]:
    sig, _n, _i = P.revision_signals(data, "x.pdf")
    return {s.code: s.detail for s in sig}


def test_revision_that_changes_a_statement_is_fraud_and_says_what(base_pdf):
    def edit(d):
        page = d[0]
        w = next(w for w in page.get_text("words") if any(c.isdigit() for c in w[4]) and len(w[4]) >= 6)
        page.add_redact_annot(fitz.Rect(w[:4]))
        page.apply_redactions()
        page.insert_text((w[0], w[3] - 2), "999999", fontsize=8)
    codes = _codes(_incr(base_pdf, edit))
    assert "pdf.incremental_update_changes_text" in codes and "999999" in codes["pdf.incremental_update_changes_text"]


def test_revision_with_only_notes_or_metadata_is_context(base_pdf):
    codes = _codes(T.annotated_unsigned(base_pdf))
    assert "pdf.incremental_update_changes_text" not in codes and "pdf.incremental_update_covers_text" not in codes
    assert "Highlight" in codes["pdf.incremental_update_annotations"]
    codes = _codes(T.metadata_update(base_pdf))
    assert set(codes) <= {"pdf.incremental_updates", "pdf.incremental_update_metadata_only"}


def test_page_appended_is_warn_page_removed_is_fraud(base_pdf):
    def add(d):
        d.new_page().insert_text((72, 72), "Annex: packing list")
    sig, _n, _i = P.revision_signals(_incr(base_pdf, add), "x.pdf")
    assert {s.code: s.severity for s in sig}.get("pdf.incremental_update_adds_pages") == "warn"
    two = fitz.open(stream=base_pdf, filetype="pdf")
    two.new_page().insert_text((72, 72), "Annex")
    sig, _n, _i = P.revision_signals(_incr(two.tobytes(), lambda d: d.delete_page(1)), "x.pdf")
    assert {s.code: s.severity for s in sig}.get("pdf.incremental_update_changes_pages") == "fraud"


def test_opaque_annotation_over_a_value_is_reported():
    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Certificate No. 4711 0815", fontsize=11)
    data = doc.tobytes()

    def cover(d):
        r = d[0].search_for("4711")[0]
        a = d[0].add_rect_annot(r)
        a.set_colors(stroke=(1, 1, 1), fill=(1, 1, 1))
        a.update()
    codes = _codes(_incr(data, cover))
    assert "pdf.annotation_covers_text" in codes and "4711" in codes["pdf.annotation_covers_text"]


# ------------------------------------------------------------------ fonts: inside one value only
def _font_codes(page) -> list[str]:
    return [s.detail for s in P._font_signals(page, 1, "x.pdf")]


def test_honest_typesetting_is_not_a_font_mismatch():
    doc = fitz.open()
    page = doc.new_page()
    # a caption and its value in different fonts and sizes, a page-number cell half a point smaller,
    # a bold word inside a sentence, a header in another face
    page.insert_text((72, 80), "Certificate Department", fontname="tibo", fontsize=14)
    page.insert_text((72, 110), "Certificate No.:", fontname="helv", fontsize=9)
    page.insert_text((160, 110), "JP26-553624", fontname="cour", fontsize=10)
    page.insert_text((72, 130), "Page/Pages:", fontname="helv", fontsize=8.5)
    page.insert_text((130, 130), "1/1", fontname="helv", fontsize=8)
    x = 72
    for word, font in (("Produced ", "helv"), ("under ", "helv"), ("ISO ", "hebo"), ("22716 ", "helv"), ("rules", "helv")):
        page.insert_text((x, 150), word, fontname=font, fontsize=10)
        x += fitz.get_text_length(word, fontname=font, fontsize=10)
    # two table cells side by side, in other sizes, with no space character between them
    page.insert_text((72, 170), "12", fontname="helv", fontsize=9)
    page.insert_text((72 + fitz.get_text_length("12", fontname="helv", fontsize=9) + 6, 170), "3400",
                     fontname="cour", fontsize=10)
    assert _font_codes(page) == []


def test_a_digit_pasted_into_a_number_is_found():
    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 110), "Certificate No.:", fontname="helv", fontsize=10)
    x = 170
    for part, font in (("2026", "helv"), ("0", "tiro"), ("4512", "helv")):
        page.insert_text((x, 110), part, fontname=font, fontsize=10)
        x += fitz.get_text_length(part, fontname=font, fontsize=10)
    found = _font_codes(page)
    assert found and any(k in found[0].lower() for k in ("tiro", "times")), found


def test_text_typed_over_text_is_found_cell_overflow_is_not():
    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Invoice No. 20260412", fontsize=10)
    page.insert_text((72, 100), "Invoice No. 20260977", fontsize=10)  # retyped on top, no cover
    assert any(s.code == "pdf.text_over_text" for s in P._font_signals(page, 1, "x.pdf"))
    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 130), "Osaka Beauty Manufacturing Co., Ltd.", fontsize=10)  # runs on into the next cell
    page.insert_text((200, 130), "Kobe Works", fontsize=10)
    assert not any(s.code == "pdf.text_over_text" for s in P._font_signals(page, 1, "x.pdf"))


def test_signature_the_validator_cannot_process_is_warn_not_fraud(base_pdf, ctx, tmp_path, monkeypatch):
    import pyhanko.sign.validation as V

    def boom(*a, **k):
        raise NotImplementedError("unsupported signature mechanism")
    monkeypatch.setattr(V, "validate_pdf_signature", boom)
    outcomes, sigs = _judge(tmp_path, "odd", T.sign_pdf(base_pdf), ctx)
    assert outcomes["signature"] == "warn" and "pdf.signature_unreadable:warn" in sigs, sigs


def test_editor_that_only_signed_or_annotated_later_is_context(base_pdf, ctx, tmp_path):
    """Acrobat/Foxit name themselves as producer when they sign or add a comment: that is not editing."""
    def as_acrobat(d):
        _note_and_highlight_and_producer(d, "Adobe Acrobat Pro (64-bit) 24.1.20643")
    outcomes, sigs = _judge(tmp_path, "acro", _incr(T.sign_pdf(base_pdf), as_acrobat), ctx)
    assert outcomes["pdf"] == "clean" and outcomes["signature"] != "fraud", sigs
    # …but the same editor changing the page text in that revision is editing.
    def edit(d):
        d[0].insert_text((72, 60), "AMENDED 2026-06-01", fontsize=9)
        _note_and_highlight_and_producer(d, "Adobe Acrobat Pro (64-bit) 24.1.20643")
    outcomes, sigs = _judge(tmp_path, "acro2", _incr(base_pdf, edit), ctx)
    assert outcomes["pdf"] == "fraud", sigs


def _note_and_highlight_and_producer(d, producer):
    d[0].add_text_annot((500, 40), "ok")
    md = dict(d.metadata)
    md["producer"] = producer
    d.set_metadata(md)


def test_a_white_free_text_note_over_a_value_is_fraud_a_highlight_is_not():
    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Certificate No. 4711 0815", fontsize=11)
    r = page.search_for("4711")[0]
    a = page.add_freetext_annot(r + (-1, -1, 1, 1), "9999", fontsize=11, fill_color=(1, 1, 1), text_color=(0, 0, 0))
    a.update()
    page.add_highlight_annot(page.search_for("Certificate")[0])
    sig = P.content_signals(fitz.open(stream=doc.tobytes(), filetype="pdf"), "x.pdf")
    cov = [s for s in sig if s.code == "pdf.annotation_covers_text"]
    assert len(cov) == 1 and cov[0].severity == "fraud" and "4711" in cov[0].detail


def test_a_form_field_filled_over_a_printed_value_later_is_reported():
    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Quantity: 1200 cartons", fontsize=11)
    r = page.search_for("1200")[0]
    wd = fitz.Widget()
    wd.field_type = fitz.PDF_WIDGET_TYPE_TEXT
    wd.field_name = "qty"
    wd.rect = r + (-1, -2, 1, 2)
    wd.fill_color = (1, 1, 1)
    wd.field_value = ""
    page.add_widget(wd)
    data = doc.tobytes()

    def fill(d):
        for w in d[0].widgets():
            w.field_value = "9000"
            w.fill_color = (1, 1, 1)
            w.update()
    codes = _codes(_incr(data, fill))
    assert "pdf.annotation_covers_text" in codes and "1200" in codes["pdf.annotation_covers_text"]
