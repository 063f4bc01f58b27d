"""The forensics reader on generated tampered and untouched files, judged by the rules' helpers."""
from __future__ import annotations

import random

import pytest

from originproof.bench.forensics_eval import judge
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
def pdfs(tmp_path_factory):
    d = tmp_path_factory.mktemp("tamper")
    rng = random.Random(3)
    spec = clean_spec("JP", 5)
    out = {}
    for name, fn in (("incremental_overlay", T.incremental_overlay), ("incremental_replace", T.incremental_replace),
                     ("editor_resave", T.editor_resave), ("cover_retype", T.cover_retype),
                     ("signed_modified", T.signed_modified), ("signed_broken", T.signed_broken),
                     ("image_over_text", T.image_over_text)):
        p = d / f"{name}.pdf"
        p.write_bytes(fn(RENDERERS["customs_declaration"](spec), rng))
        out[name] = p
    for prod in T.HONEST_PRODUCERS:
        p = d / f"orig-{len(out)}.pdf"
        p.write_bytes(T.honest_pdf("certificate_of_origin", spec, prod))
        out[f"original:{prod}"] = p
    p = d / "signed.pdf"
    p.write_bytes(T.sign_pdf(RENDERERS["factory_licence"](spec)))
    out["signed_original"] = p
    p = d / "signed_twice.pdf"
    p.write_bytes(T.sign_pdf(p.read_bytes() if False else T.sign_pdf(RENDERERS["factory_licence"](spec)), field="Signature2"))
    out["signed_twice"] = p
    return out


def _sample(path, doc_type="customs_declaration"):
    return T.Sample(path.stem, "x", doc_type, path, True)


@pytest.mark.parametrize("name,expect", [
    ("incremental_overlay", {"pdf": "fraud"}), ("incremental_replace", {"pdf": "fraud"}),
    ("editor_resave", {"pdf": "fraud"}), ("cover_retype", {"pdf": "fraud"}),
    ("signed_modified", {"signature": "fraud", "pdf": "fraud"}), ("signed_broken", {"signature": "fraud"}),
    ("image_over_text", {"pdf": "fraud"}),
])
def test_tampered_pdf_detected(pdfs, ctx, name, expect):
    outcomes, sigs = judge(_sample(pdfs[name]), ctx)
    for k, v in expect.items():
        assert outcomes[k] == v, (name, outcomes, sigs)


def test_originals_from_several_producers_are_clean(pdfs, ctx):
    for key, p in pdfs.items():
        if key.startswith("original:"):
            outcomes, sigs = judge(_sample(p, "certificate_of_origin"), ctx)
            assert outcomes == {"pdf": "clean", "signature": "n/a", "image": "n/a"}, (key, sigs)


def test_signed_untouched_is_untrusted_warn_not_fraud(pdfs, ctx):
    for key in ("signed_original", "signed_twice"):
        outcomes, sigs = judge(_sample(pdfs[key]), ctx)
        # A later revision that only adds a signature is legitimate; no trust root configured → warn.
        assert outcomes["pdf"] == "clean", (key, sigs)
        assert outcomes["signature"] == "warn", (key, sigs)


def test_trust_root_makes_signature_clean(pdfs, ctx, tmp_path):
    _signer, pem = T.test_signer()
    (tmp_path / "root.pem").write_bytes(pem)
    c = ReadContext(registry=ctx.registry, policy=ctx.policy, extra={"trust_roots": [str(tmp_path / "root.pem")]})
    outcomes, sigs = judge(_sample(pdfs["signed_original"]), c)
    assert outcomes["signature"] == "clean", sigs
    outcomes, sigs = judge(_sample(pdfs["signed_broken"]), c)
    assert outcomes["signature"] == "fraud", sigs


def test_signals_point_at_page_and_box(pdfs, ctx):
    from originproof.evidence.readers import FileRef, reader
    from originproof.facts import OtherDocument

    p = pdfs["cover_retype"]
    fz = reader("forensics").fn([FileRef(p.name, p, "0" * 64, "pdf")], OtherDocument(files=[p.name]), ctx)
    s = [x for x in fz.signals if x.code == "pdf.text_over_fill"][0]
    assert s.at.page == 1 and s.at.bbox and s.at.bbox[2] > s.at.bbox[0]
    assert "hides" in s.detail


def test_scan_clone_and_photo_editor(tmp_path, ctx):
    rng = random.Random(1)
    spec = clean_spec("KR", 2)
    clone = tmp_path / "clone.jpg"
    clone.write_bytes(T.scan_clone("factory_licence", spec, rng))
    outcomes, sigs = judge(T.Sample("c", "scan_clone", "factory_licence", clone, True), ctx)
    assert outcomes["image"] == "fraud", sigs
    # The reviewer's heat map is written next to the thumbnails, and the signal keeps its box.
    from originproof.evidence.readers import FileRef, reader
    from originproof.facts import OtherDocument

    c2 = ReadContext(registry=ctx.registry, policy=ctx.policy, thumbnails_dir=tmp_path / "thumbs")
    fz = reader("forensics").fn([FileRef("clone.jpg", clone, "ab" * 32, "jpeg")], OtherDocument(files=["clone.jpg"]), c2)
    cm = [s for s in fz.signals if s.code == "img.copy_move"][0]
    assert cm.at.bbox and cm.at.bbox[3] > cm.at.bbox[1]
    assert fz.heatmaps and all((tmp_path / "thumbs").joinpath(p.split("/")[-1]).exists() for p in fz.heatmaps)
    assert fz.fingerprints.get("phash64")
    tag = tmp_path / "tag.jpg"
    tag.write_bytes(T.photo_editor_tag(spec, rng))
    outcomes, sigs = judge(T.Sample("t", "photo_editor_tag", "receipt", tag, False), ctx)
    assert outcomes["image"] == "fraud" and any(s.startswith("img.editor_software") for s in sigs)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(T.phone_photo(spec, 0, 5))
    outcomes, sigs = judge(T.Sample("p", "original", "receipt", photo, False), ctx)
    assert outcomes["image"] == "clean", sigs
