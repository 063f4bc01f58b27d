"""Render the production documents and receipts of a `DossierSpec` as text-layer PDFs (reportlab)
and as raster scans/photos. Labels follow each country's language; the customs forms are Chinese."""
from __future__ import annotations

import io
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
        self.c.setFont(font or self.font, size)
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


RENDERERS = {"certificate_of_origin": coo_pdf, "factory_licence": licence_pdf,
             "production_agreement": agreement_pdf, "customs_declaration": customs_pdf}


def render_text_pdf(doc_type: str, spec: DossierSpec, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(RENDERERS[doc_type](spec))
    return out


def render_scan(doc_type: str, spec: DossierSpec, out: Path, *, dpi: int = 150, rotate: int = 0, noise: float = 4.0,
                skew: float = 0.6, as_pdf: bool = True, seed: int = 0) -> Path:
    """A scanned copy: rasterise, rotate/skew, add noise, JPEG; optionally wrapped back in a PDF."""
    import pymupdf as fitz
    import numpy as np
    from PIL import Image

    doc = fitz.open(stream=RENDERERS[doc_type](spec), filetype="pdf")
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
                 quality: int = 80, seed: int = 0) -> Path:
    """A phone photo of the printed page: perspective (keystone), uneven light, slight blur, JPEG."""
    import cv2
    import numpy as np
    import pymupdf as fitz

    doc = fitz.open(stream=RENDERERS[doc_type](spec), filetype="pdf")
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
