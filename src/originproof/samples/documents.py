"""Render the production documents and receipts of a `DossierSpec` as text-layer PDFs (reportlab)
and as raster scans/photos. Labels follow each country's language; the customs forms are Chinese.

Each production document renders in one of several layout families (FAMILIES: classic, boxed, grid,
colon, bilingual; see the section "layout families"); `render_document` returns the PDF with its family
and the field values it prints, which are the labels readers are scored against."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from originproof.samples.fonts import reportlab_font, script_for_lang
from originproof.samples.spec import DossierSpec

LABELS: dict[str, dict[str, str]] = {
    "ja": {"coo": "原産地証明書", "licence_no": "許可番号", "holder": "名称", "address": "所在地", "issued": "許可年月日",
           "expires": "有効期間満了日", "activities": "許可の種類", "authority": "許可権者", "agreement": "製造委託契約書",
           "signed": "契約締結日", "term": "契約期間", "products": "対象製品", "seal": "（印）"},
    "ko": {"coo": "원산지증명서", "licence_no": "등록번호", "holder": "상호", "address": "소재지", "issued": "등록일",
           "expires": "유효기간", "activities": "업종", "authority": "발급기관", "agreement": "제조위탁계약서",
           "signed": "계약체결일", "term": "계약기간", "products": "대상제품", "seal": "(인)"},
    "de": {"coo": "Ursprungszeugnis", "licence_no": "Zertifikat-Nr.", "holder": "Inhaber", "address": "Anschrift",
           "issued": "Ausstellungsdatum", "expires": "Gültig bis", "activities": "Geltungsbereich", "authority": "Zertifizierungsstelle",
           "agreement": "Lohnherstellungsvertrag", "signed": "Datum der Unterzeichnung", "term": "Vertragslaufzeit",
           "products": "Vertragsprodukte", "seal": "Unterschrift / Stempel"},
    "fr": {"coo": "Certificat d'origine", "licence_no": "Certificat n°", "holder": "Titulaire", "address": "Adresse",
           "issued": "Date d'émission", "expires": "Valable jusqu'au", "activities": "Périmètre", "authority": "Organisme certificateur",
           "agreement": "Contrat de fabrication à façon", "signed": "Date de signature", "term": "Durée du contrat",
           "products": "Produits couverts", "seal": "Signature / cachet"},
    "it": {"coo": "Certificato di origine", "licence_no": "Certificato n.", "holder": "Titolare", "address": "Indirizzo",
           "issued": "Data di emissione", "expires": "Valido fino al", "activities": "Campo di applicazione",
           "authority": "Ente di certificazione", "agreement": "Contratto di produzione conto terzi", "signed": "Data di firma",
           "term": "Durata del contratto", "products": "Prodotti", "seal": "Firma / timbro"},
    "en": {"coo": "Certificate of Origin", "licence_no": "Registration No.", "holder": "Holder", "address": "Address",
           "issued": "Date of issue", "expires": "Valid until", "activities": "Scope / activities", "authority": "Issuing authority",
           "agreement": "Manufacturing Agreement", "signed": "Date signed", "term": "Term", "products": "Products", "seal": "Signature / seal"},
}


MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


def local_date(d: Any, s: DossierSpec) -> str:
    """A date the way documents of the spec's country print it (the readers must cope with all of them);
    `extras["iso_dates"]` keeps ISO 8601."""
    if s.extras.get("iso_dates"):
        return f"{d:%Y-%m-%d}"
    c = s.country
    if c == "JP":
        return f"令和{d.year - 2018}年{d.month}月{d.day}日" if d.year >= 2019 else f"{d.year}年{d.month}月{d.day}日"
    if c == "KR":
        return f"{d.year}년 {d.month}월 {d.day}일"
    if c == "US":
        return f"{d:%m/%d/%Y}"
    if c in ("DE", "AT", "CH"):
        return f"{d:%d.%m.%Y}"
    if c in ("FR", "IT", "ES", "BE"):
        return f"{d:%d/%m/%Y}"
    if c in ("AU", "GB", "NZ"):
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d:%Y-%m-%d}"


class _Page:
    """A tiny layout helper: lines of text top-down, in one script's font."""

    def __init__(self, c: canvas.Canvas, script: str):
        self.c, self.script, self.y = c, script, A4[1] - 60
        self.font = reportlab_font(script)
        self.latin = reportlab_font("latin")

    def line(self, text: str, size: float = 10.5, x: float = 50, gap: float = 6, font: str | None = None) -> None:
        from originproof.samples.fonts import covers
        f = font or self.font
        if not covers(f, text):
            # A Chinese consignee on a Japanese form: the script's font lacks 际/贸, and a glyph drawn from
            # a font that lacks it leaves the text layer without its character.
            f = next((g for g in (reportlab_font(sc) for sc in ("zh", "ja", "ko", "latin")) if covers(g, text)), f)
        self.c.setFont(f, size)
        self.c.drawString(x, self.y, text)
        self.y -= size + gap

    def field(self, label: str, value: str, size: float = 10.5) -> None:
        self.line(f"{label}: {value}", size)

    def rule(self) -> None:
        self.c.line(50, self.y + 4, A4[0] - 50, self.y + 4)
        self.y -= 8


def _pdf(draw, script: str, producer: str = "ReportLab PDF Library - www.reportlab.com") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setProducer(producer)
    draw(_Page(c, script))
    c.showPage()
    c.save()
    return buf.getvalue()


def coo_pdf(s: DossierSpec) -> bytes:
    origin_name = {"JP": "JAPAN", "KR": "REPUBLIC OF KOREA", "US": "UNITED STATES OF AMERICA", "DE": "GERMANY",
                   "FR": "FRANCE", "AU": "AUSTRALIA", "GB": "UNITED KINGDOM", "IT": "ITALY"}.get(s.country, s.country)
    origin_name = s.extras.get("coo_origin_name", origin_name)
    L = LABELS.get(s.lang, LABELS["en"])

    def draw(p: _Page) -> None:
        p.line(f"CERTIFICATE OF ORIGIN   {L['coo']}", 16)
        p.field("Certificate No.", s.extras.get("coo_number", s.coo_number))
        p.rule()
        p.field("1. Exporter", f"{s.factory.name_en}, {s.factory.address}")
        p.field("2. Consignee", "上海澄源国际贸易有限公司 Shanghai Chengyuan International Trading Co., Ltd., Shanghai, China")
        p.field("3. Producer / Manufacturer", s.extras.get("coo_producer", s.factory.name_en))
        p.field("4. Country of Origin", origin_name)
        p.field("5. Invoice No. and date", f"{s.invoice_number}  {s.coo_date:%Y-%m-%d}")
        p.line("6. Description of goods / HS code / Quantity")
        for prod in s.extras.get("coo_products", s.products):
            p.line(f"   {prod.name}   HS {prod.hs_code[:6]}   {1200} PCS", 10)
        p.rule()
        p.line(f"It is hereby certified that the goods described above originate in {origin_name}.")
        p.field("Issued by", s.coo_issuer)
        p.field("Date of issue", f"{s.coo_date:%Y-%m-%d}")
        p.line("Authorized signature / stamp: ____________________")
        if s.extras.get("coo_qr", True):
            # Verification QR as chambers print it: the payload repeats the certificate number.
            from reportlab.graphics import renderPDF
            from reportlab.graphics.barcode import qr
            from reportlab.graphics.shapes import Drawing
            payload = s.extras.get("coo_qr_payload", f"COO;{s.coo_number};{s.country};{s.coo_date:%Y%m%d}")
            w = qr.QrCodeWidget(payload)
            b = w.getBounds()
            size = 90
            dr = Drawing(size, size, transform=[size / (b[2] - b[0]), 0, 0, size / (b[3] - b[1]), 0, 0])
            dr.add(w)
            renderPDF.draw(dr, p.c, A4[0] - 50 - size, 40)
    return _pdf(draw, script_for_lang(s.lang))


def licence_pdf(s: DossierSpec) -> bytes:
    L = LABELS.get(s.lang, LABELS["en"])

    def draw(p: _Page) -> None:
        p.line(s.licence_title, 16)
        p.rule()
        p.field(L["licence_no"], s.extras.get("licence_number", s.licence_number))
        p.field(L["holder"], s.extras.get("licence_holder", s.factory.name))
        if s.factory.reg_no:
            p.field("Reg. No.", s.factory.reg_no)
        p.field(L["address"], s.extras.get("factory_address", s.factory.address))
        p.field(L["activities"], "、".join(s.extras.get("licence_activities", s.licence_activities)))
        p.field(L["issued"], local_date(s.licence_issued, s))
        if s.licence_expires:
            p.field(L["expires"], local_date(s.extras.get('licence_expires', s.licence_expires), s))
        p.field(L["authority"], s.licence_authority)
        p.line(L["seal"])
        if s.licence_scheme.startswith("iso_22716") and not s.extras.get("no_register_extract"):
            # Where there is no factory licence for cosmetics, the GMP certificate goes with the
            # company-register extract (registry: stands_in_with).
            title, court = REGISTER_EXTRACT.get(s.country, ("Company Register Extract", "Companies Registry"))
            p.c.showPage()
            p.y = A4[1] - 60
            p.line(title, 16)
            p.rule()
            p.field(L["holder"], s.factory.name)
            p.field("Reg. No.", s.factory.reg_no)
            p.field(L["address"], s.factory.address)
            p.field(L["authority"], court)
    return _pdf(draw, script_for_lang(s.lang))


REGISTER_EXTRACT = {"DE": ("Handelsregisterauszug", "Amtsgericht Mannheim"), "FR": ("Extrait Kbis", "Greffe du tribunal de commerce"),
                    "IT": ("Visura camerale", "Registro delle Imprese"), "GB": ("Companies House Register Extract", "Companies House"),
                    "ES": ("Nota simple del Registro Mercantil", "Registro Mercantil")}


def agreement_pdf(s: DossierSpec) -> bytes:
    L = LABELS.get(s.lang, LABELS["en"])

    def draw(p: _Page) -> None:
        p.line(f"{L['agreement']} / Manufacturing Agreement", 16)
        p.rule()
        p.field("Party A (Brand owner / Client)", f"{s.extras.get('agreement_owner', s.owner.name)} "
                f"({s.extras.get('agreement_owner_en', s.owner.name_en)})")
        p.field("    Address", s.owner.address)
        if s.owner.reg_no and s.extras.get("agreement_reg_numbers", True):
            p.field("    Reg. No.", s.owner.reg_no)
        p.field("Party B (Manufacturer)", f"{s.extras.get('agreement_factory', s.factory.name)} "
                f"({s.extras.get('agreement_factory_en', s.factory.name_en)})")
        p.field("    Address", s.factory.address)
        if s.factory.reg_no and s.extras.get("agreement_reg_numbers", True):
            p.field("    Reg. No.", s.extras.get("agreement_factory_reg", s.factory.reg_no))
        p.field(L["signed"], local_date(s.agreement_signed, s))
        p.field(L["term"], f"{local_date(s.agreement_start, s)} – {local_date(s.agreement_end, s)}")
        p.line(f"{L['products']}: {s.extras.get('agreement_brand_line', f'{s.brand} ({s.brand_local})')}")
        for prod in s.extras.get("agreement_products", s.products):
            p.line(f"   - {prod.name_local} / {prod.name}", 10)
        p.line("Party B manufactures the products for Party A under Party A's brand and specifications.")
        if not s.extras.get("agreement_unsigned"):
            p.line(f"Party A: {s.owner.name_en}   {L['seal']}: [signed]")
            p.line(f"Party B: {s.factory.name_en}   {L['seal']}: [signed]")
    return _pdf(draw, script_for_lang(s.lang))


def customs_pdf(s: DossierSpec) -> bytes:
    def draw(p: _Page) -> None:
        form = s.extras.get("customs_form", "declaration")
        if form == "inventory":  # the CBEC retail import list (CEB621): 清单编号 with an 'I' import flag
            p.line("中华人民共和国海关跨境电子商务零售进口申报清单", 16)
            p.field("清单编号", s.extras.get("customs_number", s.customs_number[:8] + "I" + s.customs_number[9:]))
        elif form == "filing":
            p.line("中华人民共和国海关进境货物备案清单", 16)
            p.field("海关编号", s.extras.get("customs_number", s.customs_number))
        else:
            p.line("中华人民共和国海关进口货物报关单", 16)
            p.field("海关编号", s.extras.get("customs_number", s.customs_number))
        p.field("境内收货人", f"{s.merchant_name}  统一社会信用代码 {s.extras.get('consignee_uscc', s.merchant_uscc)}")
        p.field("境外发货人", s.factory.name_en)
        p.field("进口日期", f"{s.customs_imported:%Y%m%d}")
        p.field("申报日期", f"{s.extras.get('customs_declared', s.customs_declared):%Y%m%d}")
        mode = s.extras.get("supervision_mode", s.supervision_mode)
        p.field("监管方式", f"{mode} {({'9610': '电子商务', '1210': '保税电商', '1239': '保税电商A', '0110': '一般贸易'}).get(mode, '')}")
        p.field("启运国(地区)", s.country)
        p.rule()
        p.line("项号  商品编号      商品名称及规格型号                         数量及单位   原产国(地区)")
        for i, prod in enumerate(s.extras.get("customs_products", s.products), 1):
            origin = s.extras.get("customs_origin", s.country)
            p.line(f"{i}    {prod.hs_code}  {prod.name}   1200件   {origin}", 9.5)
    return _pdf(draw, "zh")




# =========================================================================== layout families
# The classic renderers above draw one design per document type. Real documents come in many designs
# (shared/ref/document-layouts.md), so each document type also renders in these families:
#   boxed      ICC/chamber-style numbered boxes: small caption at the top of a ruled cell, value typed
#              below it over several lines (customs: a ruled caption | value table)
#   grid       captions above values in a dense ruled grid (the 报关单 style; goods tables with name/spec
#              on two lines and quantities on up to three)
#   colon      caption-colon lines / label-left rows with wide gaps or dotted leaders, free prose (Kbis,
#              letterhead certificates, classic contracts with a preamble and articles)
#   bilingual  two-language captions ("Ursprungszeugnis / Certificate of origin") or two-column text
# `classic` is the historical design (caption-colon lines, one per field). Designs are the project's own,
# from the notes on real forms; wordings, field order, fonts, blank cells and stamps vary with the seed.
FAMILIES = ("classic", "boxed", "grid", "colon", "bilingual")
HELD_OUT_FAMILY = "bilingual"  # never used to tune a reader; bench extract reports it apart
TUNING_FAMILIES = tuple(f for f in FAMILIES if f != HELD_OUT_FAMILY)
# What a spec without a layout knob renders: the classic design, so existing corpora, caches and tests
# stay byte-identical. Set extras["doc_layout"] (or "<coo|licence|agreement|customs>_layout") to a family,
# to "auto" (every family, chosen from the seed) or to "auto-tuning" (every family but the held-out one).
DEFAULT_LAYOUT = "classic"
_LAYOUT_KEY = {"certificate_of_origin": "coo_layout", "factory_licence": "licence_layout",
               "production_agreement": "agreement_layout", "customs_declaration": "customs_layout"}

W, H = A4


def family_for(doc_type: str, s: DossierSpec) -> str:
    """The layout family `doc_type` of spec `s` renders in (deterministic from the spec and its seed)."""
    want = s.extras.get(_LAYOUT_KEY[doc_type]) or s.extras.get("doc_layout") or DEFAULT_LAYOUT
    if want in FAMILIES:
        return want
    pool = {"auto": FAMILIES, "auto-tuning": TUNING_FAMILIES}.get(want)
    if pool is None:
        raise ValueError(f"unknown layout family {want!r} (one of {FAMILIES}, auto, auto-tuning)")
    import hashlib
    h = int(hashlib.sha256(f"{s.country}:{s.seed}:{doc_type}".encode()).hexdigest()[:8], 16)
    return pool[h % len(pool)]


def document_families(s: DossierSpec) -> dict[str, str]:
    """The layout family of each production document of `s` (for a corpus label: group results by it)."""
    return {dt: family_for(dt, s) for dt in _LAYOUT_KEY}


def _rng(doc_type: str, s: DossierSpec, family: str):
    import random
    return random.Random(f"layout:{family}:{doc_type}:{s.country}:{s.seed}")


# --------------------------------------------------------------------------- dates
MONTHS_ABBR = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec."]


def fmt_date(d: Any, style: str, s: DossierSpec) -> str:
    """One printed form of a date; `local` is the country's (local_date). All unambiguous for the country."""
    if s.extras.get("iso_dates"):
        return f"{d:%Y-%m-%d}"
    if style == "en_long":
        return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"
    if style == "en_abbr":
        return f"{MONTHS_ABBR[d.month - 1]} {d.day:02d}, {d.year}"
    if style == "dmy_long":
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    if style == "compact":
        return f"{d:%Y%m%d}"
    if style == "iso":
        return f"{d:%Y-%m-%d}"
    if style == "jp_year":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "kr_dots":
        return f"{d.year}. {d.month}. {d.day}."
    if style == "fr_long":
        mois = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"]
        return f"{d.day} {mois[d.month - 1]} {d.year}"
    if style == "de_long":
        monate = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                  "November", "Dezember"]
        return f"{d.day}. {monate[d.month - 1]} {d.year}"
    return local_date(d, s)


def _doc_date_styles(s: DossierSpec) -> list[str]:
    """Date styles a licence or an agreement of the spec's country may use."""
    return {"JP": ["local", "local", "jp_year"], "KR": ["local", "kr_dots"], "US": ["local", "en_long"],
            "DE": ["local", "local", "de_long"], "FR": ["local", "local", "fr_long"], "AU": ["local", "local"],
            "GB": ["local", "local"], "IT": ["local"]}.get(s.country, ["local"])


# --------------------------------------------------------------------------- lexicon
# Caption wordings, several per field and language; a document draws one per field.
LEX: dict[str, dict[str, list[str]]] = {
    # certificate of origin (chamber forms print English captions; the bilingual family pairs them)
    "co_exporter": {"en": ["Exporter (Name, address, country)", "Consignor", "Exporter",
                           "Goods consigned from (Exporter's name, address, country)", "Shipper / Exporter"],
                    "de": ["Absender", "Versender", "Absender (Name, Anschrift, Land)"],
                    "fr": ["Expéditeur", "Expéditeur/Exportateur"], "it": ["Speditore", "Mittente"],
                    "ja": ["輸出者", "輸出者（名称・住所・国名）"], "ko": ["수출자", "송하인", "수출자(상호, 주소, 국가)"]},
    "co_consignee": {"en": ["Consignee (Name, address, country)", "Consignee",
                            "Goods consigned to (Consignee's name, address, country)", "Importer / Consignee"],
                     "de": ["Empfänger"], "fr": ["Destinataire"], "it": ["Destinatario"], "ja": ["荷受人"],
                     "ko": ["수하인", "수입자"]},
    "co_producer": {"en": ["Producer", "Manufacturer", "Producer's name and address (if known)", "Manufacturer (name, address)"],
                    "de": ["Hersteller"], "fr": ["Producteur", "Fabricant"], "it": ["Produttore", "Fabbricante"],
                    "ja": ["生産者", "製造者"], "ko": ["생산자", "제조자"]},
    "co_origin": {"en": ["Country of Origin", "Country of origin of the goods", "Origin"],
                  "de": ["Ursprungsland"], "fr": ["Pays d'origine"], "it": ["Paese d'origine"],
                  "ja": ["原産国"], "ko": ["원산지", "원산국"]},
    "co_transport": {"en": ["Transport details", "Means of transport and route", "Particulars of transport (where required)"],
                     "de": ["Angaben über die Beförderung"], "fr": ["Informations relatives au transport"],
                     "it": ["Informazioni relative al trasporto"], "ja": ["輸送手段"], "ko": ["운송수단 및 경로"]},
    "co_remarks": {"en": ["Remarks", "Observations", "Remarks / Other information"], "de": ["Bemerkungen"],
                   "fr": ["Remarques", "Observations"], "it": ["Osservazioni"], "ja": ["備考"], "ko": ["비고"]},
    "co_invoice": {"en": ["No. and date of invoice", "Invoice No. and date", "Invoice number and date"],
                   "de": ["Rechnungs-Nr. und Datum"], "fr": ["N° et date de la facture"],
                   "it": ["Numero e data della fattura"], "ja": ["インボイス番号及び日付"], "ko": ["송장번호 및 일자"]},
    "co_goods": {"en": ["Marks, numbers, number and kind of packages; description of goods",
                        "Item number; marks, numbers, number and kind of packages; description of goods",
                        "Description of goods"],
                 "de": ["Laufende Nummer; Zeichen, Nummern, Anzahl und Art der Packstücke; Warenbezeichnung"],
                 "fr": ["N° d'ordre; marques, numéros, nombre et nature des colis; désignation des marchandises"],
                 "it": ["Numero d'ordine; marche, numeri, quantità e natura dei colli; designazione delle merci"],
                 "ja": ["記号・番号・包装の数及び種類・品名"], "ko": ["포장 기호·번호, 포장 수 및 종류, 품명"]},
    "co_quantity": {"en": ["Quantity", "Quantity (gross weight or other measure)", "Gross weight / Quantity"],
                    "de": ["Menge"], "fr": ["Quantité"], "it": ["Quantità"], "ja": ["数量"], "ko": ["수량"]},
    "co_number": {"en": ["Certificate No.", "No.", "Serial No.", "Reference No.", "Cert. No."],
                  "de": ["Nr.", "Zeugnis-Nr."], "fr": ["N°", "Certificat n°"], "it": ["N.", "Certificato n."],
                  "ja": ["証明書番号"], "ko": ["증명서 번호", "발급번호"]},
    "co_certification": {"en": ["Certification", "Certification by the issuing authority",
                                "Certification (Chamber of Commerce)"],
                         "de": ["Bescheinigung der zuständigen Stelle"], "fr": ["Visa de l'autorité"],
                         "it": ["Visto dell'autorità"], "ja": ["証明"], "ko": ["발급기관 확인"]},
    "co_date": {"en": ["Date of issue", "Issue date", "Date"], "de": ["Ausstellungsdatum", "Datum"],
                "fr": ["Date de délivrance", "Date"], "it": ["Data di rilascio", "Data"], "ja": ["発給日"], "ko": ["발급일자"]},
    "co_hs": {"en": ["HS code", "H.S. Code", "HS Code (6 digit)", "Tariff No."]},
    # factory licences and registrations
    "lic_number": {"ja": ["許可番号", "許可証番号", "登録番号"], "ko": ["등록번호", "제조업 등록번호", "허가번호"],
                   "de": ["Zertifikat-Nr.", "Registrier-Nr.", "Registriernummer", "Nummer"],
                   "fr": ["Certificat n°", "N° d'enregistrement", "Numéro", "N° d'agrément", "Numéro d'identification"],
                   "it": ["Certificato n.", "Numero di registrazione", "N. registrazione"],
                   "en": ["Registration No.", "Licence No.", "Registration Number", "Certificate No.", "Licence number"]},
    "lic_holder": {"ja": ["名称", "氏名又は名称", "製造業者の名称", "法人名"], "ko": ["상호", "업소명", "상호(법인명)", "명칭"],
                   "de": ["Inhaber", "Firma", "Unternehmen", "Name des Unternehmens"],
                   "fr": ["Titulaire", "Dénomination", "Raison sociale", "Dénomination sociale"],
                   "it": ["Titolare", "Denominazione", "Ragione sociale", "Impresa"],
                   "en": ["Holder", "Name of licensee", "Registrant", "Facility name", "Company name"]},
    "lic_address": {"ja": ["所在地", "製造所の所在地", "主たる事務所の所在地", "住所"], "ko": ["소재지", "제조소 소재지", "영업소 소재지", "주소"],
                    "de": ["Anschrift", "Sitz", "Adresse", "Betriebsstätte"],
                    "fr": ["Adresse", "Siège", "Adresse du siège", "Établissement"],
                    "it": ["Indirizzo", "Sede", "Sede legale", "Indirizzo dello stabilimento"],
                    "en": ["Address", "Facility address", "Registered address", "Site address"]},
    "lic_issued": {"ja": ["許可年月日", "交付年月日", "登録年月日"], "ko": ["등록일", "등록일자", "발급일", "교부일"],
                   "de": ["Ausstellungsdatum", "Ausgestellt am", "Datum der Erteilung"],
                   "fr": ["Date d'émission", "Délivré le", "Date de délivrance"],
                   "it": ["Data di emissione", "Rilasciato il", "Data di rilascio"],
                   "en": ["Date of issue", "Issued", "Issue date", "Effective date", "Date registered"]},
    "lic_expires": {"ja": ["有効期間満了日", "有効期限", "許可の有効期間"], "ko": ["유효기간", "유효기간 만료일"],
                    "de": ["Gültig bis", "Gültigkeit bis", "Ablaufdatum"],
                    "fr": ["Valable jusqu'au", "Date d'expiration", "Validité"],
                    "it": ["Valido fino al", "Scadenza", "Data di scadenza"],
                    "en": ["Valid until", "Expiry date", "Expires", "Valid to"]},
    "lic_activities": {"ja": ["許可の種類", "業種", "許可区分", "営業の種類"], "ko": ["업종", "영업의 종류", "제조업 종류"],
                       "de": ["Geltungsbereich", "Tätigkeit", "Tätigkeitsbereich"],
                       "fr": ["Périmètre", "Activité", "Activités exercées", "Domaine d'application"],
                       "it": ["Campo di applicazione", "Attività", "Attività esercitata"],
                       "en": ["Scope / activities", "Scope", "Activities", "Licensed activities", "Nature of business"]},
    "lic_authority": {"ja": ["許可権者", "発行者", "交付者"], "ko": ["발급기관", "발행기관", "등록관청"],
                      "de": ["Zertifizierungsstelle", "Ausstellende Behörde", "Behörde"],
                      "fr": ["Organisme certificateur", "Autorité de délivrance", "Délivré par"],
                      "it": ["Ente di certificazione", "Rilasciato da", "Autorità competente"],
                      "en": ["Issuing authority", "Issued by", "Authority", "Registrar"]},
    "lic_reg": {"ja": ["法人番号", "会社法人等番号"], "ko": ["사업자등록번호", "법인등록번호"],
                "de": ["Handelsregister-Nr.", "Reg.-Nr."], "fr": ["SIREN", "N° RCS"], "it": ["Codice fiscale", "N. REA"],
                "en": ["Company No.", "Reg. No.", "Company number"]},
    "lic_remarks": {"ja": ["条件", "備考"], "ko": ["조건", "비고"], "de": ["Auflagen", "Bemerkungen"],
                    "fr": ["Conditions", "Observations"], "it": ["Prescrizioni", "Note"], "en": ["Conditions", "Remarks"]},
}

# Agreement wording per language: titles, aliases for the two parties, article texts.
AGR: dict[str, dict[str, Any]] = {
    "ja": {"titles": ["製造委託契約書", "OEM製造委託契約書", "製造物供給契約書", "OEM基本契約書"],
           "alias": [("甲", "乙")],
           "preamble": "{a}（以下「{aa}」という。）と{b}（以下「{bb}」という。）は、{aa}の商品の製造委託に関し、"
                       "次のとおり契約を締結する。",
           "art": "第{n}条（{t}）", "t_purpose": "目的", "t_products": "対象製品", "t_term": "契約期間",
           "t_quality": "品質保証",
           "purpose": "{bb}は、{aa}の指定する仕様及び商標に基づき、対象製品を製造し{aa}に納入する。",
           "term": ["本契約の有効期間は、{start}から{end}までとする。", "本契約は{start}から効力を生じ、{end}まで有効とする。"],
           "quality": "{bb}は、関係法令及び{aa}の品質基準を遵守して製造を行う。",
           "closing": "本契約締結の証として本書2通を作成し、{aa}{bb}記名押印の上、各1通を保有する。",
           "dated": "{date}", "sign_caps": ["署名・押印", "記名押印", "（印）"], "rep": ["代表取締役", "代表取締役社長"],
           "names": ["山田 太郎", "佐藤 健一", "鈴木 一郎", "高橋 誠"], "addr": "住所", "name": "名称",
           "reg": "法人番号", "date_cap": "契約締結日", "term_cap": "契約期間", "parties_cap": "当事者",
           "prod_cap": "対象製品", "role": ("委託者", "受託者"), "seal": "印"},
    "ko": {"titles": ["제조위탁계약서", "OEM 제조 계약서", "주문자상표부착생산(OEM) 계약서"],
           "alias": [("갑", "을")],
           "preamble": "{a}(이하 \"{aa}\"이라 한다)과 {b}(이하 \"{bb}\"이라 한다)은 제품의 제조 위탁에 관하여 "
                       "다음과 같이 계약을 체결한다.",
           "art": "제{n}조 ({t})", "t_purpose": "목적", "t_products": "대상 제품", "t_term": "계약기간", "t_quality": "품질",
           "purpose": "{bb}은 {aa}이 지정한 사양과 상표에 따라 대상 제품을 제조하여 {aa}에게 납품한다.",
           "term": ["본 계약의 유효기간은 {start}부터 {end}까지로 한다.", "본 계약은 {start}부터 {end}까지 효력을 가진다."],
           "quality": "{bb}은 관계 법령과 {aa}의 품질 기준을 준수하여 제조한다.",
           "closing": "본 계약의 성립을 증명하기 위하여 계약서 2부를 작성하고 {aa}과 {bb}이 서명 날인한 후 각 1부씩 보관한다.",
           "dated": "{date}", "sign_caps": ["서명 날인", "(인)", "서명 또는 날인"], "rep": ["대표이사"],
           "names": ["김민수", "이정훈", "박서준", "최영호"], "addr": "주소", "name": "상호", "reg": "사업자등록번호",
           "date_cap": "계약체결일", "term_cap": "계약기간", "parties_cap": "계약 당사자", "prod_cap": "대상 제품",
           "role": ("위탁자", "수탁자"), "seal": "인"},
    "de": {"titles": ["Lohnherstellungsvertrag", "Herstellungsvertrag", "OEM-Vertrag", "Vertrag über die Lohnfertigung"],
           "alias": [("Auftraggeber", "Hersteller"), ("Auftraggeberin", "Lohnhersteller")],
           "preamble": "Zwischen {a} – nachfolgend „{aa}“ – und {b} – nachfolgend „{bb}“ – wird folgender Vertrag geschlossen:",
           "art": "§ {n} {t}", "t_purpose": "Vertragsgegenstand", "t_products": "Vertragsprodukte",
           "t_term": "Vertragslaufzeit", "t_quality": "Qualität",
           "purpose": "Der {bb} stellt die Vertragsprodukte nach den Spezifikationen und unter der Marke des {aa} her.",
           "term": ["Dieser Vertrag tritt am {start} in Kraft und endet am {end}.",
                    "Der Vertrag beginnt am {start} und läuft bis zum {end}."],
           "quality": "Der {bb} beachtet die geltenden Vorschriften und die Qualitätsvorgaben des {aa}.",
           "closing": "", "dated": "{place}, den {date}", "sign_caps": ["Unterschrift", "Unterschrift / Stempel", "Ort, Datum, Unterschrift"],
           "rep": ["Geschäftsführer", "Geschäftsführerin"], "names": ["Markus Weber", "Anna Schneider", "Jens Becker"],
           "addr": "Anschrift", "name": "Firma", "reg": "HRB", "date_cap": "Datum der Unterzeichnung",
           "term_cap": "Vertragslaufzeit", "parties_cap": "Vertragsparteien", "prod_cap": "Vertragsprodukte",
           "role": ("Auftraggeber", "Hersteller"), "seal": ""},
    "fr": {"titles": ["Contrat de fabrication à façon", "Contrat de sous-traitance industrielle", "Contrat de fabrication OEM"],
           "alias": [("le Donneur d'ordre", "le Fabricant"), ("le Client", "le Façonnier")],
           "preamble": "Entre {a}, ci-après « {aa} », d'une part, et {b}, ci-après « {bb} », d'autre part, "
                       "il a été convenu ce qui suit :",
           "art": "Article {n} – {t}", "t_purpose": "Objet", "t_products": "Produits", "t_term": "Durée",
           "t_quality": "Qualité",
           "purpose": "{bb} fabrique les produits selon les spécifications et sous la marque de {aa}.",
           "term": ["Le présent contrat prend effet le {start} et expire le {end}.",
                    "Le contrat est conclu pour la période du {start} au {end}."],
           "quality": "{bb} respecte la réglementation applicable et le cahier des charges de {aa}.",
           "closing": "", "dated": "Fait à {place}, le {date}, en deux exemplaires originaux.",
           "sign_caps": ["Signature et cachet", "Lu et approuvé", "Signature"], "rep": ["Président", "Gérant", "Directeur général"],
           "names": ["Claire Martin", "Julien Bernard", "Sophie Durand"], "addr": "Adresse", "name": "Dénomination",
           "reg": "SIREN", "date_cap": "Date de signature", "term_cap": "Durée du contrat", "parties_cap": "Parties",
           "prod_cap": "Produits couverts", "role": ("Donneur d'ordre", "Fabricant"), "seal": ""},
    "it": {"titles": ["Contratto di produzione conto terzi", "Contratto di fornitura OEM", "Contratto di produzione per conto terzi"],
           "alias": [("il Committente", "il Produttore")],
           "preamble": "Tra {a}, di seguito «{aa}», e {b}, di seguito «{bb}», si conviene e si stipula quanto segue:",
           "art": "Art. {n} – {t}", "t_purpose": "Oggetto", "t_products": "Prodotti", "t_term": "Durata",
           "t_quality": "Qualità",
           "purpose": "{bb} produce i prodotti secondo le specifiche e con il marchio di {aa}.",
           "term": ["Il presente contratto decorre dal {start} e scade il {end}.",
                    "Il contratto ha durata dal {start} al {end}."],
           "quality": "{bb} rispetta la normativa vigente e gli standard di qualità di {aa}.",
           "closing": "Letto, confermato e sottoscritto.", "dated": "{place}, {date}",
           "sign_caps": ["Firma e timbro", "Firma"], "rep": ["Amministratore unico", "Legale rappresentante"],
           "names": ["Marco Rossi", "Giulia Bianchi", "Luca Ferrari"], "addr": "Indirizzo", "name": "Denominazione",
           "reg": "P.IVA", "date_cap": "Data di firma", "term_cap": "Durata del contratto", "parties_cap": "Parti",
           "prod_cap": "Prodotti", "role": ("Committente", "Produttore"), "seal": ""},
    "en": {"titles": ["Manufacturing Agreement", "Contract Manufacturing Agreement", "OEM Supply Agreement",
                      "Private Label Manufacturing Agreement"],
           "alias": [("the Client", "the Manufacturer"), ("the Brand Owner", "the Manufacturer"), ("Party A", "Party B")],
           "preamble": "This Agreement is made between {a} (\"{aa}\") and {b} (\"{bb}\").",
           "art": "{n}. {t}", "t_purpose": "Purpose", "t_products": "Products", "t_term": "Term", "t_quality": "Quality",
           "purpose": "{bb} shall manufacture the Products to the specifications and under the brand of {aa}.",
           "term": ["This Agreement commences on {start} and remains in force until {end}.",
                    "The term of this Agreement runs from {start} to {end}."],
           "quality": "{bb} shall comply with applicable laws and with the quality standards of {aa}.",
           "closing": "IN WITNESS WHEREOF the parties have executed this Agreement.", "dated": "Dated: {date}",
           "sign_caps": ["Signed for and on behalf of", "Signature", "Authorised signatory"],
           "rep": ["Director", "Chief Executive Officer", "Managing Director"],
           "names": ["John Miller", "Sarah Thompson", "David Clarke", "Emily Watson"], "addr": "Address",
           "name": "Name", "reg": "Company No.", "date_cap": "Date signed", "term_cap": "Term",
           "parties_cap": "Parties", "prod_cap": "Products", "role": ("Client", "Manufacturer"), "seal": ""},
}

PLACE = {"JP": ("TOKYO", "YOKOHAMA", "Tokyo"), "KR": ("SEOUL", "BUSAN", "Seoul"), "US": ("PORTLAND", "SEATTLE", "Salem"),
         "DE": ("MANNHEIM", "HAMBURG", "Mannheim"), "FR": ("MARSEILLE", "MARSEILLE-FOS", "Lyon"),
         "AU": ("MELBOURNE", "MELBOURNE", "Sydney"), "GB": ("LEEDS", "FELIXSTOWE", "Leeds"),
         "IT": ("BERGAMO", "GENOVA", "Bergamo")}
ORIGIN_NAME = {"JP": "JAPAN", "KR": "REPUBLIC OF KOREA", "US": "UNITED STATES OF AMERICA", "DE": "GERMANY",
               "FR": "FRANCE", "AU": "AUSTRALIA", "GB": "UNITED KINGDOM", "IT": "ITALY"}
ORIGIN_LOCAL = {"DE": ("DEUTSCHLAND", "Europäische Union"), "FR": ("FRANCE", "UNION EUROPEENNE"),
                "IT": ("ITALIA", "Unione europea")}
CN_COUNTRY = {"JP": ("日本", "JPN"), "KR": ("韩国", "KOR"), "US": ("美国", "USA"), "DE": ("德国", "DEU"),
              "FR": ("法国", "FRA"), "AU": ("澳大利亚", "AUS"), "GB": ("英国", "GBR"), "IT": ("意大利", "ITA"),
              "TH": ("泰国", "THA"), "CN": ("中国", "CHN"), "VN": ("越南", "VNM")}
SUPERVISION = {"9610": "电子商务", "1210": "保税电商", "1239": "保税电商A", "0110": "一般贸易"}
CONSIGNEE_EN = "Shanghai Chengyuan International Trading Co., Ltd."


def _pick(rng: Any, key: str, lang: str) -> str:
    opts = LEX[key].get(lang) or LEX[key]["en"]
    return rng.choice(opts)


def _split_address(addr: str) -> list[str]:
    """An address as typed in a box: comma-separated parts on their own lines (at most three)."""
    parts = [p.strip() for p in addr.split(",") if p.strip()]
    if len(parts) <= 1:
        return [addr]
    if len(parts) > 3:
        parts = parts[:2] + [", ".join(parts[2:])]
    return parts


# --------------------------------------------------------------------------- drawing helpers
class Sheet:
    """Top-down drawing on one A4 canvas: ruled cells with captions, text in fonts that cover it."""

    def __init__(self, c: canvas.Canvas, rng: Any, script: str):
        from originproof.samples.fonts import font_choices
        self.c, self.rng, self.script = c, rng, script
        fonts = font_choices(script)
        self.cap_font = rng.choice(fonts)
        self.val_font = rng.choice(fonts)
        self.cap_size = rng.choice([6.5, 7.0, 7.5])
        self.val_size = rng.choice([9.0, 9.5, 10.0])
        self._fallbacks = [self.val_font, reportlab_font(script)] + [f for sc in ("zh", "ja", "ko", "latin")
                                                                      for f in font_choices(sc)]

    def font_for(self, text: str, pref: str) -> str:
        from originproof.samples.fonts import covers
        if covers(pref, text):
            return pref
        for f in self._fallbacks:
            if covers(f, text):
                return f
        return pref

    def width(self, text: str, size: float, font: str | None = None) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth
        return stringWidth(text, self.font_for(text, font or self.val_font), size)

    def put(self, x: float, top: float, text: str, size: float | None = None, font: str | None = None,
            align: str = "left", color: tuple[float, float, float] | None = None) -> float:
        """Draw `text` with its glyph tops at `top` (points from the page top); returns the next line's top."""
        size = size or self.val_size
        if not text:
            return top + size * 1.25
        f = self.font_for(text, font or self.val_font)
        self.c.setFont(f, size)
        if color:
            self.c.setFillColorRGB(*color)
        y = H - top - size * 0.85
        if align == "right":
            self.c.drawRightString(x, y, text)
        elif align == "center":
            self.c.drawCentredString(x, y, text)
        else:
            self.c.drawString(x, y, text)
        if color:
            self.c.setFillColorRGB(0, 0, 0)
        return top + size * 1.25

    def fit(self, x: float, top: float, text: str, width: float, size: float | None = None,
            font: str | None = None) -> float:
        """`put`, shrinking the type until the text fits `width` (narrow table columns)."""
        size = size or self.val_size
        while size > 5.0 and self.width(text, size, font) > width:
            size -= 0.5
        return self.put(x, top, text, size, font)

    def wrap(self, text: str, width: float, size: float, font: str | None = None) -> list[str]:
        if not text:
            return [""]
        if self.width(text, size, font) <= width:
            return [text]
        out: list[str] = []
        if " " in text:
            cur = ""
            for w in text.split(" "):
                t = f"{cur} {w}".strip()
                if cur and self.width(t, size, font) > width:
                    out.append(cur)
                    cur = w
                else:
                    cur = t
            out.append(cur)
            # a single over-long token still has to fit: cut it by characters
            res: list[str] = []
            for ln in out:
                res.extend(self._cut(ln, width, size, font) if self.width(ln, size, font) > width else [ln])
            return res
        return self._cut(text, width, size, font)

    def _cut(self, text: str, width: float, size: float, font: str | None) -> list[str]:
        out, cur = [], ""
        for ch in text:
            if cur and self.width(cur + ch, size, font) > width:
                out.append(cur)
                cur = ch
            else:
                cur += ch
        return out + [cur] if cur else out

    def para(self, x: float, top: float, text: str, width: float, size: float | None = None,
             font: str | None = None, lead: float = 1.3) -> float:
        size = size or self.val_size
        for ln in self.wrap(text, width, size, font):
            self.put(x, top, ln, size, font)
            top += size * lead
        return top

    def rect(self, x: float, top: float, w: float, h: float, lw: float = 0.7, fill: float | None = None) -> None:
        self.c.setLineWidth(lw)
        if fill is not None:
            self.c.setFillGray(fill)
            self.c.rect(x, H - top - h, w, h, stroke=1, fill=1)
            self.c.setFillGray(0)
        else:
            self.c.rect(x, H - top - h, w, h, stroke=1, fill=0)

    def hline(self, x0: float, x1: float, top: float, lw: float = 0.6, dash: bool = False) -> None:
        self.c.setLineWidth(lw)
        if dash:
            self.c.setDash(1, 2)
        self.c.line(x0, H - top, x1, H - top)
        if dash:
            self.c.setDash()

    def vline(self, x: float, top0: float, top1: float, lw: float = 0.6) -> None:
        self.c.setLineWidth(lw)
        self.c.line(x, H - top0, x, H - top1)

    def cell(self, x: float, top: float, w: float, h: float, caption: str | list[str], lines: list[str], *,
             number: str | None = None, val_size: float | None = None, border: bool = True,
             indent: float | None = None) -> float:
        """A ruled cell: caption (one or more small lines, optionally numbered) at its top, the value below."""
        if border:
            self.rect(x, top, w, h)
        caps = [caption] if isinstance(caption, str) else list(caption)
        t = top + 2.5
        for i, cap in enumerate(caps):
            txt = f"{number}. {cap}" if number and i == 0 else cap
            for ln in self.wrap(txt, w - 6, self.cap_size, self.cap_font):
                self.put(x + 3, t, ln, self.cap_size, self.cap_font)
                t += self.cap_size * 1.2
        t += 3
        vs = val_size or self.val_size
        ind = 3 + (self.rng.choice([4, 10, 16]) if indent is None else indent)
        for line in lines:
            for ln in self.wrap(line, w - ind - 4, vs):
                self.put(x + ind, t, ln, vs)
                t += vs * 1.22
        return t

    def stamp(self, cx: float, ctop: float, r: float, text: str, color: tuple[int, int, int] = (200, 30, 40),
              angle: float = 0.0, star: bool = False) -> None:
        """A rubber stamp / seal as an image (ink over whatever is printed below it, not text)."""
        from reportlab.lib.utils import ImageReader
        img = _stamp_image(text, int(r * 4), color, star)
        if angle:
            img = img.rotate(angle, expand=False)
        self.c.drawImage(ImageReader(img), cx - r, H - ctop - r, 2 * r, 2 * r, mask="auto")

    def signature(self, x: float, top: float, w: float, seed: int = 0) -> None:
        """A hand signature: a few pen strokes in blue-black."""
        import random
        r = random.Random(seed)
        c = self.c
        c.saveState()
        c.setStrokeColorRGB(0.1, 0.15, 0.45)
        c.setLineWidth(1.1)
        p = c.beginPath()
        y0 = H - top - 14
        p.moveTo(x, y0)
        xs = x
        for _ in range(5):
            dx = w / 5
            p.curveTo(xs + dx * 0.3, y0 + r.uniform(6, 16), xs + dx * 0.6, y0 - r.uniform(4, 12), xs + dx, y0 + r.uniform(-3, 5))
            xs += dx
        c.drawPath(p, stroke=1, fill=0)
        c.restoreState()

    def guilloche(self) -> None:
        """The fine security pattern printed under chamber forms (in a pale ink; it lowers OCR quality)."""
        import math
        c, r = self.c, self.rng
        tint = r.choice([(0.72, 0.82, 0.7), (0.84, 0.76, 0.66), (0.7, 0.76, 0.88)])
        c.saveState()
        c.setStrokeColorRGB(*tint)
        c.setLineWidth(0.5)
        amp, period, phase = r.uniform(6, 14), r.uniform(40, 90), r.uniform(0, 6.28)
        for k in range(0, int(H), 9):
            p = c.beginPath()
            p.moveTo(0, k)
            for x in range(0, int(W) + 6, 6):
                p.lineTo(x, k + amp * math.sin(x / period * 6.28 + phase + k / 37))
            c.drawPath(p, stroke=1, fill=0)
        c.restoreState()

    def strike(self, x0: float, top0: float, x1: float, top1: float) -> None:
        """The Z stroke that voids the unused part of a box."""
        self.c.setLineWidth(0.5)
        self.c.line(x0, H - top0, x1, H - top0)
        self.c.line(x1, H - top0, x0, H - top1)
        self.c.line(x0, H - top1, x1, H - top1)


def _stamp_image(text: str, px: int, color: tuple[int, int, int], star: bool):
    from PIL import Image, ImageDraw

    from originproof.samples.fonts import covers, font_choices, font_path  # noqa: F401
    img = Image.new("RGBA", (px, px), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    ink = (*color, 170)
    lw = max(2, px // 40)
    d.ellipse((lw, lw, px - lw, px - lw), outline=ink, width=lw)
    d.ellipse((px * 0.12, px * 0.12, px * 0.88, px * 0.88), outline=ink, width=max(1, lw // 2))
    script = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else (
        "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else "latin")
    from PIL import ImageFont
    fsize = max(8, int(px / max(4, min(len(text), 9)) * 0.9))
    font = ImageFont.truetype(str(font_path(script)), fsize)
    if star:
        import math
        cx = cy = px / 2
        pts = [(cx + (px * 0.16 if i % 2 == 0 else px * 0.065) * math.sin(i * math.pi / 5),
                cy - (px * 0.16 if i % 2 == 0 else px * 0.065) * math.cos(i * math.pi / 5)) for i in range(10)]
        d.polygon(pts, fill=ink)
        d.text((px / 2, px * 0.78), text[:8], font=font, fill=ink, anchor="mm")
    else:
        words = text.split() if " " in text else [text[i:i + 4] for i in range(0, len(text), 4)]
        lines = words[:3]
        for i, ln in enumerate(lines):
            d.text((px / 2, px / 2 + (i - (len(lines) - 1) / 2) * fsize * 1.1), ln, font=font, fill=ink, anchor="mm")
    return img


def _qr(c: canvas.Canvas, payload: str, x: float, top: float, size: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import qr
    from reportlab.graphics.shapes import Drawing
    w = qr.QrCodeWidget(payload)
    b = w.getBounds()
    dr = Drawing(size, size, transform=[size / (b[2] - b[0]), 0, 0, size / (b[3] - b[1]), 0, 0])
    dr.add(w)
    renderPDF.draw(dr, c, x, H - top - size)


def _goods_end(rng: Any) -> str:
    return rng.choice(["*** *** ***", "*******************", "- - - NO MORE ITEMS - - -", "XXXXXXXXXXXXXXXX",
                       "=== END ===", "******"])


# --------------------------------------------------------------------------- what a document prints
@dataclass
class Rendered:
    """One rendered document: the PDF, its layout family and the field values it prints (canonical form:
    ISO dates, country codes, HS codes), i.e. the labels a reader is scored against. A field a family
    does not print is absent from `printed` and listed in `not_printed`."""
    pdf: bytes
    family: str
    doc_type: str
    printed: dict[str, Any]
    not_printed: list[str] = field(default_factory=list)


def _coo_facts(s: DossierSpec) -> dict[str, Any]:
    origin = s.extras.get("coo_origin_name")
    number = s.extras.get("coo_number", s.coo_number)
    products = s.extras.get("coo_products", s.products)
    producer = s.extras.get("coo_producer", s.factory.name_en)
    printed = {"certificate_number": number, "issue_date": s.coo_date.isoformat(), "exporter": s.factory.name_en,
               "producer": producer, "origin_country": origin if origin else s.country,
               "invoice_number": s.invoice_number, "issuer": s.coo_issuer,
               "goods": sorted(p.hs_code[:6] for p in products)}
    if not number:
        printed.pop("certificate_number")
    return {"origin_name": origin or ORIGIN_NAME.get(s.country, s.country), "number": number, "products": products,
            "producer": producer, "printed": printed}


def _licence_facts(s: DossierSpec) -> dict[str, Any]:
    acts = list(s.extras.get("licence_activities", s.licence_activities))
    exp = s.extras.get("licence_expires", s.licence_expires)
    printed = {"licence_number": s.extras.get("licence_number", s.licence_number),
               "holder": s.extras.get("licence_holder", s.factory.name),
               "address": s.extras.get("factory_address", s.factory.address), "country": s.country,
               "issue_date": s.licence_issued.isoformat(), "authority": s.licence_authority, "activities": acts}
    if exp:
        printed["expiry_date"] = exp.isoformat()
    return {"acts": acts, "expires": exp, "printed": printed}


def _agreement_facts(s: DossierSpec) -> dict[str, Any]:
    owner = s.extras.get("agreement_owner", s.owner.name)
    factory = s.extras.get("agreement_factory", s.factory.name)
    products = s.extras.get("agreement_products", s.products)
    signed = not s.extras.get("agreement_unsigned")
    printed = {"parties": [owner, factory], "signed_on": s.agreement_signed.isoformat(),
               "term_start": s.agreement_start.isoformat(), "term_end": s.agreement_end.isoformat(),
               "signatures_present": signed, "products": len(products) + 1}
    return {"owner": owner, "factory": factory, "owner_en": s.extras.get("agreement_owner_en", s.owner.name_en),
            "factory_en": s.extras.get("agreement_factory_en", s.factory.name_en),
            "factory_reg": s.extras.get("agreement_factory_reg", s.factory.reg_no),
            "regs": s.extras.get("agreement_reg_numbers", True), "products": products,
            "brand_line": s.extras.get("agreement_brand_line", f"{s.brand} ({s.brand_local})"), "signed": signed,
            "printed": printed}


def _customs_facts(s: DossierSpec) -> dict[str, Any]:
    form = s.extras.get("customs_form", "declaration")
    if form == "inventory":
        number = s.extras.get("customs_number", s.customs_number[:8] + "I" + s.customs_number[9:])
        title, num_cap = "中华人民共和国海关跨境电子商务零售进口申报清单", "清单编号"
    elif form == "filing":
        number = s.extras.get("customs_number", s.customs_number)
        title, num_cap = "中华人民共和国海关进境货物备案清单", "海关编号"
    else:
        number = s.extras.get("customs_number", s.customs_number)
        title, num_cap = "中华人民共和国海关进口货物报关单", "海关编号"
    declared = s.extras.get("customs_declared", s.customs_declared)
    mode = s.extras.get("supervision_mode", s.supervision_mode)
    origin = s.extras.get("customs_origin", s.country)
    products = s.extras.get("customs_products", s.products)
    uscc = s.extras.get("consignee_uscc", s.merchant_uscc)
    printed = {"form": form, "declaration_number": number, "declared_on": declared.isoformat(),
               "imported_on": s.customs_imported.isoformat(), "consignee": s.merchant_name, "consignee_uscc": uscc,
               "consignor": s.factory.name_en, "supervision_mode": mode, "departure_country": s.country,
               "lines": sorted((p.hs_code, origin) for p in products)}
    return {"form": form, "number": number, "title": title, "num_cap": num_cap, "declared": declared, "mode": mode,
            "origin": origin, "products": products, "uscc": uscc, "printed": printed}


def _pdf_pages(draw_pages: list[Any], producer: str = "ReportLab PDF Library - www.reportlab.com") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setProducer(producer)
    for draw in draw_pages:
        draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def _country_line(s: DossierSpec) -> str:
    return ORIGIN_NAME.get(s.country, s.country)


def _qty(rng: Any) -> tuple[int, int]:
    n = rng.choice([480, 600, 960, 1200, 1440, 2400, 3000])
    per = rng.choice([24, 48, 60, 120])
    return n, max(1, n // per)


# --------------------------------------------------------------------------- certificate of origin
def _coo_boxed(s: DossierSpec, rng: Any) -> Rendered:
    F = _coo_facts(s)
    L0, R0, MID = 36.0, W - 36.0, rng.choice([292.0, 300.0, 310.0])
    city, port, _ = PLACE.get(s.country, ("", "", ""))
    date_style = rng.choice(["en_long", "en_abbr", "dmy_long"])
    issue = fmt_date(s.coo_date, date_style, s)
    inv_date = fmt_date(s.coo_date.fromordinal(s.coo_date.toordinal() - rng.randint(1, 9)), date_style, s)
    jcci = rng.random() < 0.5  # JCCI numbering (3 = invoice, 4 = origin) or the EU order (3 = origin)

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, "latin")
        if rng.random() < 0.35:
            p.guilloche()
        exp_lines = [s.factory.name_en] + _split_address(s.factory.address) + [_country_line(s)]
        to_order = rng.random() < 0.25
        con_lines = (["TO ORDER", "CHINA"] if to_order else
                     [CONSIGNEE_EN, rng.choice(["Room 1208, No. 88 Century Avenue", "No. 500 Hongfeng Road, Pudong"]),
                      "Shanghai 200120, CHINA"])
        n = iter(range(1, 20))
        p.cell(L0, 36, MID - L0, 96, _pick(rng, "co_exporter", "en"), exp_lines, number=str(next(n)))
        # title block, number top right
        p.rect(MID, 36, R0 - MID, 96)
        p.put(MID + 4, 40, _pick(rng, "co_number", "en"), p.cap_size, p.cap_font)
        p.put(R0 - 6, 40, F["number"], 11, align="right")
        p.put((MID + R0) / 2, 62, "CERTIFICATE OF ORIGIN", 14, p.cap_font, align="center")
        p.put((MID + R0) / 2, 80, "issued by", 7.5, p.cap_font, align="center")
        t = 90
        for ln in p.wrap(s.coo_issuer, R0 - MID - 12, 8.5):
            t = p.put((MID + R0) / 2, t, ln, 8.5, align="center")
        p.put((MID + R0) / 2, t + 2, rng.choice(["ORIGINAL", "ORIGINAL", "ORIGINAL / COPY"]), 8, p.cap_font, align="center")
        p.cell(L0, 132, MID - L0, 82, _pick(rng, "co_consignee", "en"), con_lines, number=str(next(n)))
        inv = ["Invoice No.: " + s.invoice_number, "Invoice Date: " + inv_date]
        if jcci:
            p.cell(MID, 132, R0 - MID, 42, _pick(rng, "co_invoice", "en"), inv, number=str(next(n)))
            p.cell(MID, 174, R0 - MID, 40, _pick(rng, "co_origin", "en"), [F["origin_name"]], number=str(next(n)))
        else:
            p.cell(MID, 132, R0 - MID, 82, _pick(rng, "co_origin", "en"), [F["origin_name"]], number=str(next(n)))
        transport = [f"From {port}, {_country_line(s)}", "To SHANGHAI, CHINA", rng.choice(["By Sea", "By Air", "By Sea (vessel)"])]
        p.cell(L0, 214, MID - L0, 66, _pick(rng, "co_transport", "en"), transport, number=str(next(n)))
        remarks = [f"{rng.choice(['Manufacturer', 'Producer', 'Manufactured by'])}: {F['producer']}"]
        if not jcci:
            remarks.append(f"Invoice No. {s.invoice_number} dated {inv_date}")
        p.cell(MID, 214, R0 - MID, 66, _pick(rng, "co_remarks", "en"), remarks, number=str(next(n)))
        # goods band with a narrow quantity column
        gtop, gh, qx = 280.0, 270.0, R0 - rng.choice([92.0, 104.0])
        p.rect(L0, gtop, R0 - L0, gh)
        p.vline(qx, gtop, gtop + gh)
        gnum, qnum = str(next(n)), str(next(n))
        t = gtop + 3
        for ln in p.wrap(f"{gnum}. {_pick(rng, 'co_goods', 'en')}", qx - L0 - 8, p.cap_size, p.cap_font):
            t = p.put(L0 + 3, t, ln, p.cap_size, p.cap_font)
        tq = gtop + 3
        for ln in p.wrap(f"{qnum}. {_pick(rng, 'co_quantity', 'en')}", R0 - qx - 5, p.cap_size, p.cap_font):
            tq = p.put(qx + 3, tq, ln, p.cap_size, p.cap_font)
        t = max(t, tq) + 8
        hs_cap = _pick(rng, "co_hs", "en")
        marks = rng.choice(["N/M", "NO MARK", f"{s.brand.upper()}\nSHANGHAI\nC/NO. 1-UP"]).split("\n")
        for ln in marks:
            t = p.put(L0 + 8, t, ln)
        t += 4
        for i, prod in enumerate(F["products"], 1):
            qty, ctn = _qty(rng)
            p.put(qx + 6, t, f"{qty:,} PCS")
            t = p.para(L0 + 8, t, f"{i}. {ctn} CARTONS OF {prod.name.upper()}", qx - L0 - 20)
            t = p.put(L0 + 20, t, f"{hs_cap}: {prod.hs_code[:6]}")
            t += 4
        t = p.put(L0 + 8, t + 2, _goods_end(rng))
        if rng.random() < 0.5:
            p.strike(L0 + 8, t + 4, qx - 10, gtop + gh - 8)
        # declaration by the exporter and the chamber's certification, place/date/stamp/signature
        btop, bh = gtop + gh, 150.0
        dnum, cnum = str(next(n)), str(next(n))
        origin_box = "4" if jcci else "3"
        p.cell(L0, btop, MID - L0, bh, "Declaration by the Exporter",
               ["The undersigned, as the exporter, hereby declares that the above-mentioned goods were "
                f"produced or manufactured in the country shown in box {origin_box}."], number=dnum, val_size=7.5, indent=2)
        p.put(L0 + 6, btop + bh - 52, f"{city.title()}, {inv_date}", 8.5)
        p.signature(L0 + 20, btop + bh - 44, 110, seed=s.seed)
        p.hline(L0 + 6, MID - 10, btop + bh - 18, dash=True)
        p.put(L0 + 6, btop + bh - 14, "(Signature)", 6.5, p.cap_font)
        p.cell(MID, btop, R0 - MID, bh, _pick(rng, "co_certification", "en"),
               ["The undersigned authority hereby certifies, on the basis of the invoice and other supporting "
                f"documents, that the goods described above originate in the country shown in box {origin_box}."],
               number=cnum, val_size=7.5, indent=2)
        t = btop + 62
        for ln in p.wrap(s.coo_issuer, R0 - MID - 12, 8):
            t = p.put(MID + 6, t, ln, 8)
        p.put(MID + 6, t + 4, f"{city.title()}, {issue}", 9.5)
        p.stamp(MID + rng.uniform(120, 190), t + rng.uniform(-4, 14), 32, s.coo_issuer.split(" (")[0][:28],
                (60, 60, 170), angle=rng.uniform(-20, 20))
        p.signature(MID + 40, btop + bh - 30, 120, seed=s.seed + 1)
        if s.extras.get("coo_qr", True):
            payload = s.extras.get("coo_qr_payload", f"COO;{s.coo_number};{s.country};{s.coo_date:%Y%m%d}")
            _qr(c, payload, R0 - 78, btop + bh + 6, 76)
        p.put(L0, btop + bh + 10, rng.choice(["ORIGINAL", "Page 1 of 1", ""]), 7, p.cap_font)
    return Rendered(_pdf_pages([draw]), "boxed", "certificate_of_origin", F["printed"])


def _coo_grid(s: DossierSpec, rng: Any) -> Rendered:
    F = _coo_facts(s)
    L0, R0 = 40.0, W - 40.0
    city, port, _ = PLACE.get(s.country, ("", "", ""))
    ds = rng.choice(["local", "iso", "en_long"]) if s.country not in ("JP",) else rng.choice(["iso", "en_long", "en_abbr"])
    issue = fmt_date(s.coo_date, ds, s)

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, "latin")
        p.put(W / 2, 40, "CERTIFICATE OF ORIGIN", 15, p.cap_font, align="center")
        t = 60
        for ln in p.wrap(s.coo_issuer, 420, 9):
            t = p.put(W / 2, t, ln, 9, align="center")
        top = t + 8
        cols = [L0, L0 + 170, L0 + 330, R0]
        heads = [(_pick(rng, "co_number", "en"), [F["number"]]), (_pick(rng, "co_date", "en"), [issue]),
                 (_pick(rng, "co_invoice", "en"), [s.invoice_number])]
        for (cap, val), x0, x1 in zip(heads, cols, cols[1:]):
            p.cell(x0, top, x1 - x0, 40, cap, val, indent=2)
        top += 40
        half = (L0 + R0) / 2
        party = [(_pick(rng, "co_exporter", "en"), [s.factory.name_en, s.factory.address, _country_line(s)]),
                 (_pick(rng, "co_consignee", "en"), [CONSIGNEE_EN, "Shanghai, CHINA"])]
        if rng.random() < 0.3:
            party.reverse()
        p.cell(L0, top, half - L0, 78, party[0][0], party[0][1], indent=2)
        p.cell(half, top, R0 - half, 78, party[1][0], party[1][1], indent=2)
        top += 78
        row = [(_pick(rng, "co_producer", "en"), [F["producer"]]), (_pick(rng, "co_origin", "en"), [F["origin_name"]]),
               (_pick(rng, "co_transport", "en"), [f"{port} - SHANGHAI", rng.choice(["by sea", "by air"])])]
        for (cap, val), x0, x1 in zip(row, cols, cols[1:]):
            p.cell(x0, top, x1 - x0, 54, cap, val, indent=2)
        top += 54
        # goods table: a ruled header row of captions, then the rows
        gx = [L0, L0 + 34, L0 + 110, L0 + 350, L0 + 420, R0]
        caps = ["Item", "Marks & Nos.", _pick(rng, "co_goods", "en") if rng.random() < 0.4 else "Description of goods",
                _pick(rng, "co_hs", "en"), _pick(rng, "co_quantity", "en")]
        hh = 30
        for cap, x0, x1 in zip(caps, gx, gx[1:]):
            p.rect(x0, top, x1 - x0, hh, fill=0.93)
            tt = top + 3
            for ln in p.wrap(cap, x1 - x0 - 5, p.cap_size, p.cap_font)[:3]:
                tt = p.put(x0 + 2.5, tt, ln, p.cap_size, p.cap_font)
        top += hh
        body_h = 250
        for x0 in gx:
            p.vline(x0, top, top + body_h)
        p.hline(L0, R0, top + body_h)
        t = top + 6
        for i, prod in enumerate(F["products"], 1):
            qty, ctn = _qty(rng)
            p.put(gx[0] + 4, t, str(i))
            p.put(gx[1] + 3, t, "N/M" if i == 1 else "")
            p.put(gx[3] + 3, t, prod.hs_code[:6])
            p.put(gx[4] + 3, t, f"{qty:,} pcs")
            p.put(gx[4] + 3, t + p.val_size * 1.25, f"{ctn} ctns")
            t = p.para(gx[2] + 3, t, prod.name, gx[3] - gx[2] - 6)
            t = p.put(gx[2] + 3, t, f"({prod.name_local})" if prod.name_local != prod.name else "") + 6
        p.put(gx[2] + 3, t, _goods_end(rng))
        top += body_h
        p.cell(L0, top, half - L0, 110, _pick(rng, "co_remarks", "en"), [], indent=2)  # blank remarks cell
        p.cell(half, top, R0 - half, 110, _pick(rng, "co_certification", "en"),
               ["It is hereby certified that the goods described above originate in the country shown.",
                f"{city.title()}, {issue}"], val_size=8, indent=2)
        p.stamp(half + rng.uniform(90, 170), top + 70, 30, s.coo_issuer.split(" (")[0][:26], (190, 30, 40),
                angle=rng.uniform(-25, 25))
        p.signature(half + 30, top + 82, 100, seed=s.seed)
        if s.extras.get("coo_qr", True):
            payload = s.extras.get("coo_qr_payload", f"COO;{s.coo_number};{s.country};{s.coo_date:%Y%m%d}")
            _qr(c, payload, L0 + 4, top + 116, 70)
    return Rendered(_pdf_pages([draw]), "grid", "certificate_of_origin", F["printed"])


def _leader_row(p: Sheet, x: float, vx: float, top: float, label: str, values: list[str], style: str,
                width: float) -> float:
    """A label-left row: 'Label: value', 'Label ........ value' or 'Label      value'; values may wrap."""
    lab = label + (":" if style == "colon" else "")
    p.put(x, top, lab, p.val_size - 0.5, p.cap_font)
    if style == "dots":
        lw = p.width(lab, p.val_size - 0.5, p.cap_font)
        dots = " ." * int(max(0, (vx - x - lw - 8)) / p.width(" .", p.val_size - 0.5, p.cap_font))
        p.put(x + lw + 2, top, dots, p.val_size - 0.5, p.cap_font)
    lab_end = x + p.width(lab, p.val_size - 0.5, p.cap_font) + 8
    if lab_end > vx:  # a long caption: the value goes on the next line, at the value column
        top += p.val_size * 1.3
    t = top
    for v in values or [""]:
        t = p.para(vx, t, v, width - (vx - x))
    return max(t, top + p.val_size * 1.3)


def _coo_colon(s: DossierSpec, rng: Any) -> Rendered:
    F = _coo_facts(s)
    city, port, _ = PLACE.get(s.country, ("", "", ""))
    ds = {"US": "local", "JP": "en_long", "KR": "en_long"}.get(s.country, rng.choice(["local", "dmy_long"]))
    issue = fmt_date(s.coo_date, ds, s)
    style = rng.choice(["colon", "dots", "gap"])

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, "latin")
        x, vx, width = 56.0, rng.choice([190.0, 210.0, 230.0]), W - 112
        t = p.para(W / 2 - 200, 44, s.coo_issuer, 400, 12.5, p.cap_font)
        p.hline(56, W - 56, t + 2, lw=1.2)
        t = p.put(W / 2, t + 16, rng.choice(["CERTIFICATE OF ORIGIN", "Certificate of Origin"]), 16, p.cap_font, align="center")
        t = p.put(W - 56, t + 4, f"{_pick(rng, 'co_number', 'en')} {F['number']}".strip(), 10, align="right") + 10
        rows = [(_pick(rng, "co_exporter", "en").split(" (")[0], [s.factory.name_en, s.factory.address]),
                (_pick(rng, "co_consignee", "en").split(" (")[0], [CONSIGNEE_EN, "Shanghai, China"]),
                (_pick(rng, "co_producer", "en").split(" (")[0], [F["producer"]]),
                (_pick(rng, "co_invoice", "en"), [s.invoice_number]),
                (_pick(rng, "co_origin", "en"), [F["origin_name"]]),
                (_pick(rng, "co_transport", "en").split(" (")[0], [f"{port} to Shanghai by {rng.choice(['sea', 'air'])}"])]
        head, rest = rows[:2], rows[2:]
        rng.shuffle(rest)
        for lab, vals in head + rest:
            t = _leader_row(p, x, vx, t, lab, vals, style, width) + 5
        t += 6
        t = p.put(x, t, "Description of goods", p.val_size, p.cap_font)
        p.hline(x, W - 56, t)
        t += 4
        for prod in F["products"]:
            qty, _ = _qty(rng)
            p.put(W - 56, t, f"{qty:,} units", align="right")
            t = p.para(x + 10, t, f"{prod.name} — HS {prod.hs_code[:6]}", 360)
        t = p.put(x + 10, t + 2, _goods_end(rng)) + 14
        stmt = ("The undersigned, an authorized officer of the above-named chamber, certifies that according to the "
                f"best of its knowledge and belief the goods named above originate in {F['origin_name'].title()}.")
        t = p.para(x, t, stmt, width, 8.5) + 10
        t = _leader_row(p, x, vx, t, _pick(rng, "co_date", "en"), [issue], style, width) + 4
        t = _leader_row(p, x, vx, t, "Place", [city.title()], style, width) + 30
        p.signature(x + 10, t - 20, 130, seed=s.seed)
        p.hline(x, x + 200, t + 2)
        p.put(x, t + 6, rng.choice(["Authorized signature", "Secretary", "Certifying officer"]), 7.5, p.cap_font)
        p.stamp(x + rng.uniform(150, 230), t - rng.uniform(10, 30), 36, s.coo_issuer.split(" (")[0][:30],
                (150, 20, 30), angle=rng.uniform(-30, 30), star=True)
        if s.extras.get("coo_qr", True):
            payload = s.extras.get("coo_qr_payload", f"COO;{s.coo_number};{s.country};{s.coo_date:%Y%m%d}")
            _qr(c, payload, W - 56 - 80, t - 40, 80)
    return Rendered(_pdf_pages([draw]), "colon", "certificate_of_origin", F["printed"])


_CO_TITLE = {"de": "URSPRUNGSZEUGNIS", "fr": "CERTIFICAT D'ORIGINE", "it": "CERTIFICATO D'ORIGINE",
             "ja": "原産地証明書", "ko": "원산지증명서", "en": "CERTIFICAT D'ORIGINE"}
_CO_CERT = {"de": "Die unterzeichnende Stelle bescheinigt, dass die oben bezeichneten Waren ihren Ursprung in dem in "
                  "Feld 3 angegebenen Land haben.",
            "fr": "L'autorité soussignée certifie que les marchandises désignées ci-dessus sont originaires du pays "
                  "figurant dans la case 3.",
            "it": "L'autorità sottoscritta certifica che le merci sopra indicate sono originarie del paese indicato "
                  "nella casella 3.",
            "ja": "上記の貨物が第3欄記載の国を原産地とするものであることを証明する。",
            "ko": "상기 물품이 제3란에 기재된 국가를 원산지로 하는 것임을 증명합니다.",
            "en": "L'autorité soussignée certifie que les marchandises désignées ci-dessus sont originaires du pays "
                  "figurant dans la case 3."}


def _coo_bilingual(s: DossierSpec, rng: Any) -> Rendered:
    F = _coo_facts(s)
    lang = s.lang if s.lang in _CO_TITLE else "en"
    second = "fr" if lang == "en" else lang  # English forms pair with French
    city, port, _ = PLACE.get(s.country, ("", "", ""))
    ds = "local" if s.country in ("DE", "FR", "IT", "KR", "GB", "AU", "US") else "iso"
    issue = fmt_date(s.coo_date, ds, s)
    script = "latin" if second in ("de", "fr", "it") else {"ja": "ja", "ko": "ko"}[second]

    def cap(key: str) -> list[str]:
        return [_pick(rng, key, second), _pick(rng, key, "en")]

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script)
        if rng.random() < 0.35:
            p.guilloche()
        L0, R0, MID = 34.0, W - 34.0, 300.0
        origin_local = ORIGIN_LOCAL.get(s.country, (F["origin_name"],))[0] if not s.extras.get("coo_origin_name") else F["origin_name"]
        p.cell(L0, 34, MID - L0, 92, cap("co_exporter"), [s.factory.name_en, *_split_address(s.factory.address)], number="1")
        p.rect(MID, 34, R0 - MID, 150)
        p.put(MID + 4, 38, " / ".join([_pick(rng, "co_number", second), "No."]), p.cap_size, p.cap_font)
        p.put(R0 - 6, 50, F["number"], 11, align="right")
        region = {"DE": "EUROPÄISCHE UNION", "FR": "UNION EUROPEENNE", "IT": "UNIONE EUROPEA"}.get(s.country)
        t = 72
        if region:
            t = p.put((MID + R0) / 2, t, f"{region} / EUROPEAN UNION", 8.5, p.cap_font, align="center")
        t = p.put((MID + R0) / 2, t + 2, _CO_TITLE[second], 13, p.cap_font, align="center")
        t = p.put((MID + R0) / 2, t, "CERTIFICATE OF ORIGIN", 11, p.cap_font, align="center")
        for ln in p.wrap(s.coo_issuer, R0 - MID - 14, 8):
            t = p.put((MID + R0) / 2, t + 1, ln, 8, align="center")
        p.put((MID + R0) / 2, t + 4, "ORIGINAL", 9, p.cap_font, align="center")
        p.cell(L0, 126, MID - L0, 58, cap("co_consignee"), [CONSIGNEE_EN, "Shanghai, China"], number="2")
        p.cell(L0, 184, R0 - L0, 40, cap("co_origin"), [f"{origin_local}" + (f" ({F['origin_name']})" if origin_local != F['origin_name'] else "")],
               number="3")
        p.cell(L0, 224, MID - L0, 62, cap("co_transport"), [f"{port} → Shanghai", rng.choice([{"de": "Seefracht / by sea", "fr": "par mer / by sea",
                                                            "it": "via mare / by sea"}.get(second, "by sea"), "by sea"])],
               number="4")
        rem = [f"{_pick(rng, 'co_producer', second)} / {_pick(rng, 'co_producer', 'en')}: {F['producer']}",
               f"{_pick(rng, 'co_invoice', second)}: {s.invoice_number}"]
        p.cell(MID, 224, R0 - MID, 62, cap("co_remarks"), rem, number="5", val_size=8.5)
        gtop, gh, qx = 286.0, 260.0, R0 - 96
        p.rect(L0, gtop, R0 - L0, gh)
        p.vline(qx, gtop, gtop + gh)
        t = gtop + 3
        for cp in cap("co_goods"):
            for ln in p.wrap(f"6  {cp}" if t == gtop + 3 else cp, qx - L0 - 8, p.cap_size, p.cap_font):
                t = p.put(L0 + 3, t, ln, p.cap_size, p.cap_font)
        tq = gtop + 3
        for k, cp in enumerate(cap("co_quantity")):
            for ln in p.wrap(cp if k else f"7  {cp}", R0 - qx - 6, p.cap_size, p.cap_font):
                tq = p.put(qx + 3, tq, ln, p.cap_size, p.cap_font)
        t = max(t, tq) + 8
        for i, prod in enumerate(F["products"], 1):
            qty, ctn = _qty(rng)
            p.put(qx + 6, t, f"{qty} Stk." if lang == "de" else f"{qty} pcs")
            t = p.para(L0 + 8, t, f"{i}  {ctn} ctn  {prod.name}", qx - L0 - 20)
            t = p.put(L0 + 26, t, f"HS {prod.hs_code[:6]}") + 3
        t = p.put(L0 + 8, t + 2, _goods_end(rng))
        p.strike(L0 + 8, t + 6, qx - 8, gtop + gh - 8)
        btop = gtop + gh
        p.cell(L0, btop, R0 - L0, 150, [_pick(rng, "co_certification", second), _pick(rng, "co_certification", "en")],
               [_CO_CERT[second], "The undersigned authority certifies that the goods described above originate in "
                                  "the country shown in box 3."], number="8", val_size=7.5, indent=2)
        p.put(L0 + 8, btop + 84, f"{city.title()}, {issue}", 10)
        p.hline(L0 + 8, L0 + 200, btop + 98, dash=True)
        p.put(L0 + 8, btop + 101, {"de": "Ort und Datum / Place and date", "fr": "Lieu et date / Place and date",
                                   "it": "Luogo e data / Place and date", "ja": "場所及び日付 / Place and date",
                                   "ko": "장소 및 일자 / Place and date"}.get(second, "Place and date"), 6.5, p.cap_font)
        p.stamp(L0 + rng.uniform(120, 260), btop + 92, 34, s.coo_issuer.split(" (")[0][:30], (40, 60, 160),
                angle=rng.uniform(-15, 15))
        p.signature(L0 + 300, btop + 100, 120, seed=s.seed)
        if s.extras.get("coo_qr", True):
            payload = s.extras.get("coo_qr_payload", f"COO;{s.coo_number};{s.country};{s.coo_date:%Y%m%d}")
            _qr(c, payload, R0 - 74, btop + 74, 70)
    return Rendered(_pdf_pages([draw]), "bilingual", "certificate_of_origin", F["printed"])


# --------------------------------------------------------------------------- factory licence
def _lic_rows(s: DossierSpec, rng: Any, lang: str, F: dict[str, Any], ds: str) -> list[tuple[str, str, list[str]]]:
    sep = "、" if lang in ("ja", "zh") else (", " if lang != "ko" else ", ")
    pr = F["printed"]
    rows = [("number", _pick(rng, "lic_number", lang), [pr["licence_number"]]),
            ("holder", _pick(rng, "lic_holder", lang), [pr["holder"]]),
            ("reg", _pick(rng, "lic_reg", lang), [s.factory.reg_no] if s.factory.reg_no else []),
            ("address", _pick(rng, "lic_address", lang), [pr["address"]]),
            ("activities", _pick(rng, "lic_activities", lang), [sep.join(F["acts"])]),
            ("issued", _pick(rng, "lic_issued", lang), [fmt_date(s.licence_issued, ds, s)])]
    if F["expires"]:
        rows.append(("expires", _pick(rng, "lic_expires", lang), [fmt_date(F["expires"], ds, s)]))
    rows.append(("authority", _pick(rng, "lic_authority", lang), [s.licence_authority]))
    if not s.factory.reg_no:
        rows = [r for r in rows if r[0] != "reg"]
    return rows


def _register_page(s: DossierSpec, rng: Any, lang: str, style: str):
    """The company-register extract that goes with an ISO 22716 certificate (page 2), in the family's style."""
    title, court = REGISTER_EXTRACT.get(s.country, ("Company Register Extract", "Companies Registry"))

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        p.put(W / 2, 50, title, 15, p.cap_font, align="center")
        rows = [(_pick(rng, "lic_holder", lang), s.factory.name), (_pick(rng, "lic_reg", lang), s.factory.reg_no),
                (_pick(rng, "lic_address", lang), s.factory.address), (_pick(rng, "lic_authority", lang), court)]
        t = 90.0
        for cap, val in rows:
            if style == "cells":
                p.cell(50, t, W - 100, 40, cap, [val], indent=4)
                t += 40
            else:
                t = _leader_row(p, 56, 220, t, cap, [val], "dots", W - 112) + 8
    return draw


def _lic_boxed(s: DossierSpec, rng: Any) -> Rendered:
    F = _licence_facts(s)
    lang = s.lang
    ds = rng.choice(_doc_date_styles(s))
    rows = _lic_rows(s, rng, lang, F, ds)

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        p.rect(28, 28, W - 56, H - 56, lw=2.2)
        p.rect(33, 33, W - 66, H - 66, lw=0.6)
        t = p.para(W / 2 - 220, 64, s.licence_title, 440, 17, p.cap_font)
        L0, R0 = 60.0, W - 60.0
        half = (L0 + R0) / 2
        top = t + 20
        pairs: list[list[tuple[str, str, list[str]]]] = []
        by = {k: (k, cap, v) for k, cap, v in rows}
        pairs.append([by["number"], by["issued"]])
        pairs.append([by["holder"]])
        if "reg" in by:
            pairs.append([by["reg"], ("remarks", _pick(rng, "lic_remarks", lang), [])])  # a blank cell is legal
        pairs.append([by["address"]])
        pairs.append([by["activities"]] + ([by["expires"]] if "expires" in by else []))
        pairs.append([by["authority"]])
        if rng.random() < 0.5:
            pairs[1], pairs[3] = pairs[3], pairs[1]  # field order varies
        n = 1
        numbered = rng.random() < 0.5
        for grp in pairs:
            xs = [L0, R0] if len(grp) == 1 else [L0, half, R0]
            h = 48
            for (k, cap, vals), x0, x1 in zip(grp, xs, xs[1:]):
                p.cell(x0, top, x1 - x0, h, cap, vals, number=str(n) if numbered else None)
                n += 1
            top += h
        stmt = {"ja": "上記のとおり許可したことを証明する。", "ko": "위와 같이 등록하였음을 증명합니다.",
                "de": "Hiermit wird die Erfüllung der Anforderungen bescheinigt.",
                "fr": "Le présent certificat atteste la conformité aux exigences.",
                "it": "Si certifica la conformità ai requisiti.", "en": "This is to certify that the above is registered."}[lang]
        t = p.para(L0, top + 24, stmt, R0 - L0)
        t = p.put(L0, t + 10, fmt_date(s.licence_issued, ds, s))
        t = p.put(R0 - 10, t + 16, s.licence_authority, 12, align="right")
        p.stamp(R0 - rng.uniform(30, 80), t - 14, 34, s.licence_authority[:12], (200, 30, 30), angle=rng.uniform(-10, 10))
    pages = [draw]
    if s.licence_scheme.startswith("iso_22716") and not s.extras.get("no_register_extract"):
        pages.append(_register_page(s, rng, lang, "cells"))
    return Rendered(_pdf_pages(pages), "boxed", "factory_licence", F["printed"])


def _lic_grid(s: DossierSpec, rng: Any) -> Rendered:
    F = _licence_facts(s)
    lang = s.lang
    ds = rng.choice(_doc_date_styles(s))
    rows = {k: (cap, v) for k, cap, v in _lic_rows(s, rng, lang, F, ds)}

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        L0, R0 = 44.0, W - 44.0
        t = p.para(L0, 50, s.licence_title, R0 - L0, 15, p.cap_font)
        p.hline(L0, R0, t + 2, lw=1.4)
        top = t + 16
        # a ruled grid: a shaded row of captions above a row of values (register-extract style)
        bands = [["number", "issued"] + (["expires"] if "expires" in rows else []), ["holder"] + (["reg"] if "reg" in rows else []),
                 ["address"], ["activities", "authority"]]
        if rng.random() < 0.5:
            bands[2], bands[3] = bands[3], bands[2]
        for band in bands:
            n = len(band)
            xs = [L0 + (R0 - L0) * i / n for i in range(n + 1)]
            capt_h = 16
            val_lines = [p.wrap(rows[k][1][0] if rows[k][1] else "", xs[1] - xs[0] - 10, p.val_size) for k in band]
            vh = max(len(v) for v in val_lines) * p.val_size * 1.25 + 10
            for k, x0, x1, vl in zip(band, xs, xs[1:], val_lines):
                p.rect(x0, top, x1 - x0, capt_h, fill=0.9)
                p.put(x0 + 4, top + 4, rows[k][0], p.cap_size + 0.5, p.cap_font)
                p.rect(x0, top + capt_h, x1 - x0, vh)
                tt = top + capt_h + 5
                for ln in vl:
                    tt = p.put(x0 + 5, tt, ln)
            top += capt_h + vh + rng.choice([0, 6])
        p.rect(L0, top + 10, R0 - L0, 16, fill=0.9)
        p.put(L0 + 4, top + 14, _pick(rng, "lic_remarks", lang), p.cap_size + 0.5, p.cap_font)
        p.rect(L0, top + 26, R0 - L0, 30)  # blank remarks row
        p.put(R0, top + 80, fmt_date(s.licence_issued, ds, s), align="right")
        p.put(R0, top + 100, s.licence_authority, 11, align="right")
        p.stamp(R0 - 40, top + 100, 30, s.licence_authority[:10], (210, 40, 40), angle=rng.uniform(-15, 15))
    pages = [draw]
    if s.licence_scheme.startswith("iso_22716") and not s.extras.get("no_register_extract"):
        pages.append(_register_page(s, rng, lang, "cells"))
    return Rendered(_pdf_pages(pages), "grid", "factory_licence", F["printed"])


def _spaced(label: str, lang: str, width_chars: int = 5) -> str:
    """Japanese forms pad short captions with ideographic spaces (名　　称)."""
    if lang == "ja" and len(label) == 2:
        return label[0] + "\u3000\u3000" + label[1]
    if lang == "ja" and len(label) == 3:
        return label[0] + "\u3000" + label[1] + "\u3000" + label[2]
    return label


def _lic_colon(s: DossierSpec, rng: Any) -> Rendered:
    F = _licence_facts(s)
    lang = s.lang
    ds = rng.choice(_doc_date_styles(s))
    rows = _lic_rows(s, rng, lang, F, ds)
    style = rng.choice(["colon", "dots", "gap"])
    head = rows[:2]
    rest = rows[2:]
    rng.shuffle(rest)

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        x, vx = 60.0, rng.choice([190.0, 215.0, 240.0])
        if lang == "fr" and rng.random() < 0.6:
            p.put(x, 40, "Greffe du Tribunal de commerce" if "Greffe" in s.licence_authority else s.licence_authority, 9,
                  p.cap_font)
        t = p.put(W / 2, 70, s.licence_title, 16, p.cap_font, align="center")
        if lang == "fr" and rng.random() < 0.5:
            t = p.put(W / 2, t, f"à jour au {fmt_date(s.licence_issued, ds, s)}", 9, align="center")
        t += 20
        section = {"ja": "記", "ko": "내용", "de": "Angaben", "fr": "IDENTIFICATION", "it": "Dati", "en": "Particulars"}[lang]
        if rng.random() < 0.5:
            t = p.put(x, t, section, p.val_size + 1, p.cap_font) + 6
        for k, cap, vals in head + rest:
            t = _leader_row(p, x, vx, t, _spaced(cap, lang), vals, style, W - 2 * x) + rng.choice([6, 9, 12])
        t += 20
        stmt = {"ja": "化粧品等の製造業の許可を受けた者であることを証明する。", "ko": "위와 같이 등록되었음을 증명합니다.",
                "de": "Es wird bescheinigt, dass das Unternehmen die Anforderungen erfüllt.",
                "fr": "Le présent document certifie l'exactitude des renseignements ci-dessus.",
                "it": "Si attesta la veridicità dei dati sopra riportati.",
                "en": "This certifies that the facility above is registered for the activities shown."}[lang]
        t = p.para(x, t, stmt, W - 2 * x) + 16
        t = p.put(x + 20, t, fmt_date(s.licence_issued, ds, s)) + 10
        t = p.put(W - 70, t, s.licence_authority, 12, align="right")
        p.stamp(W - 70 - rng.uniform(0, 60), t - 12, 32, s.licence_authority[:10], (200, 30, 30), angle=rng.uniform(-20, 20))
    pages = [draw]
    if s.licence_scheme.startswith("iso_22716") and not s.extras.get("no_register_extract"):
        pages.append(_register_page(s, rng, lang, "rows"))
    return Rendered(_pdf_pages(pages), "colon", "factory_licence", F["printed"])


def _lic_bilingual(s: DossierSpec, rng: Any) -> Rendered:
    F = _licence_facts(s)
    lang = s.lang
    other = "fr" if lang == "en" else "en"
    ds = rng.choice(_doc_date_styles(s))
    rows = _lic_rows(s, rng, lang, F, ds)
    rng2 = type(rng)(rng.random())
    en_caps = {k: _pick(rng2, f"lic_{k}" if k != "reg" else "lic_reg", other) for k, _, _ in rows}

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        L0, R0 = 46.0, W - 46.0
        t = p.put(W / 2, 50, s.licence_title, 16, p.cap_font, align="center")
        t = p.put(W / 2, t + 2, {"en": "Certificat / Licence", "fr": "Certificate / Licence"}.get(lang, "Certificate / Licence"),
                  10, p.cap_font, align="center") + 18
        capw = rng.choice([150.0, 170.0])
        for k, cap, vals in rows:
            lines = p.wrap(vals[0] if vals else "", R0 - L0 - capw - 12, p.val_size)
            h = max(34, len(lines) * p.val_size * 1.25 + 12)
            p.rect(L0, t, capw, h, fill=0.94)
            p.rect(L0 + capw, t, R0 - L0 - capw, h)
            p.put(L0 + 4, t + 4, cap, p.cap_size + 1, p.cap_font)
            p.put(L0 + 4, t + 6 + (p.cap_size + 1) * 1.25, en_caps[k], p.cap_size, p.cap_font)
            tt = t + 6
            for ln in lines:
                tt = p.put(L0 + capw + 6, tt, ln)
            t += h
        t += 24
        p.put(L0, t, f"{fmt_date(s.licence_issued, ds, s)}")
        p.put(R0, t + 20, s.licence_authority, 11, align="right")
        p.stamp(R0 - 60, t + 16, 30, s.licence_authority[:10], (200, 30, 30), angle=rng.uniform(-10, 10))
    pages = [draw]
    if s.licence_scheme.startswith("iso_22716") and not s.extras.get("no_register_extract"):
        pages.append(_register_page(s, rng, lang, "cells"))
    return Rendered(_pdf_pages(pages), "bilingual", "factory_licence", F["printed"])


# --------------------------------------------------------------------------- production agreement
def _agr_texts(s: DossierSpec, rng: Any, lang: str, F: dict[str, Any], ds: str) -> dict[str, Any]:
    A = AGR[lang]
    aa, bb = rng.choice(A["alias"])
    start, end = fmt_date(s.agreement_start, ds, s), fmt_date(s.agreement_end, ds, s)
    sig = fmt_date(s.agreement_signed, ds, s)
    a_name = F["owner"] + (f" ({F['owner_en']})" if F["owner_en"] and F["owner_en"] != F["owner"] and rng.random() < 0.5 else "")
    b_name = F["factory"] + (f" ({F['factory_en']})" if F["factory_en"] and F["factory_en"] != F["factory"] and rng.random() < 0.5 else "")
    cap1 = lambda x: x[:1].upper() + x[1:]  # noqa: E731
    return {"A": A, "aa": aa, "bb": bb, "start": start, "end": end, "sig": sig,
            "title": rng.choice(A["titles"]), "a_name": a_name, "b_name": b_name,
            "preamble": A["preamble"].format(a=a_name, b=b_name, aa=aa, bb=bb),
            "purpose": cap1(A["purpose"].format(aa=aa, bb=bb)),
            "term": rng.choice(A["term"]).format(start=start, end=end),
            "quality": cap1(A["quality"].format(aa=aa, bb=bb)),
            "closing": A["closing"].format(aa=aa, bb=bb),
            "dated": A["dated"].format(date=sig, place=PLACE.get(s.country, ("", "", ""))[2]),
            "products": [F["brand_line"]] + [f"{p.name_local} / {p.name}" if p.name_local != p.name else p.name
                                             for p in F["products"]]}


def _sign_blocks(p: Sheet, s: DossierSpec, rng: Any, lang: str, T: dict[str, Any], F: dict[str, Any], top: float,
                 side_by_side: bool, L0: float, R0: float) -> float:
    A = T["A"]
    if not F["signed"]:
        return top
    parties = [(T["aa"], F["owner"], s.owner.address), (T["bb"], F["factory"], s.factory.address)]
    cap = rng.choice(A["sign_caps"])
    w = (R0 - L0) / 2 - 10 if side_by_side else R0 - L0
    bottom = top
    for i, (alias, name, addr) in enumerate(parties):
        x = L0 + (i * ((R0 - L0) / 2 + 10) if side_by_side else 0)
        t = top if side_by_side else bottom
        if lang == "en" and cap.startswith("Signed for"):
            t = p.para(x, t, f"Signed for and on behalf of {name}", w, p.val_size - 0.5)
        else:
            label = {"ja": f"（{alias}）", "ko": f"({alias})"}.get(lang, alias[:1].upper() + alias[1:])
            t = p.put(x, t, label)
            t = p.para(x + 8, t, f"{A['addr']}: {addr}", w - 8, p.val_size - 1)
            t = p.para(x + 8, t, f"{A['name']}: {name}", w - 8, p.val_size - 0.5)
        rep = f"{rng.choice(A['rep'])} {rng.choice(A['names'])}"
        t = p.put(x + 8, t + 2, rep)
        p.signature(x + 20, t + 4, min(140, w - 40), seed=s.seed + i)
        p.hline(x + 8, x + min(w, 240), t + 28, dash=True)
        t = p.put(x + 8, t + 31, cap, 7, p.cap_font)
        if lang in ("ja", "ko", "zh"):
            p.stamp(x + min(w, 240) - 30, t - 26, 20, name[:6] if lang != "ko" else name[-6:],
                    (205, 30, 35), angle=rng.uniform(-10, 10))
        elif rng.random() < 0.6:
            p.stamp(x + min(w, 240) - 50, t - 30, 26, name[:24], (40, 70, 170), angle=rng.uniform(-20, 20))
        bottom = max(bottom, t + 14)
    return bottom


def _agr_colon(s: DossierSpec, rng: Any) -> Rendered:
    """A classic contract: title, preamble with aliases, articles, place/date, signature blocks."""
    F = _agreement_facts(s)
    lang = s.lang
    ds = rng.choice(_doc_date_styles(s))
    T = _agr_texts(s, rng, lang, F, ds)
    A = T["A"]

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        L0, R0 = 58.0, W - 58.0
        t = p.put(W / 2, 50, T["title"], 16, p.cap_font, align="center") + 14
        if lang == "en" and rng.random() < 0.5:
            t = p.para(L0, t, f"This Agreement is dated {T['sig']}.", R0 - L0)
        t = p.para(L0, t, T["preamble"], R0 - L0) + 8
        arts = [("t_purpose", [T["purpose"]]), ("t_products", T["products"]), ("t_term", [T["term"]]),
                ("t_quality", [T["quality"]])]
        if rng.random() < 0.4:
            arts[2], arts[3] = arts[3], arts[2]
        for n, (key, body) in enumerate(arts, 1):
            t = p.put(L0, t, A["art"].format(n=n, t=A[key]), p.val_size, p.cap_font) + 1
            for j, line in enumerate(body):
                prefix = ("" if key != "t_products" else ("" if j == 0 else f"({j}) "))
                t = p.para(L0 + 12, t, prefix + line, R0 - L0 - 12)
            t += 6
        if T["closing"]:
            t = p.para(L0, t + 4, T["closing"], R0 - L0) + 4
        t = p.put(L0 if lang != "ja" else L0 + 20, t + 6, T["dated"]) + 18
        _sign_blocks(p, s, rng, lang, T, F, t, side_by_side=rng.random() < 0.6, L0=L0, R0=R0)
    return Rendered(_pdf_pages([draw]), "colon", "production_agreement", F["printed"])


def _agr_boxed(s: DossierSpec, rng: Any) -> Rendered:
    """A cover sheet of ruled cells (caption above value) summarising the contract, then short articles."""
    F = _agreement_facts(s)
    lang = s.lang
    ds = rng.choice(_doc_date_styles(s))
    T = _agr_texts(s, rng, lang, F, ds)
    A = T["A"]

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        L0, R0 = 44.0, W - 44.0
        half = (L0 + R0) / 2
        t = p.put(W / 2, 44, T["title"], 16, p.cap_font, align="center") + 10
        r1, r2 = A["role"]
        p.cell(L0, t, half - L0, 70, f"{r1} ({T['aa']})", [T["a_name"], s.owner.address]
               + ([f"{A['reg']} {s.owner.reg_no}"] if F["regs"] and s.owner.reg_no else []), number="1")
        p.cell(half, t, R0 - half, 70, f"{r2} ({T['bb']})", [T["b_name"], s.factory.address]
               + ([f"{A['reg']} {F['factory_reg']}"] if F["regs"] and F["factory_reg"] else []), number="2")
        t += 70
        p.cell(L0, t, half - L0, 40, A["date_cap"], [T["sig"]], number="3")
        p.cell(half, t, R0 - half, 40, A["term_cap"], [f"{T['start']} – {T['end']}"], number="4")
        t += 40
        n_lines = sum(len(p.wrap(x, R0 - L0 - 30, p.val_size)) for x in T["products"])
        ph = 20 + p.val_size * 1.22 * n_lines + 6
        p.cell(L0, t, R0 - L0, ph, A["prod_cap"], T["products"], number="5", indent=6)
        t += ph + 14
        t = p.para(L0, t, T["preamble"], R0 - L0, p.val_size - 0.5) + 6
        for n, key in enumerate(("purpose", "term", "quality"), 1):
            tkey = {"purpose": "t_purpose", "term": "t_term", "quality": "t_quality"}[key]
            t = p.put(L0, t, A["art"].format(n=n, t=A[tkey]), p.val_size - 0.5, p.cap_font)
            t = p.para(L0 + 10, t, T[key], R0 - L0 - 10, p.val_size - 0.5) + 4
        t = p.put(L0, t + 6, T["dated"]) + 10
        if F["signed"]:
            # two ruled signature boxes side by side
            p.rect(L0, t, half - L0, 120)
            p.rect(half, t, R0 - half, 120)
        _sign_blocks(p, s, rng, lang, T, F, t + 6, side_by_side=True, L0=L0 + 6, R0=R0 - 6)
    return Rendered(_pdf_pages([draw]), "boxed", "production_agreement", F["printed"])


def _agr_grid(s: DossierSpec, rng: Any) -> Rendered:
    """Parties and products in ruled tables with a header row of captions; signatures stacked."""
    F = _agreement_facts(s)
    lang = s.lang
    ds = rng.choice(_doc_date_styles(s))
    T = _agr_texts(s, rng, lang, F, ds)
    A = T["A"]

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        L0, R0 = 44.0, W - 44.0
        t = p.put(L0, 44, T["title"], 15, p.cap_font)
        t = p.put(R0, 44, f"{A['date_cap']}: {T['sig']}", 9, align="right")
        t = max(t, 66.0) + 6
        xs = [L0, L0 + 60, L0 + 250, R0 - 100, R0]
        heads = ["", A["name"], A["addr"], A["reg"]]
        for hcap, x0, x1 in zip(heads, xs, xs[1:]):
            p.rect(x0, t, x1 - x0, 16, fill=0.9)
            p.put(x0 + 3, t + 4, hcap, p.cap_size + 0.5, p.cap_font)
        t += 16
        for alias, name, addr, reg in ((T["aa"], T["a_name"], s.owner.address, s.owner.reg_no),
                                       (T["bb"], T["b_name"], s.factory.address, F["factory_reg"])):
            cells = [alias, name, addr, reg if F["regs"] else ""]
            wrapped = [p.wrap(v, x1 - x0 - 6, p.val_size - 0.5) for v, x0, x1 in zip(cells, xs, xs[1:])]
            h = max(len(w_) for w_ in wrapped) * (p.val_size - 0.5) * 1.25 + 8
            for wl, x0, x1 in zip(wrapped, xs, xs[1:]):
                p.rect(x0, t, x1 - x0, h)
                tt = t + 4
                for ln in wl:
                    tt = p.put(x0 + 3, tt, ln, p.val_size - 0.5)
            t += h
        t += 12
        t = p.para(L0, t, T["preamble"], R0 - L0) + 6
        t = p.put(L0, t, A["art"].format(n=1, t=A["t_purpose"]), p.val_size, p.cap_font)
        t = p.para(L0 + 10, t, T["purpose"], R0 - L0 - 10) + 4
        t = p.put(L0, t, A["art"].format(n=2, t=A["t_products"]), p.val_size, p.cap_font) + 2
        px = [L0 + 10, L0 + 40, R0]
        p.rect(px[0], t, px[1] - px[0], 15, fill=0.9)
        p.rect(px[1], t, px[2] - px[1], 15, fill=0.9)
        p.put(px[0] + 3, t + 3, "No.", p.cap_size + 0.5, p.cap_font)
        p.put(px[1] + 3, t + 3, A["prod_cap"], p.cap_size + 0.5, p.cap_font)
        t += 15
        for i, line in enumerate(T["products"], 1):
            p.rect(px[0], t, px[1] - px[0], 16)
            p.rect(px[1], t, px[2] - px[1], 16)
            p.put(px[0] + 4, t + 4, str(i), p.val_size - 1)
            fs = p.val_size - 1
            while fs > 5.5 and p.width(line, fs) > px[2] - px[1] - 8:
                fs -= 0.5
            p.put(px[1] + 4, t + 4, line, fs)
            t += 16
        t += 8
        t = p.put(L0, t, A["art"].format(n=3, t=A["t_term"]), p.val_size, p.cap_font)
        t = p.para(L0 + 10, t, T["term"], R0 - L0 - 10) + 4
        if T["closing"]:
            t = p.para(L0, t, T["closing"], R0 - L0) + 4
        t = p.put(L0, t + 4, T["dated"]) + 12
        _sign_blocks(p, s, rng, lang, T, F, t, side_by_side=False, L0=L0, R0=R0)
    return Rendered(_pdf_pages([draw]), "grid", "production_agreement", F["printed"])


def _agr_bilingual(s: DossierSpec, rng: Any) -> Rendered:
    """Two columns: the local-language text on the left, its English version on the right."""
    F = _agreement_facts(s)
    lang = s.lang
    other = "fr" if lang == "en" else "en"
    ds = rng.choice(_doc_date_styles(s))
    T = _agr_texts(s, rng, lang, F, ds)
    E = _agr_texts(s, rng, other, F, {"JP": "iso", "KR": "iso", "US": "en_long"}.get(s.country, "dmy_long"))

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, script_for_lang(lang))
        L0, R0 = 40.0, W - 40.0
        mid = (L0 + R0) / 2
        cw = mid - L0 - 10
        title = f"{T['title']} / {E['title']}"
        if p.width(title, 13.5, p.cap_font) <= R0 - L0:
            t = p.put(W / 2, 40, title, 13.5, p.cap_font, align="center") + 12
        else:  # stacked: the local title over its translation
            t = p.put(W / 2, 36, T["title"], 13.5, p.cap_font, align="center")
            t = p.put(W / 2, t, E["title"], 11.5, p.cap_font, align="center") + 10
        p.vline(mid, t, t + 470, 0.4)
        tl = tr = t
        size = p.val_size - 1
        for X, x in ((T, L0), (E, mid + 10)):
            A = X["A"]
            tt = p.para(x, t, X["preamble"], cw, size) + 5
            for n, (key, tkey) in enumerate((("purpose", "t_purpose"), ("products", "t_products"), ("term", "t_term"),
                                             ("quality", "t_quality")), 1):
                tt = p.put(x, tt, A["art"].format(n=n, t=A[tkey]), size, p.cap_font)
                body = X[key] if isinstance(X[key], list) else [X[key]]
                for line in body:
                    tt = p.para(x + 8, tt, line, cw - 8, size)
                tt += 4
            if X is T:
                tl = tt
            else:
                tr = tt
        t = max(tl, tr) + 8
        t = p.put(L0, t, T["dated"]) + 16
        _sign_blocks(p, s, rng, lang, T, F, t, side_by_side=True, L0=L0, R0=R0)
    return Rendered(_pdf_pages([draw]), "bilingual", "production_agreement", F["printed"])


# --------------------------------------------------------------------------- customs declaration
_CUS = {  # caption wordings (current form and the older ones still seen)
    "consignee": ["境内收货人", "境内收货人", "收货人", "收货单位"], "consignor": ["境外发货人", "境外发货人", "发货人"],
    "imported": ["进口日期"], "declared": ["申报日期"], "mode": ["监管方式", "监管方式", "贸易方式"],
    "departure": ["启运国(地区)", "启运国（地区）", "起运国(地区)"],
    "port": ["进境关别"], "record": ["备案号"], "transport": ["运输方式"], "vessel": ["运输工具名称及航次号"],
    "bl": ["提运单号"], "storage": ["货物存放地点"], "user": ["消费使用单位"], "levy": ["征免性质"],
    "permit": ["许可证号"], "loading": ["启运港"], "contract": ["合同协议号"], "trade": ["贸易国(地区)"],
    "transit": ["经停港"], "entry": ["入境口岸"], "pack": ["包装种类"], "pieces": ["件数"], "gross": ["毛重(千克)"],
    "net": ["净重(千克)"], "terms": ["成交方式"], "freight": ["运费"], "insurance": ["保费"], "misc": ["杂费"],
    "docs": ["随附单证及编号"], "marks": ["标记唛码及备注"],
}
_CUS_EN = {"consignee": "Domestic Consignee", "consignor": "Overseas Consignor", "imported": "Date of Import",
           "declared": "Date of Declaration", "mode": "Supervision Mode", "departure": "Country of Departure",
           "port": "Customs Port", "record": "Record No.", "transport": "Mode of Transport", "vessel": "Vessel / Voyage",
           "bl": "B/L No.", "storage": "Place of Storage", "user": "Consumer", "levy": "Nature of Levy",
           "permit": "Licence No.", "loading": "Port of Loading", "contract": "Contract No.", "trade": "Trading Country",
           "transit": "Port of Transit", "entry": "Port of Entry", "pack": "Packing", "pieces": "Packages",
           "gross": "Gross Weight (kg)", "net": "Net Weight (kg)", "terms": "Terms", "freight": "Freight",
           "insurance": "Insurance", "misc": "Other charges", "docs": "Documents attached", "marks": "Marks & Remarks"}


def _cn_country(code: str, rng: Any, style: int) -> str:
    name, a3 = CN_COUNTRY.get(code, (code, code))
    return [name, f"{name}({a3})", f"{a3} {name}", f"{name}"][style % 4]


def _customs_values(s: DossierSpec, rng: Any, C: dict[str, Any]) -> dict[str, list[str]]:
    cst = rng.randint(0, 3)
    mode = C["mode"]
    mode_txt = rng.choice([f"{mode} {SUPERVISION.get(mode, '')}", f"{SUPERVISION.get(mode, '')}({mode})",
                           f"{SUPERVISION.get(mode, '')} {mode}"]).strip()
    n_pk = rng.randint(20, 90)
    _, port, _ = PLACE.get(s.country, ("", "", ""))
    uscc_line = rng.choice([C["uscc"], f"统一社会信用代码 {C['uscc']}", f"({C['uscc']})"])
    return {
        "consignee": [s.merchant_name, uscc_line] if rng.random() < 0.7 else [uscc_line, s.merchant_name],
        "consignor": [s.factory.name_en], "imported": [f"{s.customs_imported:%Y%m%d}"],
        "declared": [f"{C['declared']:%Y%m%d}"], "mode": [mode_txt], "departure": [_cn_country(s.country, rng, cst)],
        "port": [rng.choice(["洋山港区(2248)", "外港海关(2225)", "浦东机场(2233)"])], "record": [],  # 备案号: blank
        "transport": [rng.choice(["水路运输", "航空运输"])], "vessel": [rng.choice(["EVER LUCKY/0123E", "CA1234/0509", ""])],
        "bl": [f"{rng.choice(['COSU', 'MAEU', 'ONEY'])}{rng.randint(10**9, 10**10 - 1)}"], "storage": [rng.choice(["", "洋山保税港区"])],
        "user": [s.merchant_name] if rng.random() < 0.5 else [], "levy": [rng.choice(["一般征税", ""])], "permit": [],
        "loading": [port.title()], "contract": [s.invoice_number] if rng.random() < 0.5 else [],
        "trade": [_cn_country(s.country, rng, cst)], "transit": [], "entry": [rng.choice(["洋山港", "外高桥港区", "浦东机场"])],
        "pack": [rng.choice(["纸制或纤维板制盒/箱", "其他包装"])], "pieces": [str(n_pk)],
        "gross": [f"{n_pk * rng.randint(8, 15)}"], "net": [f"{n_pk * rng.randint(6, 8)}"],
        "terms": [rng.choice(["CIF", "FOB", "C&F"])], "freight": [], "insurance": [], "misc": [], "docs": [],
        "marks": [rng.choice(["N/M", "", "备注：跨境电商保税备货"])],
    }


def _customs_header(p: Sheet, s: DossierSpec, C: dict[str, Any], rng: Any, L0: float, R0: float, en: bool) -> float:
    t = p.put(W / 2, 34, C["title"], 15, p.cap_font, align="center")
    if en:
        t = p.put(W / 2, t, "Customs Import Declaration of the People's Republic of China", 8.5, p.cap_font, align="center")
    t += 6
    pre = rng.random() < 0.5
    if pre:  # a second 18-digit number beside the customs number: the pre-entry number
        p.put(L0, t, f"预录入编号：{C['number'][:4]}{rng.randint(10**13, 10**14 - 1)}", 8.5)
    p.put(W / 2 - 20, t, f"{C['num_cap']}：{C['number']}" + (f"（{rng.choice(['洋山港区', '外港海关'])}）" if rng.random() < 0.5 else ""), 9)
    p.put(R0, t, f"页码/页数：1/1" if rng.random() < 0.5 else "", 8, align="right")
    return t + 14


def _customs_goods(p: Sheet, s: DossierSpec, C: dict[str, Any], rng: Any, L0: float, R0: float, top: float, en: bool,
                   header_cells: bool) -> float:
    xs = [L0, L0 + 26, L0 + 92, L0 + 250, L0 + 320, L0 + 400, L0 + 448, R0]
    heads = ["项号", rng.choice(["商品编号", "商品编号", "商品编码"]), rng.choice(["商品名称及规格型号", "商品名称、规格型号"]),
             rng.choice(["数量及单位", "数量及单位", "数量/单位"]), "单价/总价/币制", rng.choice(["原产国(地区)", "原产国（地区）"]),
             "最终目的国(地区)/境内目的地/征免"]
    heads_en = ["No.", "HS Code", "Description / Specification", "Qty & Unit", "Price / Total / Cur.", "Origin", "Dest. / Levy"]
    hh = 26 if en else 16
    for i, (hc, x0, x1) in enumerate(zip(heads, xs, xs[1:])):
        if header_cells:
            p.rect(x0, top, x1 - x0, hh)
        tt = p.put(x0 + 2, top + 3, hc if p.width(hc, p.cap_size, p.cap_font) < x1 - x0 - 3 else hc[:7], p.cap_size, p.cap_font)
        if en:
            p.put(x0 + 2, tt, heads_en[i][:16], p.cap_size - 0.5, p.cap_font)
    top += hh
    cst = rng.randint(0, 3)
    for i, prod in enumerate(C["products"], 1):
        qty = rng.choice([600, 1200, 2400])
        kg = round(qty * rng.uniform(0.05, 0.3), 1)
        spec = rng.choice([f"{prod.name_local}|品牌:{s.brand}", f"规格:{prod.name.split(' ', 1)[-1][:24]}|品牌:{s.brand}",
                           f"{s.brand}牌|{prod.category}"])
        qlines = [f"{qty}件", f"{kg}千克", f"{qty}件"][:rng.choice([1, 2, 3])]
        price = rng.choice(["5.20", "8.75", "12.00"])
        total = f"{float(price) * qty:.2f}"
        rows = max(2, len(qlines)) + (1 if p.width(prod.name, p.val_size - 1) > xs[3] - xs[2] - 6 else 0)
        h = rows * (p.val_size - 1) * 1.3 + 8
        if header_cells:
            for x0, x1 in zip(xs, xs[1:]):
                p.rect(x0, top, x1 - x0, h)
        vs = p.val_size - 1
        p.put(xs[0] + 4, top + 4, str(i), vs)
        p.put(xs[1] + 2, top + 4, prod.hs_code, vs)
        tt = p.para(xs[2] + 2, top + 4, prod.name, xs[3] - xs[2] - 5, vs, lead=1.25)
        p.para(xs[2] + 2, tt, spec, xs[3] - xs[2] - 5, vs - 1.5, lead=1.2)
        tt = top + 4
        for q in qlines:
            tt = p.put(xs[3] + 2, tt, q, vs)
        cw = [x1 - x0 - 4 for x0, x1 in zip(xs, xs[1:])]
        p.fit(xs[4] + 2, top + 4, price, cw[4], vs)
        p.fit(xs[4] + 2, top + 4 + vs * 1.25, total, cw[4], vs)
        p.fit(xs[4] + 2, top + 4 + vs * 2.5, rng.choice(["美元", "USD", "日元", "欧元"]), cw[4], vs)
        p.fit(xs[5] + 2, top + 4, _cn_country(C["origin"], rng, cst), cw[5], vs)
        p.fit(xs[6] + 2, top + 4, "中国", cw[6], vs)
        p.fit(xs[6] + 2, top + 4 + vs * 1.25, rng.choice(["上海浦东", "上海其他"]), cw[6], vs)
        p.fit(xs[6] + 2, top + 4 + vs * 2.5, "照章征税", cw[6], vs)
        top += h
    top = p.put(xs[2] + 2, top + 4, rng.choice(["*** 以下空白 ***", "（以下空白）", "******"]), p.val_size - 1)
    return top + 6


def _cus_grid(s: DossierSpec, rng: Any, en: bool = False, family: str = "grid") -> Rendered:
    C = _customs_facts(s)
    V = _customs_values(s, rng, C)

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, "zh")
        p.cap_size = 6.5 if en else p.cap_size
        L0, R0 = 30.0, W - 30.0
        top = _customs_header(p, s, C, rng, L0, R0, en)
        rows = [[("consignee", 2), ("port", 1), ("imported", 1), ("declared", 1), ("record", 1)],
                [("consignor", 2), ("transport", 1), ("vessel", 1.4), ("bl", 1.2), ("storage", 1)],
                [("user", 2), ("mode", 1.2), ("levy", 1), ("permit", 1), ("loading", 1)],
                [("contract", 1.6), ("trade", 1), ("departure", 1), ("transit", 1), ("entry", 1)],
                [("pack", 1.4), ("pieces", 0.6), ("gross", 0.8), ("net", 0.8), ("terms", 0.7), ("freight", 0.6),
                 ("insurance", 0.6), ("misc", 0.6)],
                [("docs", 1)], [("marks", 1)]]
        if rng.random() < 0.5:  # the older print puts 申报日期 before 进口日期
            rows[0][2], rows[0][3] = rows[0][3], rows[0][2]
        for row in rows:
            tot = sum(wt for _, wt in row)
            x = L0
            vs = p.val_size - 1.5
            h = (46 if row[0][0] in ("consignee", "consignor", "user") else 34) + (8 if en else 0)
            for key, wt in row:
                w = (R0 - L0) * wt / tot
                cap = rng.choice(_CUS[key])
                caps = [cap, _CUS_EN[key]] if en else cap
                p.cell(x, top, w, h, caps, V[key], val_size=vs, indent=2)
                x += w
            top += h
        top = _customs_goods(p, s, C, rng, L0, R0, top + 4, en, header_cells=True)
        # declarant and customs endorsement
        top += 10
        p.cell(L0, top, (R0 - L0) * 0.55, 70, ["申报人员  申报人员证号  电话", "Declarant"] if en else "申报人员    申报人员证号    电话",
               [f"{rng.choice(['王', '李', '张', '陈'])}{rng.choice(['伟', '芳', '静', '磊'])}   {rng.randint(10**7, 10**8 - 1)}"],
               indent=2)
        p.cell(L0 + (R0 - L0) * 0.55, top, (R0 - L0) * 0.45, 70, ["海关批注及签章", "Customs endorsement"] if en else "海关批注及签章",
               [], indent=2)
        p.put(L0 + 4, top + 54, f"申报单位（签章）  {s.merchant_name}", 7.5)
        p.stamp(L0 + (R0 - L0) * 0.8, top + 34, 30, "海关 验讫", (200, 20, 30), angle=rng.uniform(-20, 20), star=True)
        p.stamp(L0 + rng.uniform(120, 200), top + 40, 26, s.merchant_name[:10], (210, 30, 40), star=True)
    return Rendered(_pdf_pages([draw]), family, "customs_declaration", C["printed"])


def _cus_boxed(s: DossierSpec, rng: Any) -> Rendered:
    """A ruled caption | value table (label cells and value cells alternate), the goods below."""
    C = _customs_facts(s)
    V = _customs_values(s, rng, C)

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, "zh")
        L0, R0 = 34.0, W - 34.0
        top = _customs_header(p, s, C, rng, L0, R0, False)
        pairs = [("consignee", "declared"), ("consignor", "imported"), ("mode", "departure"), ("port", "record"),
                 ("transport", "bl"), ("contract", "trade"), ("pieces", "gross"), ("marks", "permit")]
        if rng.random() < 0.5:
            pairs[0], pairs[1] = (pairs[0][0], pairs[1][1]), (pairs[1][0], pairs[0][1])
        cw, vw = 70.0, (R0 - L0) / 2 - 70.0
        vs = p.val_size - 1
        for a, b in pairs:
            la = [ln for v in V[a] for ln in p.wrap(v, vw - 8, vs)]
            lb = [ln for v in V[b] for ln in p.wrap(v, vw - 8, vs)]
            h = max(22, max(len(la), len(lb), 1) * vs * 1.3 + 8)
            x = L0
            for key, lines in ((a, la), (b, lb)):
                p.rect(x, top, cw, h, fill=0.93)
                p.put(x + 3, top + 5, rng.choice(_CUS[key]), p.cap_size + 1, p.cap_font)
                p.rect(x + cw, top, vw, h)
                tt = top + 5
                for ln in lines:
                    tt = p.put(x + cw + 4, tt, ln, vs)
                x += cw + vw
            top += h
        top = _customs_goods(p, s, C, rng, L0, R0, top + 12, False, header_cells=True)
        p.put(L0, top + 16, f"申报单位：{s.merchant_name}", 8.5)
        p.stamp(L0 + 150, top + 20, 28, s.merchant_name[:10], (210, 30, 40), star=True, angle=rng.uniform(-15, 15))
        p.put(R0 - 120, top + 16, "海关批注及签章", 8.5)
    return Rendered(_pdf_pages([draw]), "boxed", "customs_declaration", C["printed"])


def _cus_colon(s: DossierSpec, rng: Any) -> Rendered:
    """A system printout: 'caption：value' pairs, two per line with wide gaps, goods as plain lines."""
    C = _customs_facts(s)
    V = _customs_values(s, rng, C)
    C2 = dict(V)
    iso = rng.random() < 0.5
    if iso:
        C2["declared"] = [f"{C['declared']:%Y-%m-%d}"]
        C2["imported"] = [f"{s.customs_imported:%Y-%m-%d}"]

    def draw(c: canvas.Canvas) -> None:
        p = Sheet(c, rng, "zh")
        L0, R0 = 44.0, W - 44.0
        t = p.put(L0, 40, C["title"], 14, p.cap_font) + 8
        t = p.put(L0, t, f"{C['num_cap']}：{C['number']}", 10) + 6
        keys = ["declared", "imported", "consignee", "consignor", "mode", "departure", "port", "record", "trade",
                "transport", "bl", "pieces", "gross", "terms"]
        first, rest = keys[:4], keys[4:]
        rng.shuffle(rest)
        sep = rng.choice(["：", ": ", "："])
        col2 = L0 + rng.choice([250.0, 270.0])
        i = 0
        for key in first + rest:
            vals = C2[key]
            txt = f"{rng.choice(_CUS[key])}{sep}{' '.join(vals)}"
            if key in ("consignee", "consignor") or p.width(txt, p.val_size - 0.5) > col2 - L0 - 10:
                if i % 2 == 1:
                    t += (p.val_size - 0.5) * 1.5
                    i = 0
                t = p.para(L0, t, txt, R0 - L0, p.val_size - 0.5) + 3
                continue
            x = L0 if i % 2 == 0 else col2
            p.put(x, t, txt, p.val_size - 0.5)
            if i % 2 == 1:
                t += (p.val_size - 0.5) * 1.5
            i += 1
        if i % 2 == 1:
            t += (p.val_size - 0.5) * 1.5
        p.hline(L0, R0, t + 6, dash=True)
        t += 12
        t = p.put(L0, t, "表体 / 商品信息", p.val_size, p.cap_font) + 4
        cst = rng.randint(0, 3)
        for i, prod in enumerate(C["products"], 1):
            t = p.put(L0, t, f"{i}. 商品编号{sep}{prod.hs_code}    原产国(地区){sep}{_cn_country(C['origin'], rng, cst)}", p.val_size - 0.5)
            t = p.para(L0 + 16, t, f"商品名称{sep}{prod.name}", R0 - L0 - 16, p.val_size - 0.5)
            t = p.put(L0 + 16, t, f"数量及单位{sep}{rng.choice([600, 1200, 2400])}件", p.val_size - 0.5) + 4
        p.put(L0, t + 4, rng.choice(["—— 以下空白 ——", "***"]), p.val_size - 1)
        p.put(R0, t + 30, f"打印时间：{C['declared']:%Y-%m-%d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}", 7.5, align="right")
    return Rendered(_pdf_pages([draw]), "colon", "customs_declaration", C["printed"])


def _cus_bilingual(s: DossierSpec, rng: Any) -> Rendered:
    return _cus_grid(s, rng, en=True, family="bilingual")


def _classic(fn: Any, doc_type: str, facts: Any):
    def render(s: DossierSpec, rng: Any) -> Rendered:
        return Rendered(fn(s), "classic", doc_type, facts(s)["printed"])
    return render


FAMILY_RENDERERS: dict[str, dict[str, Any]] = {
    "certificate_of_origin": {"classic": _classic(coo_pdf, "certificate_of_origin", _coo_facts), "boxed": _coo_boxed,
                              "grid": _coo_grid, "colon": _coo_colon, "bilingual": _coo_bilingual},
    "factory_licence": {"classic": _classic(licence_pdf, "factory_licence", _licence_facts), "boxed": _lic_boxed,
                        "grid": _lic_grid, "colon": _lic_colon, "bilingual": _lic_bilingual},
    "production_agreement": {"classic": _classic(agreement_pdf, "production_agreement", _agreement_facts),
                             "boxed": _agr_boxed, "grid": _agr_grid, "colon": _agr_colon, "bilingual": _agr_bilingual},
    "customs_declaration": {"classic": _classic(customs_pdf, "customs_declaration", _customs_facts), "boxed": _cus_boxed,
                            "grid": _cus_grid, "colon": _cus_colon, "bilingual": _cus_bilingual},
}


def render_document(doc_type: str, spec: DossierSpec, family: str | None = None) -> Rendered:
    """Render one production document in `family` (default: the spec's, see `family_for`)."""
    fam = family or family_for(doc_type, spec)
    return FAMILY_RENDERERS[doc_type][fam](spec, _rng(doc_type, spec, fam))


def _renderer(doc_type: str):
    def render(spec: DossierSpec) -> bytes:
        return render_document(doc_type, spec).pdf
    render.__name__ = f"render_{doc_type}"
    return render


RENDERERS = {dt: _renderer(dt) for dt in FAMILY_RENDERERS}


def _pdf_for(doc_type: str, spec: DossierSpec, family: str | None) -> bytes:
    return render_document(doc_type, spec, family).pdf if family else RENDERERS[doc_type](spec)


def render_text_pdf(doc_type: str, spec: DossierSpec, out: Path, *, family: str | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_pdf_for(doc_type, spec, family))
    return out


def render_scan(doc_type: str, spec: DossierSpec, out: Path, *, dpi: int = 150, rotate: int = 0, noise: float = 4.0,
                skew: float = 0.6, as_pdf: bool = True, seed: int = 0, family: str | None = None) -> Path:
    """A scanned copy: rasterise, rotate/skew, add noise, JPEG; optionally wrapped back in a PDF."""
    import pymupdf as fitz
    import numpy as np
    from PIL import Image

    doc = fitz.open(stream=_pdf_for(doc_type, spec, family), filetype="pdf")
    pix = doc[0].get_pixmap(dpi=dpi)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    img = img.rotate(skew, expand=True, fillcolor="white")
    if rotate:
        img = img.rotate(rotate, expand=True)
    arr = np.asarray(img).astype(np.int16)
    rng = np.random.default_rng(seed)
    arr = np.clip(arr + rng.normal(0, noise, arr.shape), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    if as_pdf:
        pdf = fitz.open()
        page = pdf.new_page(width=img.width * 72 / dpi, height=img.height * 72 / dpi)
        page.insert_image(page.rect, stream=buf.getvalue())
        out.write_bytes(pdf.tobytes())
    else:
        out.write_bytes(buf.getvalue())
    return out


def receipt_lines(spec: DossierSpec, store_index: int, visit_day: Any = None) -> list[str]:
    st = spec.stores[store_index]
    day = visit_day or spec.extras.get("receipt_date") or (spec.submitted_at.date().fromordinal(
        spec.submitted_at.date().toordinal() - 20 + store_index))
    prod = spec.products[0]
    cur = {"JPY": "¥", "KRW": "₩", "USD": "$", "EUR": "€", "AUD": "$", "GBP": "£"}.get(spec.currency, "")
    name = spec.extras.get("receipt_chain", st.chain_local)
    return [name, st.branch, st.address, f"{day:%Y-%m-%d} 14:{10 + store_index:02d}",
            "-" * 24, f"{prod.name_local}", f"  1 x {cur}{prod.price}", f"JAN/EAN {prod.gtin}",
            "-" * 24, f"TOTAL {cur}{prod.price}"]


def render_receipt_image(spec: DossierSpec, store_index: int, out: Path, width: int = 480) -> Path:
    from PIL import Image, ImageDraw

    from originproof.samples.fonts import pil_font

    lines = receipt_lines(spec, store_index)
    font = pil_font(script_for_lang(spec.lang), 22)
    h = 40 + 34 * len(lines)
    img = Image.new("RGB", (width, h), "white")
    d = ImageDraw.Draw(img)
    for i, ln in enumerate(lines):
        d.text((24, 20 + 34 * i), ln, fill="black", font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, "JPEG", quality=90)
    return out


def render_photo(doc_type: str, spec: DossierSpec, out: Path, *, dpi: int = 170, tilt: float = 0.06, blur: float = 0.8,
                 quality: int = 80, seed: int = 0, family: str | None = None) -> Path:
    """A phone photo of the printed page: perspective (keystone), uneven light, slight blur, JPEG."""
    import cv2
    import numpy as np
    import pymupdf as fitz

    doc = fitz.open(stream=_pdf_for(doc_type, spec, family), filetype="pdf")
    pix = doc[0].get_pixmap(dpi=dpi)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3].copy()
    h, w = img.shape[:2]
    rng = np.random.default_rng(seed)
    pad = int(0.06 * max(h, w))
    canvas = np.full((h + 2 * pad, w + 2 * pad, 3), (96, 90, 84), np.uint8)  # a desk around the sheet
    canvas[pad:pad + h, pad:pad + w] = img
    H, W = canvas.shape[:2]
    src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
    d = tilt * w
    jit = lambda: float(rng.uniform(-0.3, 0.3) * d)  # noqa: E731
    dst = np.float32([[pad + d + jit(), pad + jit()], [pad + w - d + jit(), pad + jit()],
                      [pad + w + jit(), pad + h + jit()], [pad + jit(), pad + h + jit()]])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(canvas, m, (W, H), borderValue=(96, 90, 84))
    yy, xx = np.mgrid[0:H, 0:W]
    light = 0.85 + 0.15 * (xx / W) * (1 - 0.5 * yy / H)  # light falls off across the sheet
    warped = np.clip(warped * light[..., None] + rng.normal(0, 3, warped.shape), 0, 255).astype(np.uint8)
    if blur > 0:
        warped = cv2.GaussianBlur(warped, (0, 0), blur)
    out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), cv2.cvtColor(warped, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return out
