"""Licence-type documents drawn here (PyMuPDF) as real ones are printed: a company-register extract is
numbered by its register entry, and a seat line beside the business address is not the address."""
from __future__ import annotations

import pymupdf

from originproof.evidence.common.ocr import pdf_text_lines
from originproof.evidence.documents.layout import DocText
from originproof.evidence.documents.types.licence import parse_licence
from originproof.evidence.layout.model import build, pdf_segments
from originproof.registry import Registry


def _doc(rows: list[str], country: str) -> DocText:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i, t in enumerate(rows):
        page.insert_text((60, 80 + 22 * i), t, fontsize=10, fontname="helv")
    doc = pymupdf.open(stream=doc.tobytes(), filetype="pdf")
    lines = pdf_text_lines(doc, 0)
    for l in lines:
        l.page = 1
    model = build(1, lines, pdf_segments(doc[0]), 595, 842)
    return DocText(lines=lines, files=["x.pdf"], page_files={1: "x.pdf"}, ocr=False, country=country,
                   models=[model])


def test_register_extract_number_is_the_register_entry():
    d = _doc(["Handelsregister B", "Amtsgericht Musterstadt - Aktueller Ausdruck",
              "Nummer der Firma: HRB 7391", "Firma: Beispiel Pflege GmbH", "Sitz: Musterstadt",
              "Geschäftsanschrift: Lindenweg 12, 12345 Musterstadt",
              "Gegenstand des Unternehmens: Herstellung von Kosmetika"], "DE")
    lic = parse_licence(d, Registry.load())
    assert lic.licence_number is not None and lic.licence_number.value == "HRB 7391"
    assert lic.address.value == "Lindenweg 12, 12345 Musterstadt"
    assert lic.country.value == "DE"


def test_certificate_number_is_not_replaced_by_the_holders_company_number():
    d = _doc(["CERTIFICATE OF REGISTRATION", "Certificate number: CERT-55120",
              "Organisation: Example Care Pty Ltd", "ABN: 51 824 753 556", "Site: 5 Main St, Perth WA 6000"], "AU")
    lic = parse_licence(d, Registry.load())
    assert lic.licence_number.value == "CERT-55120"
    assert lic.holder_registration_number.value == "51 824 753 556"
