"""Digits typed onto a white box pasted into a scan: img.pasted_text_region, judged by AUTH.IMAGE_EDITED."""
from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from originproof.bench.forensics_eval import judge
from originproof.evidence.readers import FileRef, ReadContext, reader
from originproof.facts import OtherDocument
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.rules.authenticity import _image_finding
from originproof.samples import tamper as T
from originproof.samples.spec import clean_spec

CODE = "img.pasted_text_region"


@pytest.fixture(scope="module")
def ctx():
    return ReadContext(registry=default_registry(), policy=load_policy(None))


def _forensics(path, ctx, kind):
    return reader("forensics").fn([FileRef(path.name, path, "cd" * 32, kind)], OtherDocument(files=[path.name]), ctx)


def _overlap(a, b) -> float:
    """Share of box a covered by box b."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h / max(1e-6, (a[2] - a[0]) * (a[3] - a[1]))


@pytest.fixture(scope="module")
def pasted(tmp_path_factory):
    d = tmp_path_factory.mktemp("pasted")
    rng = random.Random(11)
    out = []
    for country, doc_type in (("JP", "certificate_of_origin"), ("KR", "factory_licence")):
        data, box = T.scan_paste_boxed(doc_type, clean_spec(country, 4), rng)
        p = d / f"{country}-{doc_type}.jpg"
        p.write_bytes(data)
        out.append((p, doc_type, box))
    return out


def test_pasted_digits_fail_image_edited_with_box_over_them(pasted, ctx):
    for path, doc_type, box in pasted:
        fz = _forensics(path, ctx, "jpeg")
        hits = [s for s in fz.signals if s.code == CODE]
        assert hits, (path.name, [s.code for s in fz.signals])
        bbox = hits[0].at.bbox
        # The signal points at the pasted digits: it lies inside the pasted box and covers most of it.
        assert _overlap(bbox, box) > 0.8 and _overlap(box, bbox) > 0.5, (path.name, bbox, box)
        f = _image_finding("AUTH.IMAGE_EDITED", f"production.{doc_type}[0]", fz, [path.name], True, "文件")
        assert f.status == "fail" and f.severity == "fraud"
        ev = [e for e in f.evidence if e.get("signal") == CODE][0]
        assert ev["bbox"] == bbox and ev["file"] == path.name
        assert f.message.en and f.message.zh and f.remedy
        # Not an official document: a person must look, not a fraud finding.
        own = _image_finding("AUTH.IMAGE_EDITED", "production.production_agreement[0]", fz, [path.name], False, "文件")
        assert own.status == "warn" and own.severity == "nonconforming"


def test_pasted_scan_wrapped_in_pdf_points_at_page_points(pasted, ctx, tmp_path):
    path, doc_type, box = pasted[0]
    pdf = tmp_path / "wrapped.pdf"
    pdf.write_bytes(T._wrap_pdf(path.read_bytes()))
    fz = _forensics(pdf, ctx, "pdf")
    hit = [s for s in fz.signals if s.code == CODE][0]
    k = 72 / 150  # _wrap_pdf places the 150 dpi scan over the whole page
    assert hit.at.page == 1
    assert _overlap(hit.at.bbox, [v * k for v in box]) > 0.8


@pytest.mark.parametrize("seed,dpi", [(0, 150), (1, 200), (2, 150)])  # paper noise 3, 4, 5
def test_untouched_scans_are_silent(ctx, tmp_path, seed, dpi):
    doc_type = T.DOC_TYPES[seed % len(T.DOC_TYPES)]
    p = tmp_path / "scan.jpg"
    p.write_bytes(T._scan_jpeg(doc_type, clean_spec(["JP", "KR", "FR", "US"][seed % 4], 30 + seed), seed, dpi=dpi))
    outcomes, sigs = judge(T.Sample("s", "original", doc_type, p, True), ctx)
    assert outcomes["image"] == "clean", sigs


@pytest.mark.parametrize("seed", [3])
def test_phone_photos_are_silent(ctx, tmp_path, seed):
    p = tmp_path / "photo.jpg"
    p.write_bytes(T.phone_photo(clean_spec("JP", seed), seed % 3, seed))
    outcomes, sigs = judge(T.Sample("p", "original", "receipt", p, False), ctx)
    assert outcomes["image"] == "clean", sigs


def test_page_with_no_paper_noise_gives_nothing_to_compare(pasted):
    """A page whose paper is pure white everywhere (clipped by the scanner) cannot show a clean patch."""
    from originproof.evidence.forensics.paste import pasted_text_region

    path, _dt, _box = pasted[0]
    img = Image.open(io.BytesIO(path.read_bytes())).convert("L")
    clipped = img.point(lambda v: 255 if v >= 240 else v)
    assert pasted_text_region(clipped) is None
