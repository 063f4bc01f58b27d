"""Speed of the video reader against a plain full decode of the same file, in one run.

`run_video_bench()` renders a 60 s 1280×720 H.264 store visit (30 fps, phone-like bitrate), times a
plain PyAV full decode (thread_type="AUTO"), then the complete video read (probe, continuity,
stages, receipt, fingerprint) and reports the ratio (target ≤ 1.0) and the OCR calls made."""
from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any


def _full_decode(path: Path) -> int:
    import av
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        return sum(1 for _ in c.decode(s))


def run_video_bench(seconds: int = 60, size: tuple[int, int] = (1280, 720), workdir: Path | None = None) -> dict[str, Any]:
    from originproof.evidence.readers import FileRef, ReadContext
    from originproof.evidence.video.reader import read_video
    from originproof.policy import load_policy
    from originproof.registry import default_registry
    from originproof.samples.spec import clean_spec
    from originproof.samples.video import render_store_video

    tmp = Path(workdir or tempfile.mkdtemp(prefix="op-vbench-"))
    spec = clean_spec("JP", 1)
    st = spec.stores[0]
    path = render_store_video(spec, 0, tmp / "visit.mp4", seconds=seconds, fps=30, size=size,
                              location=(st.lat, st.lon), crf=18)
    _full_decode(path)  # warm the page cache and the codec
    t0 = time.perf_counter()
    frames = _full_decode(path)
    t_decode = time.perf_counter() - t0
    ctx = ReadContext(registry=default_registry(), policy=load_policy(), origin_country=spec.country,
                      brand_names=[spec.brand, spec.brand_local])
    ref = FileRef(path="visit.mp4", real=path, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    t1 = time.perf_counter()
    vf = read_video(ref, ctx)
    t_read = time.perf_counter() - t1
    return {"seconds": seconds, "size": list(size), "frames": frames, "file_mb": round(path.stat().st_size / 1e6, 1),
            "full_decode_s": round(t_decode, 3), "analysis_s": round(t_read, 3),
            "ratio": round(t_read / t_decode, 3), "ocr_calls": vf.ocr_calls,
            "stages": [(m.stage, m.t) for m in vf.stage_marks], "cuts": len(vf.discontinuities),
            "receipt_read": vf.receipt_facts is not None}
