"""The field-accuracy bench runs and scores; text PDFs meet the 98 % bar."""
from __future__ import annotations

from originproof.bench.extract_eval import _same, run_extract_bench, truth
from originproof.samples.spec import clean_spec


def test_text_pdfs_meet_the_bar():
    res = run_extract_bench(1, 0, countries=("JP", "DE"), variants=("text",))
    m = res["per_variant"]["text"]
    assert m["expected"] > 50
    assert m["recall"] >= 0.98 and m["precision"] >= 0.98, res["errors"]
    assert set(res["per_type"]["text"]) == {"certificate_of_origin", "factory_licence", "production_agreement",
                                            "customs_declaration"}


def test_scoring_is_not_vacuous():
    t = truth("customs_declaration", clean_spec("JP", 1))
    assert not _same("declaration_number", t["declaration_number"], t["declaration_number"][:-1] + "0"
                     if t["declaration_number"][-1] != "0" else t["declaration_number"][:-1] + "1")
    assert _same("consignor", "Towa Cosme Co., Ltd.", "TowaCosmeCo.,Ltd.")
