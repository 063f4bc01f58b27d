"""TrueType fonts from Debian packages (reportlab embeds TrueType only; see shared/ref/fixture-tips.md)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CANDIDATES = {
    "ja": ["/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"],
    "ko": ["/usr/share/fonts/truetype/nanum/NanumGothic.ttf"],
    "zh": ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"],
    "latin": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"],
    "mono": ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
}


def font_path(script: str) -> Path:
    for c in CANDIDATES.get(script, []) + CANDIDATES["latin"]:
        if Path(c).exists():
            return Path(c)
    raise FileNotFoundError(f"no TrueType font for {script}: install fonts-ipafont-gothic fonts-nanum fonts-wqy-zenhei fonts-dejavu-core")


def script_for_lang(lang: str) -> str:
    return {"ja": "ja", "ko": "ko", "zh": "zh"}.get(lang, "latin")


@lru_cache(maxsize=None)
def reportlab_font(script: str) -> str:
    """Register the script's font with reportlab once; returns its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"OP-{script}"
    p = font_path(script)
    kw = {"subfontIndex": 0} if p.suffix == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(name, str(p), **kw))
    return name


@lru_cache(maxsize=None)
def pil_font(script: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(script)), size)
