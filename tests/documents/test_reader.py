"""The document reader on generated files: text layer, OCR of rotated scans, receipts."""
from __future__ import annotations

from pathlib import Path

import pytest

from originproof.pipeline.single import extract_file
from originproof.policy import load_policy
from originproof.registry import Registry
from originproof.samples.documents import receipt_lines, render_receipt_image, render_scan, render_text_pdf
from originproof.samples.spec import clean_spec


@pytest.fixture(scope="module")
def env():
    return load_policy(None), Registry.load()


def _x(path, env, origin, kind=None):
    return extract_file(path, kind=kind, url=None, origin=origin, policy=env[0], registry=env[1])


def test_text_pdf_customs_fields_with_provenance(tmp_path, env):
    s = clean_spec("JP", 1)
    out = _x(render_text_pdf("customs_declaration", s, tmp_path / "c.pdf"), env, "JP")
    assert out["doc_type"] == "customs_declaration"
    f = out["fields"]
    assert f["declaration_number"]["value"] == s.customs_number
    assert f["consignee_uscc"]["value"] == s.merchant_uscc
    assert f["declared_on"]["value"] == s.customs_declared.isoformat()
    assert f["declared_on"]["at"]["page"] == 1 and len(f["declared_on"]["at"]["bbox"]) == 4
    assert [l["origin_country"] for l in f["lines"]["value"]] == ["JP", "JP"]
    assert "notes" not in out or not any("OCR" in n for n in out["notes"])  # text layer: never OCRed


def test_type_comes_from_content_not_from_kind(tmp_path, env):
    s = clean_spec("KR", 1)
    out = _x(render_text_pdf("factory_licence", s, tmp_path / "l.pdf"), env, "KR", kind="customs_declaration")
    assert out["doc_type"] == "factory_licence"
    assert out["fields"]["holder"]["value"] == s.factory.name


@pytest.mark.slow
def test_rotated_scan_is_read(tmp_path, env):
    s = clean_spec("DE", 1)
    out = _x(render_scan("factory_licence", s, tmp_path / "scan.pdf", rotate=90, noise=6, skew=1.2), env, "DE")
    assert out["doc_type"] == "factory_licence"
    f = out["fields"]
    assert f["holder"]["value"] == s.factory.name
    assert f["expiry_date"]["value"] == s.licence_expires.isoformat()
    assert f["country"]["value"] == "DE"


def test_receipt_parser_on_lines():
    from originproof.evidence.common.ocr import OcrLine
    from originproof.evidence.documents.receipt import parse_receipt
    s = clean_spec("DE", 1)
    lines = [OcrLine(t, [10, 20 + 30 * i, 300, 44 + 30 * i], 0.95, 1) for i, t in enumerate(receipt_lines(s, 1))]
    r = parse_receipt(lines, "DE", registry=Registry.load())
    assert r.get("store_name") == s.stores[1].chain_local
    assert r.get("date") and r.get("time") == "14:11"
    assert r.get("total") == s.products[0].price and r.get("currency") == "EUR"
    assert r.get("country") == "DE"
    assert r.get("items")[0]["amount"] == s.products[0].price


@pytest.mark.slow
def test_receipt_photo_extract(tmp_path, env):
    s = clean_spec("JP", 1)
    out = _x(render_receipt_image(s, 0, tmp_path / "r.jpg"), env, "JP", kind="receipt")
    assert out["doc_type"] == "receipt"
    f = out["fields"]
    assert f["total"]["value"] == s.products[0].price
    assert f["currency"]["value"] == "JPY"
