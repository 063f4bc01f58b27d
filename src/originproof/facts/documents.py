"""Facts of the production documents and receipts (canonical names from report@1)."""
from __future__ import annotations

from typing import ClassVar

from pydantic import Field as PydField

from originproof.facts.base import EvidenceFacts, Fact, OtherDocument


class CertificateOfOrigin(EvidenceFacts):
    doc_type: str = "certificate_of_origin"
    CANONICAL: ClassVar[tuple[str, ...]] = (
        "issuer", "certificate_number", "issue_date", "exporter", "producer", "consignee",
        "origin_country", "goods", "invoice_number", "approved_exporter_number", "verification_payload")
    issuer: Fact | None = None
    certificate_number: Fact | None = None
    issue_date: Fact | None = None  # ISO date string
    exporter: Fact | None = None
    producer: Fact | None = None
    consignee: Fact | None = None
    origin_country: Fact | None = None  # ISO alpha-2
    goods: Fact | None = None  # list of {description, hs_code, quantity}
    invoice_number: Fact | None = None
    approved_exporter_number: Fact | None = None
    verification_payload: Fact | None = None  # decoded QR / barcode text


class FactoryLicence(EvidenceFacts):
    doc_type: str = "factory_licence"
    CANONICAL: ClassVar[tuple[str, ...]] = (
        "holder", "licence_number", "scheme", "address", "country", "activities", "issue_date",
        "expiry_date", "authority", "holder_registration_number", "supporting_schemes")
    holder: Fact | None = None
    licence_number: Fact | None = None
    scheme: Fact | None = None  # registry scheme id
    address: Fact | None = None
    country: Fact | None = None
    activities: Fact | None = None  # list of str
    issue_date: Fact | None = None
    expiry_date: Fact | None = None
    authority: Fact | None = None
    holder_registration_number: Fact | None = None
    # Registry scheme ids of companion documents found on further pages (e.g. the company-register
    # extract that stands in with an ISO 22716 certificate).
    supporting_schemes: Fact | None = None


class ProductionAgreement(EvidenceFacts):
    doc_type: str = "production_agreement"
    CANONICAL: ClassVar[tuple[str, ...]] = (
        "parties", "signed_on", "term_start", "term_end", "products", "signatures_present")
    parties: Fact | None = None  # list of {name, role, registration_number}
    signed_on: Fact | None = None
    term_start: Fact | None = None
    term_end: Fact | None = None
    products: Fact | None = None  # list of str
    signatures_present: Fact | None = None  # bool


class CustomsDeclaration(EvidenceFacts):
    doc_type: str = "customs_declaration"
    CANONICAL: ClassVar[tuple[str, ...]] = (
        "form", "declaration_number", "declared_on", "imported_on", "consignee", "consignee_uscc",
        "consignor", "supervision_mode", "departure_country", "lines")
    form: Fact | None = None  # declaration | inventory | filing
    declaration_number: Fact | None = None
    declared_on: Fact | None = None
    imported_on: Fact | None = None
    consignee: Fact | None = None
    consignee_uscc: Fact | None = None
    consignor: Fact | None = None
    supervision_mode: Fact | None = None
    departure_country: Fact | None = None
    lines: Fact | None = None  # list of {hs_code, goods_name, quantity, origin_country}


class Receipt(EvidenceFacts):
    doc_type: str = "receipt"
    CANONICAL: ClassVar[tuple[str, ...]] = (
        "store_name", "branch", "address", "country", "date", "time", "items", "total", "currency",
        "chain_id", "registration", "subtotal", "tendered", "change", "date_clipped")
    store_name: Fact | None = None
    branch: Fact | None = None
    address: Fact | None = None
    country: Fact | None = None
    date: Fact | None = None
    time: Fact | None = None
    items: Fact | None = None  # list of {name, quantity, amount}
    total: Fact | None = None  # decimal string
    currency: Fact | None = None
    chain_id: Fact | None = None  # registry chain id the store name matched
    registration: Fact | None = None  # {scheme, value, valid}: JP T+13, KR 사업자번호, AU ABN, FR SIRET, DE USt-IdNr …
    subtotal: Fact | None = None  # decimal strings, told apart from the total
    tendered: Fact | None = None
    change: Fact | None = None
    # No whole date legible: the end of one whose start the frame or paper edge cut off ("…7.2026"),
    # read with its time; never a date, only checked against one.
    date_clipped: Fact | None = None
    dates_seen: list[str] = PydField(default_factory=list)  # every date printed (ISO), when more than one
    sources: list[str] = PydField(default_factory=list)  # readings agreed into this one: "photo", "video"


DOCUMENT_TYPES: dict[str, type[EvidenceFacts]] = {
    "certificate_of_origin": CertificateOfOrigin,
    "factory_licence": FactoryLicence,
    "production_agreement": ProductionAgreement,
    "customs_declaration": CustomsDeclaration,
    "receipt": Receipt,
    "other": OtherDocument,
}


def document_class(doc_type: str) -> type[EvidenceFacts]:
    return DOCUMENT_TYPES.get(doc_type, OtherDocument)
