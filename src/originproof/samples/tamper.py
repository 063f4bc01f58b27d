"""A generated tamper corpus: production documents edited the ways forgers edit them, plus untouched
originals from several producers, so detection and false-alarm rates can be measured
(`originproof bench forensics`). Everything is rendered in code; nothing is downloaded.

Each sample is (name, tamper type or "original", doc_type, path). Tamper types:
  incremental_overlay  — pypdf incremental update painting a white box + a new value over a field
  incremental_replace  — pypdf incremental update rewriting a value inside the page content stream
  editor_resave        — full re-save by an editor (PDFelement-style producer), one value changed
  cover_retype         — full re-save with a covered-and-retyped field (white box + new text)
  scan_paste           — a scan (JPEG) with typed digits pasted over a number, re-saved
  scan_paste_pdf       — the same, wrapped back into a PDF page
  scan_clone           — a scan with a region cloned over another field (copy-move), re-saved
  photo_editor_tag     — a receipt photo re-saved by an image editor (EXIF Software)
  signed_modified      — signed (pyHanko, self-signed test certificate), then changed incrementally
  signed_broken        — signed, then bytes inside the signed range altered
  image_over_text      — a retouched picture of the page pasted over the text page (text layer left under it)

Honest hard cases (made with the libraries that make real e-documents; each must stay clean):
  honest_countersigned       — signed by the issuer, then counter-signed by a second party (visible signature)
  honest_lta                 — PAdES: signed with a timestamp, validation data (DSS) embedded, then an
                               archival document timestamp added (pyHanko PdfTimeStamper)
  honest_form_filled         — a form field left empty at signing, filled in afterwards (incremental)
  honest_annotated           — signed, then a note and a highlight added by a reader (incremental)
  honest_annotated_unsigned  — an unsigned PDF with a note and a highlight added later (incremental)
  honest_metadata_update     — an unsigned PDF whose later revision only updates the metadata
Reuse cases (`bench forensics` checks them against a store): photos mirrored, rotated, cropped,
resized and re-saved (`photo_variant`), and many certificates of other merchants on one form.
"""
from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from originproof.samples.documents import RENDERERS, render_receipt_image, render_scan
from originproof.samples.fonts import pil_font
from originproof.samples.spec import COUNTRIES, clean_spec

DOC_TYPES = ("certificate_of_origin", "factory_licence", "production_agreement", "customs_declaration")
OFFICIAL = {"certificate_of_origin", "factory_licence", "customs_declaration"}
PDF_TAMPERS = ("incremental_overlay", "incremental_replace", "editor_resave", "cover_retype", "signed_modified",
               "signed_broken", "image_over_text")
SCAN_TAMPERS = ("scan_paste", "scan_paste_pdf", "scan_clone")
PHOTO_TAMPERS = ("photo_editor_tag",)
HONEST_HARD = ("honest_countersigned", "honest_lta", "honest_form_filled", "honest_annotated",
               "honest_annotated_unsigned", "honest_metadata_update")
PHOTO_VARIANTS = ("mirror", "rot90", "rot180", "rot3", "crop", "resize", "png", "jpeg_q60")
HONEST_PRODUCERS = ("ReportLab PDF Library - www.reportlab.com", "Microsoft® Word for Microsoft 365",
                    "LibreOffice 7.6", "macOS Version 14.2 (Build 23C64) Quartz PDFContext",
                    "Adobe PDF Library 23.1.175")


@dataclass
class Sample:
    name: str
    tamper: str  # "original" for untouched files
    doc_type: str
    path: Path
    official: bool


# ------------------------------------------------------------------ helpers
def _value_rect(pdf: bytes) -> tuple[int, tuple[float, float, float, float], str, float]:
    """The first long number on the page (a document number): (page, rect, text, font size)."""
    import pymupdf as fitz

    doc = fitz.open(stream=pdf, filetype="pdf")
    page = doc[0]
    for w in page.get_text("words"):
        if re.search(r"\d{5,}", w[4]):
            spans = [s for b in page.get_text("dict")["blocks"] for ln in b.get("lines", []) for s in ln["spans"]
                     if w[4] in s["text"]]
            size = spans[0]["size"] if spans else 10.5
            return 0, (w[0], w[1], w[2], w[3]), w[4], size
    w = page.get_text("words")[3]
    return 0, (w[0], w[1], w[2], w[3]), w[4], 10.5


def _altered(text: str, rng: random.Random) -> str:
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    out = list(text)
    for i in rng.sample(digits, min(2, len(digits))):
        out[i] = str((int(out[i]) + rng.randint(1, 8)) % 10)
    return "".join(out)


def _overlay_pdf(width: float, height: float, rect, text: str, size: float) -> bytes:
    """A one-page PDF with a white box over `rect` (top-left origin) and `text` typed on it."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    x0, y0, x1, y1 = rect
    c.setFillColorRGB(1, 1, 1)
    c.rect(x0 - 1, height - y1 - 1, (x1 - x0) + 2, (y1 - y0) + 2, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", size)
    c.drawString(x0, height - y1 + (y1 - y0) * 0.22, text)
    c.showPage()
    c.save()
    return buf.getvalue()


# ------------------------------------------------------------------ PDF tampers
def incremental_overlay(pdf: bytes, rng: random.Random) -> bytes:
    from pypdf import PdfReader, PdfWriter

    _p, rect, text, size = _value_rect(pdf)
    w = PdfWriter(io.BytesIO(pdf), incremental=True)
    page = w.pages[0]
    ov = PdfReader(io.BytesIO(_overlay_pdf(float(page.mediabox.width), float(page.mediabox.height), rect,
                                           _altered(text, rng), size))).pages[0]
    page.merge_page(ov)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def incremental_replace(pdf: bytes, rng: random.Random) -> bytes:
    """Rewrite a date inside the content stream (glyph ids for TrueType subsets: swap two digits' codes)."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream

    w = PdfWriter(io.BytesIO(pdf), incremental=True)
    page = w.pages[0]
    cs = ContentStream(page.get_contents(), w)
    ops = cs.operations
    # Drop one text-showing operation (a whole field line) and repeat the previous one in its place:
    # the classic "replace a line" edit, done at the content-stream level.
    shows = [i for i, (_args, op) in enumerate(ops) if op in (b"Tj", b"TJ")]
    if len(shows) >= 4:
        i, j = shows[2], shows[rng.randint(3, len(shows) - 1)]
        ops[j] = (ops[i][0], ops[j][1])
    page.replace_contents(cs)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def editor_resave(pdf: bytes, rng: random.Random) -> bytes:
    import pymupdf as fitz

    doc = fitz.open(stream=pdf, filetype="pdf")
    md = dict(doc.metadata)
    md["producer"] = rng.choice(["Wondershare PDFelement 10.3.8", "Foxit PDF Editor 12.1", "PDF-XChange Editor 10.1",
                                 "Smallpdf", "iLovePDF"])
    md["modDate"] = fitz.get_pdf_now()
    doc.set_metadata(md)
    return doc.tobytes(garbage=3, deflate=True)


def cover_retype(pdf: bytes, rng: random.Random) -> bytes:
    import pymupdf as fitz

    doc = fitz.open(stream=pdf, filetype="pdf")
    page = doc[0]
    _p, rect, text, size = _value_rect(pdf)
    r = fitz.Rect(rect[0] - 1, rect[1] - 1, rect[2] + 1, rect[3] + 1)
    page.draw_rect(r, color=None, fill=(1, 1, 1), overlay=True)
    page.insert_text((rect[0], rect[3] - (rect[3] - rect[1]) * 0.2), _altered(text, rng), fontsize=size,
                     fontname="helv")
    return doc.tobytes(garbage=3, deflate=True)


def image_over_text(pdf: bytes, rng: random.Random) -> bytes:
    """Render the page, retouch a value in the picture, and paste the picture over the text page."""
    import pymupdf as fitz

    doc = fitz.open(stream=pdf, filetype="pdf")
    page = doc[0]
    _p, rect, text, size = _value_rect(pdf)
    pix = page.get_pixmap(dpi=110)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    k = 110 / 72
    d = ImageDraw.Draw(img)
    d.rectangle([rect[0] * k, rect[1] * k, rect[2] * k, rect[3] * k], fill="white")
    d.text((rect[0] * k, rect[1] * k), _altered(text, rng), fill="black", font=pil_font("latin", int(size * k)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    page.insert_image(page.rect, stream=buf.getvalue(), overlay=True)
    return doc.tobytes(garbage=3, deflate=True)


def _test_signer():
    """A self-signed signing certificate made in code (no key material is shipped)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from asn1crypto import keys as akeys, x509 as ax509

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "OriginProof Test Chamber"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OriginProof test CA")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    der_cert = cert.public_bytes(serialization.Encoding.DER)
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    signer = signers.SimpleSigner(signing_cert=ax509.Certificate.load(der_cert),
                                  signing_key=akeys.PrivateKeyInfo.load(der_key),
                                  cert_registry=SimpleCertificateStore.from_certs([ax509.Certificate.load(der_cert)]))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    return signer, pem


_SIGNER = None


def test_signer():
    global _SIGNER
    if _SIGNER is None:
        _SIGNER = _test_signer()
    return _SIGNER


def sign_pdf(pdf: bytes, field: str = "Signature1") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer, _pem = test_signer()
    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name=field), signer=signer, output=out)
    return out.getvalue()


def signed_modified(pdf: bytes, rng: random.Random) -> bytes:
    return incremental_overlay(sign_pdf(pdf), rng)


def signed_broken(pdf: bytes, rng: random.Random) -> bytes:
    """Alter a byte inside the signed range (the first revision's Producer string)."""
    data = bytearray(sign_pdf(pdf))
    i = data.find(b"(ReportLab")
    if i < 0:
        i = data.find(b"/Producer")
    data[i + 2] = ord("X") if data[i + 2] != ord("X") else ord("Y")
    return bytes(data)


def _test_tsa():
    """A self-signed RSA time-stamping authority (pyHanko's DummyTimeStamper is RSA-only)."""
    from asn1crypto import keys as akeys, x509 as ax509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "OriginProof Test TSA")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    tc = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    tk = akeys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    return DummyTimeStamper(tsa_cert=tc, tsa_key=tk), tc


_TSA = None


def test_tsa():
    global _TSA
    if _TSA is None:
        _TSA = _test_tsa()
    return _TSA


def _incremental(pdf: bytes, edit) -> bytes:
    """Apply `edit(doc)` and save as an incremental update (as a reader or form filler does)."""
    import tempfile

    import pymupdf as fitz

    with tempfile.TemporaryDirectory() as td:
        p = Path(td) / "d.pdf"
        p.write_bytes(pdf)
        doc = fitz.open(p)
        edit(doc)
        doc.saveIncr()
        doc.close()
        return p.read_bytes()


def countersigned(pdf: bytes) -> bytes:
    """The issuer signs; a second party counter-signs in a visible signature field of its own."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigFieldSpec

    first = sign_pdf(pdf, "IssuerSignature")
    second, _pem = _test_signer()
    w = IncrementalPdfFileWriter(io.BytesIO(first), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name="Countersignature"), signer=second, output=out,
                     new_field_spec=SigFieldSpec("Countersignature", box=(320, 40, 560, 90)))
    return out.getvalue()


def lta_signed(pdf: bytes) -> bytes:
    """PAdES B-LTA: a signature with a signature timestamp and embedded validation data, then an
    archival document timestamp with its own validation data (two more incremental revisions)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import PdfTimeStamper, signers
    from pyhanko_certvalidator import ValidationContext

    import logging

    logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)  # offline: no fetching, by design
    signer, _pem = test_signer()
    ts, tsa_cert = test_tsa()
    vc = ValidationContext(trust_roots=[signer.signing_cert, tsa_cert], allow_fetching=False, revocation_mode="soft-fail")
    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name="Signature1", embed_validation_info=True,
                                                     use_pades_lta=True, validation_context=vc),
                     signer=signer, timestamper=ts, output=out)
    out2 = io.BytesIO()
    PdfTimeStamper(ts).update_archival_timestamp_chain(PdfFileReader(io.BytesIO(out.getvalue())), vc, in_place=False,
                                                       output=out2)
    return out2.getvalue()


def form_filled_after_signing(pdf: bytes) -> bytes:
    """A form with a field left empty when the issuer signed; the holder fills it in later."""
    import pymupdf as fitz

    doc = fitz.open(stream=pdf, filetype="pdf")
    page = doc[0]
    wd = fitz.Widget()
    wd.field_type = fitz.PDF_WIDGET_TYPE_TEXT
    wd.field_name = "holder_remarks"
    wd.rect = fitz.Rect(300, page.rect.height - 70, 560, page.rect.height - 52)
    wd.field_value = ""
    page.add_widget(wd)
    signed = sign_pdf(doc.tobytes(), "IssuerSignature")

    def fill(d):
        for w in d[0].widgets():
            if w.field_name == "holder_remarks":
                w.field_value = "Goods received in good order"
                w.update()
    return _incremental(signed, fill)


def _note_and_highlight(d) -> None:
    page = d[0]
    words = page.get_text("words")
    page.add_text_annot((page.rect.width - 60, 40), "checked against the invoice")
    if len(words) > 3:
        page.add_highlight_annot([fitz_rect(words[3])])


def fitz_rect(w):
    import pymupdf as fitz

    return fitz.Rect(w[:4])


def annotated_after_signing(pdf: bytes) -> bytes:
    return _incremental(sign_pdf(pdf), _note_and_highlight)


def annotated_unsigned(pdf: bytes) -> bytes:
    return _incremental(pdf, _note_and_highlight)


def metadata_update(pdf: bytes) -> bytes:
    def edit(d):
        md = dict(d.metadata)
        md["keywords"] = "certificate of origin; archived"
        d.set_metadata(md)
    return _incremental(pdf, edit)


HONEST_FNS = {"honest_countersigned": countersigned, "honest_lta": lta_signed,
              "honest_form_filled": form_filled_after_signing, "honest_annotated": annotated_after_signing,
              "honest_annotated_unsigned": annotated_unsigned, "honest_metadata_update": metadata_update}


def photo_variant(raw: bytes, how: str) -> bytes:
    """What a re-user does to someone else's photo before submitting it as their own."""
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    W, H = img.size
    fmt, kw = "JPEG", {"quality": 90}
    if how == "mirror":
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    elif how == "rot90":
        img = img.transpose(Image.Transpose.ROTATE_90)
    elif how == "rot180":
        img = img.transpose(Image.Transpose.ROTATE_180)
    elif how == "rot3":
        img = img.rotate(3, expand=True, fillcolor=(120, 120, 120), resample=Image.Resampling.BICUBIC)
    elif how == "crop":
        img = img.crop((int(W * 0.07), int(H * 0.09), int(W * 0.95), int(H * 0.94)))
    elif how == "resize":
        img = img.resize((W * 3 // 5, H * 3 // 5), Image.Resampling.LANCZOS)
    elif how == "png":
        fmt, kw = "PNG", {}
    elif how == "jpeg_q60":
        kw = {"quality": 60}
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def honest_pdf(doc_type: str, spec, producer: str) -> bytes:
    import pymupdf as fitz

    pdf = RENDERERS[doc_type](spec)
    if producer.startswith("ReportLab"):
        return pdf
    doc = fitz.open(stream=pdf, filetype="pdf")
    md = dict(doc.metadata)
    md["producer"] = producer
    md["creator"] = producer.split(" ")[0]
    doc.set_metadata(md)
    return doc.tobytes(garbage=1, deflate=True)


# ------------------------------------------------------------------ raster tampers
def _scan_skew(seed: int) -> float:
    return 0.3 + 0.2 * (seed % 4)


def _scan_jpeg(doc_type: str, spec, seed: int, dpi: int = 150) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as td:
        p = render_scan(doc_type, spec, Path(td) / "s.jpg", dpi=dpi, as_pdf=False, seed=seed,
                        noise=3.0 + (seed % 3), skew=_scan_skew(seed))
        return p.read_bytes()


def _number_box_px(img: Image.Image, doc_type: str, spec, dpi: int, skew: float = 0.0) -> tuple[int, int, int, int]:
    """Where the number lies on the scan: its page box carried through the scanner's skew
    (PIL `rotate(skew, expand=True)`: counter-clockwise about the centre, canvas grown to fit)."""
    import math

    pdf = RENDERERS[doc_type](spec)
    _p, rect, _t, _s = _value_rect(pdf)
    k = dpi / 72
    import pymupdf as fitz

    pg = fitz.open(stream=pdf, filetype="pdf")[0].rect
    w, h = pg.width * k, pg.height * k
    W, H = img.size
    a = math.radians(skew)
    xs, ys = [], []
    for x, y in ((rect[0], rect[1]), (rect[2], rect[1]), (rect[0], rect[3]), (rect[2], rect[3])):
        dx, dy = x * k - w / 2, y * k - h / 2
        xs.append(W / 2 + dx * math.cos(a) + dy * math.sin(a))
        ys.append(H / 2 - dx * math.sin(a) + dy * math.cos(a))
    return int(min(xs)) - 3, int(min(ys)) - 3, int(max(xs)) + 4, int(max(ys)) + 4


def scan_paste(doc_type: str, spec, rng: random.Random, dpi: int = 150) -> bytes:
    """A forger's edit of a scan: a white box over the whole number, new digits typed on it in a
    similar sans font at the page's text size (axis-aligned, as an editor's text tool places them)."""
    return scan_paste_boxed(doc_type, spec, rng, dpi)[0]


def scan_paste_boxed(doc_type: str, spec, rng: random.Random, dpi: int = 150) -> tuple[bytes, tuple[int, int, int, int]]:
    """`scan_paste` and the pasted box (pixels) — for tests that check where a detector points."""
    seed = rng.randint(0, 999)
    raw = _scan_jpeg(doc_type, spec, seed, dpi)
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    x0, y0, x1, y1 = _number_box_px(img, doc_type, spec, dpi, _scan_skew(seed))
    _p, _r, text, size = _value_rect(RENDERERS[doc_type](spec))
    patch = Image.new("RGB", (x1 - x0, y1 - y0), (255, 255, 255))
    d = ImageDraw.Draw(patch)
    d.text((3, (y1 - y0) / 2), _altered(text, rng), fill=(0, 0, 0), anchor="lm",
           font=pil_font("latin", int(size * dpi / 72 * 0.95)))
    img.paste(patch, (x0, y0))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.choice([90, 92, 95]))
    return buf.getvalue(), (x0, y0, x1, y1)


def scan_clone(doc_type: str, spec, rng: random.Random, dpi: int = 150) -> bytes:
    raw = _scan_jpeg(doc_type, spec, rng.randint(0, 999), dpi)
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    W, H = img.size
    # Clone the title block (stamp-like, rich in detail) over a lower part of the page.
    src = (int(W * 0.07), int(H * 0.04), int(W * 0.55), int(H * 0.10))
    region = img.crop(src)
    dy = int(H * rng.uniform(0.35, 0.55))
    img.paste(region, (src[0] + rng.randint(0, 40), src[1] + dy))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.choice([88, 92, 95]))
    return buf.getvalue()


def phone_photo(spec, store_index: int, seed: int, software: str | None = None) -> bytes:
    """A receipt 'photographed': perspective, uneven light, sensor noise, camera EXIF."""
    import tempfile

    import cv2

    with tempfile.TemporaryDirectory() as td:
        p = render_receipt_image(spec, store_index, Path(td) / "r.jpg")
        rec = np.asarray(Image.open(p).convert("RGB"), dtype=np.float32)
    rng = np.random.default_rng(seed)
    h, w = rec.shape[:2]
    H, W = int(h * 1.3), int(w * 1.6)
    bg = np.full((H, W, 3), rng.uniform(90, 150, 3), dtype=np.float32)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    ox, oy = (W - w) / 2, (H - h) / 2
    jit = rng.uniform(-18, 18, (4, 2)).astype(np.float32)
    dst = src + np.float32([ox, oy]) + jit
    M = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(rec, M, (W, H), borderMode=cv2.BORDER_CONSTANT, borderValue=(-1, -1, -1))
    mask = warped[..., 0] >= 0
    out = np.where(mask[..., None], warped, bg)
    yy, xx = np.mgrid[0:H, 0:W]
    light = 0.82 + 0.18 * np.cos((xx / W - rng.uniform(0.2, 0.8)) * 2.5) * np.cos((yy / H - 0.5) * 1.5)
    out = out * light[..., None] + rng.normal(0, rng.uniform(2.5, 5), out.shape)
    img = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 14"
    exif[0x0131] = software or "17.2.1"
    exif[0x0132] = "2026:06:01 14:12:00"
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.integers(85, 95)), exif=exif)
    return buf.getvalue()


def photo_editor_tag(spec, rng: random.Random) -> bytes:
    raw = phone_photo(spec, rng.randint(0, 2), rng.randint(0, 9999))
    img = Image.open(io.BytesIO(raw))
    exif = img.getexif()
    tool = rng.choice(["Adobe Photoshop 25.0 (Windows)", "GIMP 2.10.36", "美图秀秀", "Snapseed 2.21",
                       "PicsArt Photo Studio"])
    kw = {}
    if tool.isascii():
        exif[0x0131] = tool
    else:  # EXIF ASCII cannot hold it; editors that name themselves in Chinese write XMP
        kw["xmp"] = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                     f'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>{tool}</xmp:CreatorTool>'
                     f'</rdf:Description></rdf:RDF></x:xmpmeta>').encode("utf-8")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92, exif=exif, **kw)
    return buf.getvalue()


# ------------------------------------------------------------------ corpus
def build_corpus(out: Path, per_type: int = 8, originals: int = 100, seed: int = 7) -> list[Sample]:
    """Tampered samples (`per_type` of each tamper type) and `originals` untouched files."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []

    def spec_for(i: int):
        return clean_spec(COUNTRIES[i % len(COUNTRIES)], seed=100 + i)

    def put(name: str, tamper: str, doc_type: str, data: bytes, ext: str) -> None:
        p = out / f"{name}.{ext}"
        p.write_bytes(data)
        samples.append(Sample(name, tamper, doc_type, p, doc_type in OFFICIAL))

    fns = {"incremental_overlay": incremental_overlay, "incremental_replace": incremental_replace,
           "editor_resave": editor_resave, "cover_retype": cover_retype, "signed_modified": signed_modified,
           "signed_broken": signed_broken, "image_over_text": image_over_text}
    for t in PDF_TAMPERS:
        for i in range(per_type):
            dt = DOC_TYPES[i % len(DOC_TYPES)]
            put(f"{t}-{i}", t, dt, fns[t](RENDERERS[dt](spec_for(i)), rng), "pdf")
    for t in SCAN_TAMPERS:
        for i in range(per_type):
            dt = DOC_TYPES[i % len(DOC_TYPES)]
            if t == "scan_clone":
                put(f"{t}-{i}", t, dt, scan_clone(dt, spec_for(i), rng), "jpg")
            else:
                jpg = scan_paste(dt, spec_for(i), rng)
                if t == "scan_paste_pdf":
                    put(f"{t}-{i}", t, dt, _wrap_pdf(jpg), "pdf")
                else:
                    put(f"{t}-{i}", t, dt, jpg, "jpg")
    for i in range(per_type):
        put(f"photo_editor_tag-{i}", "photo_editor_tag", "receipt", photo_editor_tag(spec_for(i), rng), "jpg")
    # Honest hard cases: later revisions that are how e-documents are issued, counter-signed and kept.
    for t in HONEST_HARD:
        for i in range(max(1, per_type // 2)):
            dt = DOC_TYPES[i % len(DOC_TYPES)]
            put(f"{t}-{i}", t, dt, HONEST_FNS[t](RENDERERS[dt](spec_for(i + 20))), "pdf")
    # Originals: text PDFs from several producers, signed originals, scans (JPEG and PDF), phone photos.
    kinds = ["text"] * 4 + ["scan"] * 3 + ["scan_pdf"] + ["photo"] * 2 + ["signed"]
    for i in range(originals):
        k = kinds[i % len(kinds)]
        dt = DOC_TYPES[i % len(DOC_TYPES)]
        s = spec_for(i + 50)
        if k == "text":
            put(f"original-text-{i}", "original", dt, honest_pdf(dt, s, HONEST_PRODUCERS[i % len(HONEST_PRODUCERS)]), "pdf")
        elif k == "signed":
            put(f"original-signed-{i}", "original", dt, sign_pdf(RENDERERS[dt](s)), "pdf")
        elif k == "scan":
            put(f"original-scan-{i}", "original", dt, _scan_jpeg(dt, s, i, dpi=rng.choice([150, 200])), "jpg")
        elif k == "scan_pdf":
            put(f"original-scanpdf-{i}", "original", dt, _wrap_pdf(_scan_jpeg(dt, s, i)), "pdf")
        else:
            put(f"original-photo-{i}", "original", "receipt", phone_photo(s, i % 3, i), "jpg")
    return samples


def _wrap_pdf(jpg: bytes, dpi: int = 150) -> bytes:
    import pymupdf as fitz

    im = Image.open(io.BytesIO(jpg))
    pdf = fitz.open()
    page = pdf.new_page(width=im.width * 72 / dpi, height=im.height * 72 / dpi)
    page.insert_image(page.rect, stream=jpg)
    return pdf.tobytes()
