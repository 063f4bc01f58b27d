"""The issuing chamber of a certificate of origin as its letterhead prints it, over one or two lines."""
from __future__ import annotations

import pymupdf

from originproof.evidence.common.ocr import pdf_text_lines
from originproof.evidence.documents.layout import DocText
from originproof.evidence.documents.types.coo import parse_coo
from originproof.evidence.layout.model import build, pdf_segments
from originproof.registry import default_registry


def _doc(draw, country: str) -> DocText:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    draw(page)
    doc = pymupdf.open(stream=doc.tobytes(), filetype="pdf")
    lines = pdf_text_lines(doc, 0)
    for l in lines:
        l.page = 1
    return DocText(lines=lines, files=["c.pdf"], page_files={1: "c.pdf"}, ocr=False, country=country,
                   models=[build(1, lines, pdf_segments(doc[0]), 595, 842)])


def test_a_chambers_name_wrapped_inside_its_bracket_is_read_whole_centred_or_not():
    for x2 in (330, 380):  # the second line left-aligned with the first, or centred under it
        def draw(p):
            p.insert_text((330, 60), "CCI Exampleville (Chambre de commerce et", fontsize=10, fontname="helv")
            p.insert_text((x2, 73), "d'industrie)", fontsize=10, fontname="helv")
            p.insert_text((60, 120), "CERTIFICATE OF ORIGIN", fontsize=14, fontname="helv")
        c = parse_coo(_doc(draw, "FR"), default_registry())
        assert c.get("issuer") == "CCI Exampleville (Chambre de commerce et d'industrie)", x2
