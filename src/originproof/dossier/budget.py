"""What reading a file will cost, from what the file declares, before anything is decoded.

The size caps bound bytes, not work: a 600-byte PDF can declare a 100-inch page that the document
reader renders at its OCR resolution (20000×20000 pixels), a 10 KB video can declare frames of
16000×15992, a 1 KB JPEG can declare 9000×8000 pixels it does not hold. Decoding such a file costs
minutes and gigabytes in a reader. The budgets here are read from headers (page boxes, stream
parameters, image frame headers) and refuse the file at intake as too costly to read, saying which
declaration exceeded which budget. Every figure is far above real evidence (an A0 sheet, 8K video,
a 100-megapixel phone photo) so an honest file never meets them.
"""
from __future__ import annotations

from dataclasses import dataclass

RENDER_DPI = 200  # the document reader's OCR resolution for pages without a text layer
MAX_PAGE_PIXELS = 64_000_000  # one page rendered at RENDER_DPI: an A0 sheet is 62 MP
MAX_DOCUMENT_PIXELS = 640_000_000  # all pages of one file: 50 A3 pages are 580 MP
# Images embedded in a page are decoded whole to render it, whatever the page's size: a page of
# A4 holding a 1200 dpi scan is 140 MP; a highly compressible 20000×20000 image costs 400 MP.
MAX_PAGE_IMAGE_PIXELS = 150_000_000
MAX_DOCUMENT_IMAGE_PIXELS = 1_500_000_000
MAX_IMAGE_PIXELS = 100_000_000  # a 108 MP phone sensor in full-resolution mode is the largest real photo
MAX_FRAME_PIXELS = 7680 * 4320  # 8K UHD
MAX_VIDEO_PIXELS = 3840 * 2160 * 30 * 600  # 10 minutes of 4K at 30 frames/s, decoded
# A complete baseline or progressive JPEG spends at least ~2 bits on each 8×8 block of luma; a file
# far smaller than that for its declared size is truncated (or forged) and decodes to filler.
JPEG_MIN_BYTES_PER_PIXEL = 2 / 8 / 64
JPEG_DENSITY_FROM_PIXELS = 4_000_000  # below this, decoding is cheap whatever the file holds


@dataclass
class OverBudget:
    detail_en: str
    detail_zh: str


def _mp(pixels: float) -> str:
    return f"{pixels / 1e6:,.0f} MP"


def pdf_pages(sizes_pt: list[tuple[float, float]], image_pixels: list[int] | None = None) -> OverBudget | None:
    """sizes_pt: (width, height) in points of each page that would be read; image_pixels: the
    pixels its embedded images declare, per page."""
    images = image_pixels or []
    for i, px in enumerate(images, 1):
        if px > MAX_PAGE_IMAGE_PIXELS:
            return OverBudget(f"page {i} embeds images declaring {_mp(px)} to decode (budget {_mp(MAX_PAGE_IMAGE_PIXELS)} "
                              "per page)", f"第 {i} 页内嵌图片声明需解码 {_mp(px)}（每页上限 {_mp(MAX_PAGE_IMAGE_PIXELS)}）")
    if sum(images) > MAX_DOCUMENT_IMAGE_PIXELS:
        return OverBudget(f"its pages embed images declaring {_mp(sum(images))} to decode (budget "
                          f"{_mp(MAX_DOCUMENT_IMAGE_PIXELS)} per file)",
                          f"各页内嵌图片共声明需解码 {_mp(sum(images))}（每个文件上限 {_mp(MAX_DOCUMENT_IMAGE_PIXELS)}）")
    total = 0.0
    for i, (w, h) in enumerate(sizes_pt, 1):
        px = (w / 72 * RENDER_DPI) * (h / 72 * RENDER_DPI)
        if px > MAX_PAGE_PIXELS:
            return OverBudget(
                f"page {i} measures {w / 72:,.0f}×{h / 72:,.0f} inches, {_mp(px)} once rendered at "
                f"{RENDER_DPI} dpi for reading (budget {_mp(MAX_PAGE_PIXELS)} per page)",
                f"第 {i} 页尺寸为 {w / 72:,.0f}×{h / 72:,.0f} 英寸，按 {RENDER_DPI} dpi 渲染识别需 {_mp(px)}"
                f"（每页上限 {_mp(MAX_PAGE_PIXELS)}）")
        total += px
    if total > MAX_DOCUMENT_PIXELS:
        return OverBudget(
            f"its {len(sizes_pt)} pages come to {_mp(total)} once rendered at {RENDER_DPI} dpi "
            f"(budget {_mp(MAX_DOCUMENT_PIXELS)} per file)",
            f"其 {len(sizes_pt)} 页按 {RENDER_DPI} dpi 渲染共需 {_mp(total)}（每个文件上限 {_mp(MAX_DOCUMENT_PIXELS)}）")
    return None


def image(width: int, height: int, kind: str | None, size_bytes: int) -> OverBudget | None:
    px = width * height
    if px > MAX_IMAGE_PIXELS:
        return OverBudget(f"it declares {width}×{height} pixels ({_mp(px)}, budget {_mp(MAX_IMAGE_PIXELS)})",
                          f"图片声明 {width}×{height} 像素（{_mp(px)}，上限 {_mp(MAX_IMAGE_PIXELS)}）")
    if kind == "jpeg" and px >= JPEG_DENSITY_FROM_PIXELS and size_bytes < px * JPEG_MIN_BYTES_PER_PIXEL:
        need = px * JPEG_MIN_BYTES_PER_PIXEL
        return OverBudget(
            f"it declares {width}×{height} pixels but holds only {size_bytes:,} bytes, less than the "
            f"{need:,.0f} any complete JPEG of that size needs: it is truncated, and decoding it would "
            "cost the full size to produce filler",
            f"图片声明 {width}×{height} 像素，却只有 {size_bytes:,} 字节，少于该尺寸完整 JPEG 至少所需的 "
            f"{need:,.0f} 字节：文件已截断，解码只会得到填充内容却耗费整幅图片的代价")
    return None


def video(width: int, height: int, frames: float | None) -> OverBudget | None:
    px = width * height
    if px > MAX_FRAME_PIXELS:
        return OverBudget(f"its frames declare {width}×{height} pixels ({_mp(px)}, budget {_mp(MAX_FRAME_PIXELS)}, 8K)",
                          f"视频帧声明 {width}×{height} 像素（{_mp(px)}，上限 {_mp(MAX_FRAME_PIXELS)}，即 8K）")
    if frames and px * frames > MAX_VIDEO_PIXELS:
        return OverBudget(
            f"{frames:,.0f} frames of {width}×{height} come to {px * frames / 1e9:,.0f} gigapixels to decode "
            f"(budget {MAX_VIDEO_PIXELS / 1e9:,.0f})",
            f"{frames:,.0f} 帧 {width}×{height} 共需解码 {px * frames / 1e9:,.0f} 十亿像素（上限 {MAX_VIDEO_PIXELS / 1e9:,.0f}）")
    return None


def decoder_options() -> dict[str, str]:
    """FFmpeg codec options that make a decoder refuse frames over the budget, whatever the
    container declared (a stream may claim small frames and carry huge ones)."""
    return {"max_pixels": str(MAX_FRAME_PIXELS)}
