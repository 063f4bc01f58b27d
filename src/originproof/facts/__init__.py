"""Typed facts: what readers produce and rules consume.

Every value read from a file carries its provenance (`At`) and a confidence, so a rule can
point the reviewer at the exact place it judged from and can refuse to pass on a shaky read.
"""
from originproof.facts.base import At, Fact, EvidenceFacts, OtherDocument, Signal, SignatureState, Forensics
from originproof.facts.documents import (
    CertificateOfOrigin, FactoryLicence, ProductionAgreement, CustomsDeclaration, Receipt,
    DOCUMENT_TYPES, document_class,
)
from originproof.facts.video import VideoFacts, Discontinuity, StageMark
from originproof.facts.listings import ListingFacts, Observation
from originproof.facts.bundle import DossierFacts, IntakeProblem, ReuseHit, Unread

__all__ = [
    "At", "Fact", "EvidenceFacts", "OtherDocument", "Signal", "SignatureState", "Forensics",
    "CertificateOfOrigin", "FactoryLicence", "ProductionAgreement", "CustomsDeclaration", "Receipt",
    "DOCUMENT_TYPES", "document_class", "VideoFacts", "Discontinuity", "StageMark",
    "ListingFacts", "Observation", "DossierFacts", "IntakeProblem", "ReuseHit", "Unread",
]
