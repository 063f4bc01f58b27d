"""Reuse judged by meaning: filled-in values for documents, robust image matching for photos,
through the reuse index itself (a SQLite store)."""
from __future__ import annotations

import pytest

from originproof.bench.forensics_eval import _doc_fps, _hits, _photo_fps, _record
from originproof.evidence.forensics.fingerprints import key_facts
from originproof.evidence.forensics.reuse import compare_facts
from originproof.evidence.readers import ReadContext
from originproof.facts import CertificateOfOrigin
from originproof.facts.base import Fact
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.samples.documents import render_document
from originproof.samples.spec import COUNTRIES, clean_spec
from originproof.samples.tamper import PHOTO_VARIANTS, phone_photo, photo_variant
from originproof.store import Store


@pytest.fixture(scope="module")
def ctx():
    return ReadContext(registry=default_registry(), policy=load_policy(None))


def _coo(**kw) -> CertificateOfOrigin:
    return CertificateOfOrigin(**{k: Fact(value=v) for k, v in kw.items()})


BASE = dict(issuer="Chamber of Commerce", certificate_number="CO-2026-481516", issue_date="2026-05-02",
            exporter="Kiso Beauty Works Co., Ltd.", producer="Kiso Beauty Works Co., Ltd.",
            consignee="Ningbo Harbour Trading Co., Ltd.", goods=[{"description": "Kiso Night Cream 50 g"}])


def test_shared_form_other_values_is_not_reuse():
    other = _coo(issuer="Chamber of Commerce", certificate_number="CO-2026-777001", issue_date="2026-05-03",
                 exporter="Alpine Herbal AG", producer="Alpine Herbal AG", consignee="Hangzhou Qinghe Trading Co., Ltd.",
                 goods=[{"description": "Alpine Herbal Balm 30 ml"}])
    assert compare_facts(key_facts(_coo(**BASE)), key_facts(other)) is None


def test_same_number_and_producer_retyped_is_the_same_document():
    # Re-typed on a fresh form: the date written another way, the consignee and goods left out.
    retyped = _coo(certificate_number="co 2026 481516", issue_date="02.05.2026", producer="KISO BEAUTY WORKS CO., LTD.")
    kind, what = compare_facts(key_facts(retyped), key_facts(_coo(**BASE)))
    assert kind == "document" and "number" in what and "parties" in what
    # The same number alone (another producer) is another chamber's certificate, not a copy.
    assert compare_facts(key_facts(_coo(certificate_number="CO-2026-481516", producer="Other Maker GmbH",
                                        issue_date="2026-01-09")), key_facts(_coo(**BASE))) is None


def test_template_with_new_number_and_date_is_reuse():
    t = dict(BASE, certificate_number="CO-2026-999999", issue_date="2026-06-01")
    assert compare_facts(key_facts(_coo(**t)), key_facts(_coo(**BASE)))[0] == "template"


def test_captions_read_as_values_do_not_count():
    junk = _coo(certificate_number="CO-2026-481516", producer="(Name, address, country)",
                exporter="Exporter (name, address, country)", consignee="(Name")
    kf = key_facts(junk)
    assert kf is None or ("p" not in kf and "c" not in kf)
    # Two merchants' certificates read badly in the same way (captions in the party boxes) are not one document.
    a = _coo(producer="(Name, address, country)", consignee="Consignee (name, address, country)",
             goods=[{"description": "Description of goods"}], issue_date="2026-07-07")
    b = _coo(producer="(Name, address, country)", consignee="Consignee (name, address, country)",
             goods=[{"description": "Description of goods"}], issue_date="2026-07-09")
    assert compare_facts(key_facts(a), key_facts(b)) is None


def test_photo_copies_found_other_take_not(ctx, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    spec = clean_spec("JP", 21)
    raw = phone_photo(spec, 1, 4242)
    _record(store, "owner", "M-1", "Brand", _photo_fps(raw, tmp_path / "o.jpg", ctx))
    for how in PHOTO_VARIANTS:
        hits = _hits(store, f"copy-{how}", _photo_fps(photo_variant(raw, how), tmp_path / f"{how}.img", ctx))
        assert hits and hits[0].kind == "image", how
    other = phone_photo(spec, 1, 4243)  # the same receipt photographed again: another photo
    assert _hits(store, "other", _photo_fps(other, tmp_path / "t.jpg", ctx)) == []


def test_certificates_on_one_form_are_not_duplicates(ctx, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    for k, country in enumerate(COUNTRIES[:4]):
        spec = clean_spec(country, seed=500 + k)
        fps = _doc_fps(render_document("certificate_of_origin", spec, "boxed").pdf, tmp_path / f"{k}.pdf",
                       "certificate_of_origin", ctx)
        assert _hits(store, f"d{k}", fps) == []
        assert not any(sc.startswith("phash") for _p, _k, _r, sc, _v in fps)  # a text PDF's picture is its form
        _record(store, f"d{k}", f"M-{k}", f"B{k}", fps)
    # …and the first of them re-typed on another form by another merchant is.
    spec = clean_spec(COUNTRIES[0], seed=500)
    fps = _doc_fps(render_document("certificate_of_origin", spec, "classic").pdf, tmp_path / "r.pdf",
                   "certificate_of_origin", ctx)
    hits = _hits(store, "retyped", fps)
    assert hits and hits[0].other_dossier == "d0"


def test_first_submission_owns_a_video(tmp_path):
    """issue #11: the earliest submission owns a fingerprint; a later dossier of another merchant
    carrying it is a re-user; the owner's own re-check never is."""
    import numpy as np

    from originproof.evidence.video.fingerprint import dhash

    rng = np.random.default_rng(5)
    seq = [dhash(rng.integers(0, 255, (36, 64)).astype(np.uint8)) for _ in range(24)]
    fps = [("evidence/offline/store1.mp4", "video", "video", "vseq", v) for v in seq]
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    _record(store, "owner", "M-1", "Brand", fps)
    copy = _hits(store, "copy", fps)  # another merchant, checked later
    assert copy and copy[0].kind == "video" and copy[0].other_dossier == "owner"
    _record(store, "copy", "M-2", "Brand", fps)
    assert _hits(store, "owner", fps) == []  # the owner checked again: its own evidence
    assert _hits(store, "copy", fps)  # the re-user checked again: still a re-user


def _scan_fps(raw: bytes, path, ctx, facts1: dict | None):
    import json

    fps = [("evidence/production/coo.jpg", "document", "certificate_of_origin", sc, v)
           for _p, _k, _r, sc, v in _photo_fps(raw, path, ctx)]
    if facts1:
        fps.append(("evidence/production/coo.jpg", "document", "certificate_of_origin", "facts1", json.dumps(facts1)))
    return fps


def test_scans_on_one_form_need_their_values(ctx, tmp_path):
    """Two certificates scanned from one form look alike; the picture alone never makes them one."""
    from originproof.evidence.forensics.fingerprints import hkey
    from originproof.samples.tamper import _scan_jpeg

    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    a = _scan_jpeg("certificate_of_origin", clean_spec("JP", 11), 1)
    b = _scan_jpeg("certificate_of_origin", clean_spec("JP", 12), 2)
    _record(store, "owner", "M-1", "Brand", _scan_fps(a, tmp_path / "a.jpg", ctx, None))
    assert _hits(store, "other", _scan_fps(b, tmp_path / "b.jpg", ctx, None)) == []
    # Its number read on both sides (the date misread on one): the copy's picture confirms the match.
    store2 = Store(f"sqlite:///{tmp_path / 's2.db'}")
    n = hkey("jp26481516")
    _record(store2, "owner", "M-1", "Brand", _scan_fps(a, tmp_path / "a2.jpg", ctx,
                                                       {"t": "certificate_of_origin", "n": n, "d": hkey("2026-05-02")}))
    hits = _hits(store2, "copy", _scan_fps(photo_variant(a, "jpeg_q60"), tmp_path / "c.jpg", ctx,
                                           {"t": "certificate_of_origin", "n": n, "d": hkey("2026-06-02")}))
    assert hits and hits[0].kind == "document"


def test_names_agree_word_wise_not_by_city_and_trade():
    # a caption fragment the reader kept in front of the name does not split one producer in two
    a = dict(BASE, producer="country) Kiso Beauty Works Co., Ltd.", exporter="country) Kiso Beauty Works Co., Ltd.")
    kind, what = compare_facts(key_facts(_coo(**a)), key_facts(_coo(**BASE)))
    assert kind == "document" and "parties" in what
    # two trading houses of one city are two consignees
    x = dict(BASE, certificate_number="CO-2026-000111", issue_date="2026-03-03",
             consignee="Shanghai Chengyuan International Trading Co., Ltd.")
    y = dict(BASE, certificate_number="CO-2026-000222", issue_date="2026-03-09",
             consignee="Shanghai Minghui International Trading Co., Ltd.")
    assert compare_facts(key_facts(_coo(**x)), key_facts(_coo(**y))) is None


def test_one_maker_other_brand_goods_are_other_goods():
    a = dict(BASE, certificate_number="CO-2026-000333", goods=[{"description": "Kiyora Hydro Balance Day Cream 50 ml"}])
    b = dict(BASE, certificate_number="CO-2026-000444", issue_date="2026-05-20",
             goods=[{"description": "Sorami Hydro Balance Day Cream 50 ml"}])
    assert compare_facts(key_facts(_coo(**a)), key_facts(_coo(**b))) is None
