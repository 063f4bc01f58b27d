"""An agreement's products listed under an article heading, as free text reads them."""
from __future__ import annotations

import pymupdf
import pytest

from originproof.evidence.documents.types.agreement import parse_agreement
from tests.evidence.documents.drawn import drawn_doc


@pytest.mark.parametrize("country,heading,next_heading", [
    ("FR", "Article 2 - Produits", "Article 3 - Durée"),
    ("DE", "§ 2 Vertragsprodukte", "$ 3 Vertragslaufzeit"),  # OCR reads the next § as a dollar sign
])
def test_numbered_products_whose_lines_wrapped_are_one_item_each(country, heading, next_heading):
    def draw(p: pymupdf.Page) -> None:
        y = 100
        for text, x in [(heading, 40), ("Exemplar (Exemplar)", 52),
                        ("(1) Exemplar Thermal Water Moisturizing Cream 50 ml / Exemplar Creme hydratante", 52),
                        ("a l'eau thermale 50 ml", 52), ("(2) Exemplar Cleansing Milk 200 ml", 52),
                        (next_heading, 40), ("Le contrat est conclu pour cinq ans.", 52)]:
            p.insert_text((x, y), text, fontsize=9)
            y += 13
    out = parse_agreement(drawn_doc(draw, country))
    assert out.products is not None
    assert out.products.value == ["Exemplar (Exemplar)",
                                  "Exemplar Thermal Water Moisturizing Cream 50 ml / Exemplar Creme hydratante "
                                  "a l'eau thermale 50 ml", "Exemplar Cleansing Milk 200 ml"]
