"""Document type from content (title and body keywords), never from the manifest slot."""
from __future__ import annotations

import re

from originproof.evidence.documents.layout import DocText, norm

# (pattern on folded text, weight). Title lines count triple.
KEYWORDS: dict[str, list[tuple[str, float]]] = {
    "customs_declaration": [("报关单", 5), ("申报清单", 5), ("备案清单", 5), ("海关编号", 3), ("清单编号", 3),
                            ("境内收货人", 2), ("监管方式", 2), ("商品编号", 1), ("原产国(地区)", 1), ("启运国", 1)],
    "certificate_of_origin": [("certificateoforigin", 5), ("原産地証明", 5), ("원산지증명", 5), ("ursprungszeugnis", 5),
                              ("certificatd'origine", 5), ("certificatodiorigine", 5), ("certificadodeorigen", 5),
                              ("原产地证", 5), ("countryoforigin", 1.5), ("exporter", 1), ("consignee", 1),
                              ("herebycertified", 2), ("originatein", 1)],
    "factory_licence": [("licence", 2), ("license", 2), ("許可証", 4), ("製造業許可", 4), ("등록필증", 4), ("제조업", 2),
                        ("facilityregistration", 4), ("iso22716", 4), ("gmp", 2), ("zertifikat", 2), ("certificat", 1),
                        ("certificato", 1), ("registration", 1.5), ("許可番号", 2), ("등록번호", 1.5), ("manufacturinglicence", 4),
                        ("handelsregister", 3), ("許可権者", 2), ("validuntil", 1), ("gültigbis", 1), ("valablejusqu", 1),
                        ("validofino", 1), ("有効期間", 1)],
    "production_agreement": [("agreement", 4), ("契約書", 5), ("계약서", 5), ("vertrag", 4), ("contrat", 4), ("contratto", 4),
                             ("contrato", 4), ("协议", 4), ("合同", 3), ("partya", 2), ("partyb", 2), ("甲", 0.5), ("乙", 0.5),
                             ("契約期間", 2), ("계약기간", 2), ("laufzeit", 1), ("durée", 1), ("durata", 1)],
    "receipt": [("total", 1.5), ("合計", 2), ("小計", 2), ("합계", 2), ("summe", 2), ("gesamt", 1), ("subtotal", 1.5),
                ("tax", 0.7), ("税", 0.5), ("領収", 2), ("レシート", 2), ("영수증", 2), ("카드", 1), ("cash", 1),
                ("change", 0.5), ("お釣", 1), ("ticket", 1), ("kassenbon", 2), ("mwst", 1), ("tva", 0.7), ("iva", 0.7),
                ("jan", 0.5), ("ean", 0.5), ("receipt", 2), ("quittung", 2)],
}


def recognise(doc: DocText) -> tuple[str, float]:
    """(doc_type, confidence). 'other' when nothing scores."""
    lines = doc.lines
    if not lines:
        return "other", 0.0
    title = norm(" ".join(l.text for l in lines[:3]))
    body = norm(doc.text)
    scores: dict[str, float] = {}
    for t, kws in KEYWORDS.items():
        s = 0.0
        for kw, w in kws:
            k = norm(kw)
            if k in title:
                s += 3 * w
            elif k in body:
                s += w
        scores[t] = s
    # Receipts: short lines with amounts, no legal title.
    amounts = sum(1 for l in lines if re.search(r"\d[.,]\d{2}\b|[¥₩€$£\\]\s?\d", l.text))
    if len(lines) < 40 and amounts >= 2:
        scores["receipt"] += 2
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 4:
        return "other", 0.3
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0)
    return best, min(0.99, 0.6 + margin / 20)
