"""Layout families of the document generator: every family renders every document type, the designs
really differ (where captions sit relative to values), the labels say what is printed, the choice is
deterministic, and the classic default and the defect knobs keep working."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pymupdf as fitz
import pytest

from originproof.samples import documents as D
from originproof.samples.spec import clean_spec

DOC_TYPES = tuple(D.FAMILY_RENDERERS)
NEW = ("boxed", "grid", "colon", "bilingual")


def _norm(t: str) -> str:
    t = unicodedata.normalize("NFKC", t).casefold()
    return re.sub(r"[\s\-_.,;:'\"()（）/|]+", "", t)


def _text(pdf: bytes) -> str:
    with fitz.open(stream=pdf, filetype="pdf") as d:
        return "\n".join(p.get_text() for p in d)


def _words(pdf: bytes) -> list[tuple[float, float, float, float, str]]:
    with fitz.open(stream=pdf, filetype="pdf") as d:
        return [tuple(w[:5]) for w in d[0].get_text("words")]


def _date_forms(d: date, s) -> set[str]:
    styles = ("local", "iso", "compact", "en_long", "en_abbr", "dmy_long", "jp_year", "kr_dots", "fr_long", "de_long")
    return {_norm(D.fmt_date(d, st, s)) for st in styles}


def _printed_ok(field: str, value, s, text: str) -> bool:
    """The label `field = value` can be seen in the page text."""
    nt = _norm(text)
    if field in ("issue_date", "expiry_date", "signed_on", "term_start", "term_end", "declared_on", "imported_on"):
        return any(f in nt for f in _date_forms(date.fromisoformat(value), s))
    if field in ("origin_country", "departure_country", "country"):
        if field == "country":  # a licence shows its country through its address and language, not a name
            return True
        names = {value, D.ORIGIN_NAME.get(value, value), D.CN_COUNTRY.get(value, (value,))[0]}
        return any(_norm(n) in nt for n in names)
    if field == "goods":
        return all(h in nt for h in value)
    if field == "lines":
        return all(h in nt and (_norm(D.CN_COUNTRY.get(o, (o,))[0]) in nt or _norm(o) in nt) for h, o in value)
    if field == "parties":
        return all(_norm(p) in nt for p in value)
    if field == "activities":
        return all(_norm(a) in nt for a in value)
    if field in ("products", "signatures_present"):
        return True  # counted / drawn, checked separately
    if field == "form":
        return True
    return _norm(str(value)) in nt


@pytest.mark.parametrize("family", D.FAMILIES)
@pytest.mark.parametrize("country", ["JP", "KR", "DE", "FR", "US", "AU"])
def test_every_family_renders_every_type_and_labels_match_the_page(family, country):
    s = clean_spec(country, 2)
    for dt in DOC_TYPES:
        r = D.render_document(dt, s, family)
        assert r.family == family and r.doc_type == dt
        text = _text(r.pdf)
        assert len(text) > 100
        for field, value in r.printed.items():
            assert _printed_ok(field, value, s, text), (family, country, dt, field, value)


def test_labels_are_the_corpus_truths_for_a_clean_spec():
    """bench/extract_eval's historical truths hold for every family (no family drops a field)."""
    from originproof.bench.extract_eval import truth
    for country in ("JP", "KR", "DE", "US"):
        s = clean_spec(country, 4)
        for dt in DOC_TYPES:
            legacy = truth(dt, s)
            for fam in D.FAMILIES:
                assert D.render_document(dt, s, fam).printed == legacy, (country, dt, fam)


def _find(words, phrase: str):
    """Bounding box of the first run of words that spells `phrase` (whitespace-insensitive)."""
    target = _norm(phrase)
    for i in range(len(words)):
        acc = ""
        for j in range(i, min(i + 12, len(words))):
            acc += _norm(words[j][4])
            if acc == target or (acc.startswith(target) and j == i):
                ws = words[i:j + 1]
                return (min(w[0] for w in ws), min(w[1] for w in ws), max(w[2] for w in ws), max(w[3] for w in ws))
            if not target.startswith(acc):
                break
    return None


def _exporter_geometry(family: str, seed: int = 2) -> tuple[str, tuple, tuple]:
    """(caption, caption bbox, value bbox) of the exporter on a certificate of origin."""
    s = clean_spec("DE", seed)
    r = D.render_document("certificate_of_origin", s, family)
    words = _words(r.pdf)
    val = _find(words, s.factory.name_en)
    for cap in sorted({c for lang in D.LEX["co_exporter"].values() for c in lang}, key=len, reverse=True):
        for probe in (cap, cap.split(" (")[0]):
            box = _find(words, probe)
            if box and val and box != val:
                return probe, box, val
    raise AssertionError(f"no exporter caption found in {family}")


def test_families_put_captions_in_different_places():
    # boxed/grid/bilingual: the value is typed below its caption in the same cell; colon: on the caption's line
    for fam in ("boxed", "grid", "bilingual"):
        cap, c, v = _exporter_geometry(fam)
        assert v[1] >= c[3] - 1 and abs(v[0] - c[0]) < 40, (fam, cap, c, v)
    cap, c, v = _exporter_geometry("colon")
    assert abs(v[1] - c[1]) < 4 and v[0] > c[2] + 20, (cap, c, v)
    # and the pages differ as wholes: few text lines start at the same place in two families
    def starts(fam: str, dt: str) -> set[tuple[int, int]]:
        words = _words(D.render_document(dt, clean_spec("JP", 3), fam).pdf)
        return {(round(w[0] / 6), round(w[1] / 6)) for w in words}
    for dt in DOC_TYPES:
        sets = {f: starts(f, dt) for f in D.FAMILIES}
        for a in D.FAMILIES:
            for b in D.FAMILIES:
                if a < b:
                    inter = len(sets[a] & sets[b]) / max(1, min(len(sets[a]), len(sets[b])))
                    assert inter < 0.6, (dt, a, b, inter)


def test_customs_grid_captions_sit_above_their_values():
    s = clean_spec("JP", 2)
    words = _words(D.render_document("customs_declaration", s, "grid").pdf)
    cap = _find(words, "申报日期")
    val = _find(words, f"{s.customs_declared:%Y%m%d}")
    assert cap and val and val[1] > cap[3] - 1 and abs(val[0] - cap[0]) < 30
    cap = _find(words, "备案号")  # a blank cell: nothing typed under it, the next thing below is another caption
    assert cap is not None
    below = [w for w in words if w[1] > cap[3] and w[1] < cap[3] + 25 and abs(w[0] - cap[0]) < 20]
    assert all(not re.search(r"\d{4}", w[4]) for w in below)


def test_choice_is_deterministic_and_auto_covers_the_families():
    s = clean_spec("JP", 1)
    assert D.family_for("certificate_of_origin", s) == "classic"  # no knob: the historical design
    picks = set()
    for seed in range(1, 13):
        sp = clean_spec("KR", seed).with_(extras={"doc_layout": "auto"})
        for dt in DOC_TYPES:
            f = D.family_for(dt, sp)
            assert f == D.family_for(dt, clean_spec("KR", seed).with_(extras={"doc_layout": "auto"}))
            picks.add(f)
        assert D.HELD_OUT_FAMILY not in {D.family_for(dt, sp.with_(extras={"doc_layout": "auto-tuning"}))
                                         for dt in DOC_TYPES}
    assert picks == set(D.FAMILIES)
    per_type = clean_spec("JP", 1).with_(extras={"doc_layout": "grid", "coo_layout": "colon"})
    assert D.family_for("certificate_of_origin", per_type) == "colon"
    assert D.family_for("customs_declaration", per_type) == "grid"
    assert D.document_families(per_type) == {"certificate_of_origin": "colon", "factory_licence": "grid",
                                              "production_agreement": "grid", "customs_declaration": "grid"}
    a = D.render_document("customs_declaration", per_type)
    b = D.render_document("customs_declaration", per_type)
    assert _text(a.pdf) == _text(b.pdf) and a.family == "grid"


def test_default_renderers_keep_the_classic_design():
    s = clean_spec("JP", 1)
    for dt in DOC_TYPES:
        assert _text(D.RENDERERS[dt](s)) == _text(D.render_document(dt, s, "classic").pdf)
    assert _text(D.RENDERERS["certificate_of_origin"](s)) == _text(D.coo_pdf(s))


@pytest.mark.parametrize("family", NEW)
def test_defect_knobs_work_in_every_family(family):
    s = clean_spec("JP", 2)
    r = D.render_document("certificate_of_origin", s.with_(extras={"coo_number": ""}), family)
    assert "certificate_number" not in r.printed and s.coo_number not in _text(r.pdf)
    r = D.render_document("certificate_of_origin", s.with_(extras={"coo_origin_name": "THAILAND"}), family)
    assert "THAILAND" in _text(r.pdf) and r.printed["origin_country"] == "THAILAND"
    r = D.render_document("production_agreement", s.with_(extras={"agreement_unsigned": True}), family)
    assert r.printed["signatures_present"] is False
    signed = D.render_document("production_agreement", s, family)
    assert "代表取締役" in _text(signed.pdf) and any(k in _text(signed.pdf) for k in ("署名", "押印", "（印）"))
    assert "代表取締役" not in _text(r.pdf)
    r = D.render_document("customs_declaration", s.with_(extras={"customs_form": "inventory", "supervision_mode": "9610"}), family)
    assert "清单编号" in _text(r.pdf) and r.printed["form"] == "inventory" and r.printed["supervision_mode"] == "9610"
    r = D.render_document("factory_licence", s.with_(extras={"licence_activities": ["菓子製造業"]}), family)
    assert "菓子製造業" in _text(r.pdf) and r.printed["activities"] == ["菓子製造業"]


def test_scan_and_photo_of_a_family(tmp_path: Path):
    s = clean_spec("DE", 2)
    scan = D.render_scan("certificate_of_origin", s, tmp_path / "s.pdf", rotate=90, seed=1, family="boxed")
    photo = D.render_photo("customs_declaration", s, tmp_path / "p.jpg", seed=1, family="grid")
    with fitz.open(scan) as d:
        assert d.page_count == 1 and not d[0].get_text().strip()  # an image, no text layer
    assert photo.stat().st_size > 50_000


def test_stamps_are_ink_not_text():
    """Seals are drawn over the text as images: they hide glyphs in scans, add no words to the text layer."""
    s = clean_spec("JP", 2)
    r = D.render_document("production_agreement", s, "colon")
    with fitz.open(stream=r.pdf, filetype="pdf") as d:
        assert len(d[0].get_images()) >= 2
    # and somewhere they sit on printed words (seals over names, chamber stamps over the date)
    hits = 0
    for fam in NEW:
        for dt in DOC_TYPES:
            with fitz.open(stream=D.render_document(dt, clean_spec("DE", 2), fam).pdf, filetype="pdf") as d:
                pg = d[0]
                rects = [r for img in pg.get_images() for r in pg.get_image_rects(img[0])]
                hits += any(fitz.Rect(w[:4]).intersects(r) for w in pg.get_text("words") for r in rects)
    assert hits >= 6


@pytest.mark.parametrize("country", ["JP", "KR", "US", "DE", "FR", "AU", "GB", "IT"])
def test_no_text_leaves_the_page_or_collides(country):
    """Long names, addresses and captions wrap or shrink inside their cells in every family."""
    from originproof.samples.spec import category_spec
    for seed, cat in ((1, "cosmetics"), (3, "mother_baby")):
        s = category_spec(country, cat, seed)
        for dt in DOC_TYPES:
            for fam in NEW:
                with fitz.open(stream=D.render_document(dt, s, fam).pdf, filetype="pdf") as d:
                    for pg in d:
                        ws = pg.get_text("words")
                        for w in ws:
                            assert 10 <= w[0] and w[2] <= pg.rect.width - 10 and 10 <= w[1] and w[3] <= pg.rect.height - 10, \
                                (dt, fam, w)
                        for i, a in enumerate(ws):
                            for b in ws[i + 1:i + 80]:
                                ix = min(a[2], b[2]) - max(a[0], b[0])
                                iy = min(a[3], b[3]) - max(a[1], b[1])
                                assert not (ix > 2 and iy > 2.5), (dt, fam, a[4], b[4])


def test_specs_exist_for_every_seed():
    """A licence issued or an agreement signed on 29 February still gets an expiry / end date."""
    from originproof.samples.spec import CATEGORIES, COUNTRIES, _add_years, category_spec
    assert _add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert _add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    for c in COUNTRIES:
        for seed in range(1, 60):
            for cat in CATEGORIES:
                category_spec(c, cat, seed)
