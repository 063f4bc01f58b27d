"""Store-visit video reader: probe, continuity, purchase timeline, receipt frames, fingerprint."""
from originproof.evidence.readers import register_reader
from originproof.evidence.video.fingerprint import video_distance  # noqa: F401 — used by the reuse index

VERSION = "5"  # 5: Tesseract kept loaded (tesserocr), OCR budget spent on what is missing


@register_reader("video", "video", VERSION)
def _read(file, ctx):
    from originproof.evidence.video.reader import read_video
    return read_video(file, ctx)
