"""The issuing chamber of a certificate of origin as its letterhead prints it, over one or two lines."""
from __future__ import annotations

from originproof.evidence.documents.types.coo import parse_coo
from originproof.registry import default_registry
from tests.evidence.documents.drawn import drawn_doc


def test_a_chambers_name_wrapped_inside_its_bracket_is_read_whole_centred_or_not():
    for x2 in (330, 380):  # the second line left-aligned with the first, or centred under it
        def draw(p):
            p.insert_text((330, 60), "CCI Exampleville (Chambre de commerce et", fontsize=10, fontname="helv")
            p.insert_text((x2, 73), "d'industrie)", fontsize=10, fontname="helv")
            p.insert_text((60, 120), "CERTIFICATE OF ORIGIN", fontsize=14, fontname="helv")
        c = parse_coo(drawn_doc(draw, "FR"), default_registry())
        assert c.get("issuer") == "CCI Exampleville (Chambre de commerce et d'industrie)", x2
