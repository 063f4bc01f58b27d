"""Post-write mutations of a written dossier: what a forger or a careless packer does to the files
themselves (where no renderer knob exists). Every function rewrites files through a new inode
(write + replace), so memoised inputs are never touched."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path


def replace_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def zip_dossier(root: Path, out: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(root).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out


def zip_bomb(root: Path, out: Path, member_mb: int = 30) -> Path:
    """The dossier zipped with one extra member of zeros: it inflates far beyond 100× its size
    (the member grows with the archive, so the ratio holds whatever the evidence weighs)."""
    zip_dossier(root, out)
    member_mb = max(member_mb, 150 * out.stat().st_size // (1 << 20) + 1)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("evidence/padding.bin", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(member_mb):
                fh.write(block)
    return out


def pdf_incremental_edit(path: Path, text: str, rect: tuple[float, float, float, float] = (300, 120, 560, 160)) -> None:
    """Append an incremental revision that paints a white box and new text over the first page —
    the commonest real tampering (an edited date or number), leaving the original revision intact."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject, ArrayObject

    writer = PdfWriter(str(path), incremental=True)
    page = writer.pages[0]
    x0, y0, x1, y1 = rect
    h = float(page.mediabox.height)
    content = (f"q 1 1 1 rg {x0} {h - y1} {x1 - x0} {y1 - y0} re f Q "
               f"BT /Helv 11 Tf 0 0 0 rg {x0 + 4} {h - y1 + 8} Td ({text}) Tj ET").encode()
    stream = DecodedStreamObject()
    stream.set_data(content)
    ref = writer._add_object(stream)
    existing = page.get("/Contents")
    arr = ArrayObject()
    if existing is not None:
        obj = existing.get_object()
        if isinstance(obj, ArrayObject):
            arr.extend(obj)
        else:
            arr.append(existing)
    arr.append(ref)
    page[NameObject("/Contents")] = arr
    from pypdf.generic import DictionaryObject
    res = page.get("/Resources")
    res = res.get_object() if res is not None else DictionaryObject()
    fonts = res.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    fonts[NameObject("/Helv")] = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                   NameObject("/Subtype"): NameObject("/Type1"),
                                                   NameObject("/BaseFont"): NameObject("/Helvetica")})
    res[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = res
    writer.add_metadata({"/Producer": "Adobe Acrobat Pro (64-bit) 24.1.20643", "/ModDate": "D:20260610120000+08'00'"})
    buf = io.BytesIO()
    writer.write(buf)
    replace_bytes(path, buf.getvalue())


def image_local_edit(path: Path, software: str | None = "Adobe Photoshop 25.0 (Windows)",
                     box: tuple[float, float, float, float] = (0.45, 0.08, 0.95, 0.16), seed: int = 0) -> None:
    """Paint over a region (as when a date or number is retouched), paste a clone of another region,
    re-save as JPEG at another quality and (optionally) tag the editing software in EXIF."""
    from PIL import Image, ImageDraw

    img = Image.open(path).convert("RGB")
    w, h = img.size
    x0, y0, x1, y1 = int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)
    patch = img.crop((int(0.05 * w), int(0.5 * h), int(0.05 * w) + (x1 - x0), int(0.5 * h) + (y1 - y0)))
    img.paste(patch, (x0, y0))
    d = ImageDraw.Draw(img)
    d.rectangle([x0 + 4, y0 + 4, x0 + (x1 - x0) // 2, y1 - 4], fill="white")
    d.text((x0 + 8, y0 + 6), "2026-06-01", fill="black")
    exif = Image.Exif()
    if software:
        exif[0x0131] = software  # Software
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=93, exif=exif.tobytes())
    replace_bytes(path, buf.getvalue())


def remux_video(src: Path, out: Path, metadata: dict[str, str] | None = None, drop_metadata: bool = False) -> None:
    """Copy the video stream into a new container: other metadata, same pixels."""
    import av

    tmp = out.with_name(out.name + ".tmp.mp4")
    with av.open(str(src)) as ic:
        meta = {} if drop_metadata else dict(ic.metadata)
        meta.update(metadata or {})
        ist = ic.streams.video[0]
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "use_metadata_tags"}) as oc:
            for k, v in meta.items():
                if k not in ("major_brand", "minor_version", "compatible_brands"):
                    oc.metadata[k] = v
            ost = oc.add_stream_from_template(ist)
            for pkt in ic.demux(ist):
                if pkt.dts is None:
                    continue
                pkt.stream = ost
                oc.mux(pkt)
    os.replace(tmp, out)
