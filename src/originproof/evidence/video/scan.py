"""One decoding pass over a video: low-resolution luma for continuity and fingerprints, packet
timestamps for jumps, and the steadiest frame of each pause of the camera (kept at full size)
for reading the purchase stages.

Deblocking is skipped on B-frames (`skip_loop_filter=bidir`, ~8 % of the decoding): the only
frames that predict from a decoded B-frame are the non-reference ones we skip, so nothing drifts.
(Skipping it everywhere saves ~20 % but the drift until the next keyframe breaks barcodes.)

Only reference frames are decoded (`skip_frame="NONREF"`): a cut or splice changes every frame
after it, so it shows between consecutive reference frames as well, at about 60 % of the cost of a
full decode. The luma is taken from the decoded Y plane by striding (no colour conversion).
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import cv2
import numpy as np

SMALL_W = 64
DWELL_MOTION = 0.22  # normalised mean |Δ| between reference frames below which the camera rests
DWELL_MIN_S = 0.45
DRIFT_S = 0.33  # picture change over this span tells a resting camera from the slow end of a pan
STILL_DRIFT = 0.18
STILL_S = 0.4  # still this long: the pause is handed to `on_pause` at once, not when it ends
# Adaptive sampling beside the pauses: a camera that never rests (a walk, a receipt read top to
# bottom) is sampled once per window where the picture has changed since the last frame handed on,
# its steadiest (least blurred) frame — more samples where the scene changes, none where it does not.
SAMPLE_WIN_S = 0.5
NOVEL = 0.42  # normalised mean |Δ| of the 64-px luma to the last frame handed on
SAMPLE_MAX_MOTION = 0.75
_PLANAR8 = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"}


@dataclass
class Pause:
    start: float
    end: float
    t: float  # time of the kept frame
    motion: float
    frame: Any = None  # av.VideoFrame at full size (dropped after reading)
    reported: bool = False


@dataclass
class Scan:
    times: np.ndarray  # decoded (reference) frame times, s
    smalls: np.ndarray  # (n, h, SMALL_W) uint8 luma
    motion: np.ndarray  # normalised mean |Δ| to the previous decoded frame (0 for the first)
    packet_pts: list[float] = field(default_factory=list)
    keyframes: list[float] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    decoded: int = 0
    decode_errors: int = 0
    rotation: int = 0
    width: int | None = None
    height: int | None = None


def _luma_small(f: Any, sh: int) -> np.ndarray:
    w, h = f.width, f.height
    if f.format.name in _PLANAR8:
        pl = f.planes[0]
        y = np.frombuffer(pl, np.uint8).reshape(-1, pl.line_size)[:h, :w]
        step = max(1, h // (sh * 4))
        y = y[::step, ::step]
    else:  # 10-bit HEVC and the like: let swscale do it
        y = f.reformat(width=SMALL_W * 4, height=sh * 4, format="gray").to_ndarray()
    return cv2.resize(y, (SMALL_W, sh), interpolation=cv2.INTER_AREA)


def _norm(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.float32)
    return (a - a.mean()) / (a.std() + 4.0)  # +4: flat frames (a wall, darkness) are not amplified


def _open_for_scan(container: Any) -> tuple[Any, float, float]:
    vs = container.streams.video[0]
    vs.thread_type = "AUTO"
    vs.codec_context.options = {"skip_loop_filter": "bidir"}
    vs.codec_context.skip_frame = "NONREF"
    tb = float(vs.time_base) if vs.time_base else 1 / 90000
    start = float(vs.start_time * tb) if vs.start_time is not None else 0.0
    return vs, tb, start


def scan_video(container: Any, *, keep_pauses: bool = True, max_pauses: int = 24,
               on_pause: Callable[[Pause], None] | None = None, t_from: float | None = None,
               t_to: float | None = None) -> Scan:
    """`on_pause(pause)` is called once per pause, as soon as the camera has been still for `STILL_S`
    or the pause has ended, so the caller can read its frame while decoding goes on; without it the longest
    `max_pauses` keep their frames. `t_from`/`t_to` (seconds from the start) scan one segment:
    `t_from` must be a keyframe time (see `scan_file`)."""
    vs, tb, start = _open_for_scan(container)
    if t_from:
        container.seek(int(round((t_from + start) / tb)), stream=vs, backward=True)
    times: list[float] = []
    smalls: list[np.ndarray] = []
    motion: list[float] = []
    pts: list[float] = []
    keys: list[float] = []
    pauses: list[Pause] = []
    sh = None
    prev = None
    run: Pause | None = None
    late: tuple[float, float, Any, float] | None = None  # (t, motion, frame, since) of the steadiest still frame
    recent: list[tuple[float, np.ndarray]] = []  # (t, normalised luma) over the last DRIFT_S
    errors = 0
    rotation = 0
    w = h = None
    win: list[Any] = []  # [start, motion, t, frame, z] of the steadiest frame of the current sampling window
    last_z: list[Any] = [None]  # normalised luma of the last frame handed on

    def report(p: Pause, z: np.ndarray | None) -> None:
        last_z[0] = z
        on_pause(p)  # type: ignore[misc]

    def sample(t: float, m: float, f: Any, z: np.ndarray) -> None:
        if not win:
            win[:] = [t, m, t, f, z]
        elif m < win[1]:
            win[1:] = [m, t, f, z]
        if t - win[0] < SAMPLE_WIN_S:
            return
        _s, mb, tb_, fb, zb = win
        win.clear()
        nov = math.inf if last_z[0] is None else float(np.abs(zb - last_z[0]).mean())
        if nov >= NOVEL and mb <= SAMPLE_MAX_MOTION:
            report(Pause(start=tb_, end=tb_, t=tb_, motion=mb, frame=fb, reported=True), zb)

    def close_run() -> None:
        nonlocal run, late
        if run is not None and run.end - run.start >= DWELL_MIN_S:
            pauses.append(run)
            if on_pause is not None:
                if not run.reported:
                    if late is not None:
                        run.t, run.motion, run.frame = late[0], late[1], late[2]
                    report(run, prev)
                run.frame = None
            elif len(pauses) > max_pauses:  # keep the longest pauses only
                pauses.sort(key=lambda p: p.end - p.start)
                pauses.pop(0).frame = None
                pauses.sort(key=lambda p: p.t)
        run = None
        late = None

    lo, hi = (t_from or 0.0) - 1e-6, (t_to if t_to is not None else math.inf) - 1e-6
    done = False
    for pkt in container.demux(vs):
        if done:
            break
        if pkt.pts is not None and lo <= pkt.pts * tb - start < hi:
            pts.append(pkt.pts * tb - start)
            if pkt.is_keyframe:
                keys.append(pkt.pts * tb - start)
        try:
            frames = pkt.decode()
        except Exception:  # noqa: BLE001 — a corrupt packet is counted, not fatal
            errors += 1
            continue
        for f in frames:
            if f.pts is None:
                continue
            t = float(f.pts * tb) - start
            if t < lo:
                continue
            if t >= hi:
                done = True
                break
            if sh is None:
                w, h = f.width, f.height
                sh = max(8, int(round(SMALL_W * h / max(1, w))))
                rotation = int(getattr(f, "rotation", 0) or 0) % 360
            s = _luma_small(f, sh)
            z = _norm(s)
            m = float(np.abs(z - prev).mean()) if prev is not None else 0.0
            prev = z
            drift = 0.0
            if on_pause is not None:
                recent.append((t, z))
                while len(recent) > 2 and recent[1][0] <= t - DRIFT_S:
                    recent.pop(0)
                drift = float(np.abs(z - recent[0][1]).mean()) if recent[0][0] <= t - DRIFT_S * 0.6 else m
            times.append(t)
            smalls.append(s)
            motion.append(m)
            if not keep_pauses:
                continue
            if on_pause is not None:
                sample(t, m, f, z)
            if m < DWELL_MOTION:
                if run is None:
                    run = Pause(start=t, end=t, t=t, motion=m, frame=f)
                    late = None
                elif on_pause is not None:
                    run.end = t
                    if run.reported:
                        continue
                    if m < run.motion:  # fallback when the pause ends before the camera is still
                        run.t, run.motion, run.frame = t, m, f
                    # A pan slows down into a pause: frame-to-frame motion is already low while the
                    # picture still slides. Only frames that moved little over DRIFT_S count as still;
                    # the steadiest of them is read once the camera has been still for STILL_S.
                    if drift < STILL_DRIFT:
                        if late is None:
                            late = (t, m, f, t)
                        elif m < late[1]:
                            late = (t, m, f, late[3])
                        if t - late[3] >= STILL_S:
                            run.t, run.motion, run.frame = late[0], late[1], late[2]
                            report(run, z)
                            run.reported, run.frame, late = True, None, None
                    elif late is not None and t - late[3] < STILL_S:
                        late = None  # still moving: start again
                else:
                    run.end = t
                    # the steadiest frame, preferring the middle of the pause
                    if m < run.motion * 0.85 or (m < run.motion * 1.15 and abs(t - (run.start + run.end) / 2)
                                                  < abs(run.t - (run.start + run.end) / 2)):
                        run.t, run.motion, run.frame = t, m, f
            else:
                close_run()
    close_run()
    pts.sort()
    n = len(times)
    return Scan(times=np.asarray(times, np.float64), smalls=np.stack(smalls) if n else np.zeros((0, 1, SMALL_W), np.uint8),
                motion=np.asarray(motion, np.float32), packet_pts=pts, keyframes=keys, pauses=pauses, decoded=n,
                decode_errors=errors, rotation=rotation, width=w, height=h)


SPLIT_MIN_S = 12.0  # shorter videos are scanned in one pass


def _middle_keyframe(container: Any, duration: float) -> float | None:
    """Time of the keyframe at or before the middle of the video (demuxed, not decoded)."""
    vs = container.streams.video[0]
    tb = float(vs.time_base) if vs.time_base else 1 / 90000
    start = float(vs.start_time * tb) if vs.start_time is not None else 0.0
    try:
        container.seek(int(round((duration / 2 + start) / tb)), stream=vs, backward=True)
        for pkt in container.demux(vs):
            if pkt.pts is not None and pkt.is_keyframe:
                return float(pkt.pts * tb) - start
            if pkt.pts is not None:
                return None  # the seek did not land on a keyframe: do not trust it
    except Exception:  # noqa: BLE001 — an unseekable file is scanned in one pass
        return None
    return None


def _join(a: Scan, b: Scan) -> Scan:
    motion = np.concatenate([a.motion, b.motion])
    if a.decoded and b.decoded:
        motion[a.decoded] = float(np.abs(_norm(b.smalls[0]) - _norm(a.smalls[-1])).mean())
    return Scan(times=np.concatenate([a.times, b.times]), smalls=np.concatenate([a.smalls, b.smalls]), motion=motion,
                packet_pts=sorted(a.packet_pts + b.packet_pts), keyframes=a.keyframes + b.keyframes,
                pauses=a.pauses + b.pauses, decoded=a.decoded + b.decoded, decode_errors=a.decode_errors + b.decode_errors,
                rotation=a.rotation, width=a.width or b.width, height=a.height or b.height)


def scan_file(path: str, *, duration: float | None, on_pause: Callable[[Pause], None] | None = None,
              open_fn: Callable[[str], Any] | None = None) -> Scan:
    """`scan_video` over the whole file, its two halves decoded side by side when the video is long
    enough: decoding only reference frames is a chain (each frame predicts from the last), so one
    decoder keeps about one core busy; two halves split at a keyframe keep both."""
    import av
    opener = open_fn or (lambda p: av.open(p, metadata_errors="ignore"))
    kf = None
    if duration and duration >= SPLIT_MIN_S:
        with opener(path) as c:
            kf = _middle_keyframe(c, duration)
    if kf is None or not (0.25 * duration <= kf <= 0.75 * duration):
        with opener(path) as c:
            return scan_video(c, on_pause=on_pause)
    second: dict[str, Any] = {}

    def run_second() -> None:
        try:
            with opener(path) as c:
                second["scan"] = scan_video(c, on_pause=on_pause, t_from=kf)
        except Exception as e:  # noqa: BLE001 — reported below, then scanned in one pass
            second["error"] = e

    th = threading.Thread(target=run_second, name="video-scan-2", daemon=True)
    th.start()
    with opener(path) as c:
        first = scan_video(c, on_pause=on_pause, t_to=kf)
    th.join()
    if "scan" not in second:  # a file that decodes but does not seek: one plain pass
        with opener(path) as c:
            return scan_video(c, on_pause=on_pause)
    return _join(first, second["scan"])


# --------------------------------------------------------------------------- continuity
@dataclass
class Jump:
    t: float
    kind: str  # cut | timestamp_jump | uncertain
    confidence: float
    detail: str


def _residual(a: np.ndarray, b: np.ndarray) -> tuple[float, tuple[float, float]]:
    """Mean |Δ| after undoing the global shift between two normalised frames (camera motion)."""
    win = cv2.createHanningWindow((a.shape[1], a.shape[0]), cv2.CV_32F)
    (dx, dy), _resp = cv2.phaseCorrelate(a, b, win)
    if not (math.isfinite(dx) and math.isfinite(dy)):
        dx = dy = 0.0
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    shifted = cv2.warpAffine(a, m, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mx, my = int(math.ceil(abs(dx))) + 1, int(math.ceil(abs(dy))) + 1
    if a.shape[1] - 2 * mx < 8 or a.shape[0] - 2 * my < 6:
        return float(np.abs(b - a).mean()), (dx, dy)
    r = np.abs(b[my:-my, mx:-mx] - shifted[my:-my, mx:-mx]).mean()
    return float(r), (dx, dy)


def _hist_dist(a: np.ndarray, b: np.ndarray) -> float:
    """Distance of brightness-normalised luma histograms: content, not position."""
    ha = np.histogram(np.clip(a, -3, 3), bins=24, range=(-3, 3))[0].astype(np.float32)
    hb = np.histogram(np.clip(b, -3, 3), bins=24, range=(-3, 3))[0].astype(np.float32)
    ha /= ha.sum() + 1e-6
    hb /= hb.sum() + 1e-6
    return float(0.5 * np.abs(ha - hb).sum())


def find_discontinuities(sc: Scan, fps: float | None) -> list[Jump]:
    out: list[Jump] = []
    # 1. Timestamp jumps: a gap in the presentation times far beyond the frame interval.
    if len(sc.packet_pts) > 3:
        d = np.diff(np.asarray(sc.packet_pts))
        d = d[d > 0]
        if len(d):
            step = float(np.median(d))
            for t0, gap in zip(sc.packet_pts[:-1], np.diff(np.asarray(sc.packet_pts))):
                if gap > max(4 * step, 0.3):
                    out.append(Jump(t=round(float(t0 + gap), 3), kind="timestamp_jump", confidence=0.95,
                                    detail=f"presentation time jumps {gap:.2f} s (frame interval {step * 1000:.0f} ms)"))
                elif gap > max(2.5 * step, 0.15):
                    out.append(Jump(t=round(float(t0 + gap), 3), kind="uncertain", confidence=0.5,
                                    detail=f"irregular frame interval {gap:.2f} s"))
    # 2. Visual cuts: a change that camera motion does not explain, far above its neighbours.
    n = len(sc.times)
    if n < 3:
        return out
    means = sc.smalls.reshape(n, -1).mean(axis=1).astype(np.float32)
    step = np.zeros(n, np.float32)  # relative brightness step: light drifts in one take, jumps between takes
    step[1:] = np.abs(np.diff(means)) / (np.maximum(means[1:], means[:-1]) + 8.0)
    res = np.zeros(n, np.float32)
    hist = np.zeros(n, np.float32)
    shift = np.zeros((n, 2), np.float32)
    for k in range(1, n):
        if sc.motion[k] < 0.25:
            res[k] = sc.motion[k]  # nothing moved enough to hide a cut
            continue
        za, zb = _norm(sc.smalls[k - 1]), _norm(sc.smalls[k])
        res[k], shift[k] = _residual(za, zb)
        hist[k] = _hist_dist(za, zb)
    fast = 0.08 * sc.smalls.shape[2]  # a pan this fast per frame smears and brightens/darkens the picture

    def in_pan(k: int) -> str:
        """'steady' when the frames before and after slide the same way as this one (a fast pan, not
        a cut), 'mixed' when they slide alike but this step does not, else ''."""
        if k < 2 or k + 1 >= n:
            return ""
        a, b, c = shift[k - 1], shift[k], shift[k + 1]
        if min(np.abs(a).max(), np.abs(c).max()) < fast:
            return ""
        ax = 0 if abs(a[0]) >= abs(a[1]) else 1
        if np.sign(a[ax]) != np.sign(c[ax]) or abs(c[ax]) < fast * 0.5:
            return ""
        mid = (a + c) / 2
        return "steady" if float(np.abs(b - mid).max()) <= 0.5 * float(np.abs(mid).max()) else "mixed"
    span = max(3, int(round(1.0 * n / max(1e-6, sc.times[-1] - sc.times[0] + 1e-6))))  # ≈ 1 s of frames
    for k in range(1, n):
        if res[k] < 0.3 and step[k] < 0.08:
            continue
        lo, hi = max(1, k - span), min(n, k + span + 1)
        neigh = np.concatenate([res[lo:k], res[k + 1:hi]])
        nstep = np.concatenate([step[lo:k], step[k + 1:hi]])
        base = float(np.median(neigh)) if len(neigh) else 0.0
        sbase = float(np.percentile(nstep, 75)) if len(nstep) else 0.0
        ratio = res[k] / (base + 0.05)
        sratio = step[k] / (sbase + 0.01)
        t = float(sc.times[k])
        detail = (f"frame change {res[k]:.2f} after motion compensation vs {base:.2f} around it; histogram shift "
                  f"{hist[k]:.2f}; brightness step {step[k] * 100:.0f}% vs {sbase * 100:.0f}%")
        content_cut = res[k] >= 0.65 and ratio >= 3.0 and hist[k] >= 0.15
        # Half the light gone (or doubled) from one frame to the next while the frames beside it hold steady:
        # exposure follows the scene over many frames and a pan that fast moves its neighbours too, so this
        # is two takes joined even when both pictures are flat (a plain fascia, a wall) and their
        # brightness-normalised content barely differs.
        near = max(step[k - 1] if k >= 2 else 0.0, step[k + 1] if k + 1 < n else 0.0)
        strong_light = step[k] >= 0.5 and (sratio >= 8.0 or near <= 0.25 * step[k])
        light_cut = (step[k] >= 0.08 and sratio >= 4.0 and res[k] >= 0.4) or strong_light
        pan = in_pan(k) if (content_cut or light_cut) else ""
        if pan == "steady":
            continue
        if pan == "mixed":
            out.append(Jump(t=round(t, 3), kind="uncertain", confidence=0.5, detail=detail + " during a fast pan"))
        elif content_cut or light_cut:
            conf = 0.9 if (content_cut and light_cut) else 0.8
            out.append(Jump(t=round(t, 3), kind="cut", confidence=conf, detail=detail))
        elif (res[k] >= 0.58 and ratio >= 3.0 and hist[k] >= 0.15) or (step[k] >= 0.15 and sratio >= 5.0 and res[k] >= 0.4):
            out.append(Jump(t=round(t, 3), kind="uncertain", confidence=0.5, detail=detail))
    out.sort(key=lambda j: j.t)
    return out
