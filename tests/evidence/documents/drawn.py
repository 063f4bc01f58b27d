"""Pages drawn with PyMuPDF and turned into a `DocText` the document parsers read, as a text PDF gives it."""
from __future__ import annotations

from typing import Callable

import pymupdf

from originproof.evidence.common.ocr import pdf_text_lines
from originproof.evidence.documents.layout import DocText
from originproof.evidence.layout.model import build, pdf_segments


def drawn_doc(draw: Callable[[pymupdf.Page], None], country: str) -> DocText:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    draw(page)
    doc = pymupdf.open(stream=doc.tobytes(), filetype="pdf")
    lines = pdf_text_lines(doc, 0)
    for l in lines:
        l.page = 1
    return DocText(lines=lines, files=["c.pdf"], page_files={1: "c.pdf"}, ocr=False, country=country,
                   models=[build(1, lines, pdf_segments(doc[0]), 595, 842)])
