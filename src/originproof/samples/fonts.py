"""TrueType fonts from Debian packages (reportlab embeds TrueType only; see shared/ref/fixture-tips.md).

`reportlab_font(script)` is the one font per script the classic documents use; `font_choices(script)`
lists the alternatives the layout families draw from (captions in one face, typed values in another,
as forms are filled), and `covers(name, text)` tells whether a registered font has every glyph."""
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

# Alternative faces per script for the layout families (only the TrueType-outline ones: reportlab
# cannot embed CFF/OpenType-PostScript such as Noto CJK). Missing files are skipped.
VARIANTS = {
    "ja": ["/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
           "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf", "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"],
    "ko": ["/usr/share/fonts/truetype/nanum/NanumGothic.ttf", "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
           "/usr/share/fonts/truetype/nanum/NanumGothicCoding.ttf", "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf"],
    "zh": ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#1",
           "/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"],
    "latin": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf"],
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
def _register(spec: str) -> str | None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path, _, idx = spec.partition("#")
    if not Path(path).exists():
        return None
    name = "OPV-" + Path(path).stem + (f"-{idx}" if idx else "")
    kw = {"subfontIndex": int(idx or 0)} if path.endswith(".ttc") else {}
    try:
        pdfmetrics.registerFont(TTFont(name, path, **kw))
    except Exception:  # an outline format reportlab cannot embed
        return None
    return name


@lru_cache(maxsize=None)
def font_choices(script: str) -> tuple[str, ...]:
    """Registered reportlab font names usable for `script` (at least the classic one)."""
    names = [n for n in (_register(p) for p in VARIANTS.get(script, [])) if n]
    return tuple(names) or (reportlab_font(script),)


@lru_cache(maxsize=4096)
def covers(name: str, text: str) -> bool:
    """True when the registered font `name` has a glyph for every character of `text`."""
    from reportlab.pdfbase import pdfmetrics

    f = pdfmetrics.getFont(name)
    cmap = getattr(getattr(f, "face", None), "charToGlyph", None)
    if cmap is None:
        return True
    return all(ord(ch) in cmap or ch.isspace() for ch in text)


@lru_cache(maxsize=None)
def pil_font(script: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(script)), size)
