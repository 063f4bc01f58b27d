"""`check` stopped mid-read: by SIGKILL no reader process outlives it; by SIGTERM it also removes the
expanded zip from the temporary folder (and the next intake sweeps what a SIGKILL left)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

OP = str(Path(sys.executable).parent / "originproof")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields after the command name: state, ppid, pgrp, session …


def _session_members(sid: int) -> list[int]:
    """Live (non-zombie) processes of session `sid`."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            f = _stat(int(d.name))
            if f and f[0] != "Z" and int(f[3]) == sid:
                out.append(int(d.name))
    return out


def _start_check(dossier: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmpdir), "ORIGINPROOF_HOME": str(tmp_path / "home"), "OMP_THREAD_LIMIT": "1"}
    # A session of its own: every process the check starts can be found (and nothing hits pytest).
    p = subprocess.Popen([OP, "check", str(dossier), "--format", "json", "--no-record"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 180
    while len(_session_members(p.pid)) < 2:  # the check and at least one reader process
        assert p.poll() is None, p.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "no reader process started"
        time.sleep(0.2)
    time.sleep(1.0)  # well into the reading
    return p, tmpdir


def _left(tmpdir: Path) -> list[str]:
    # Hidden files are markers the host environment writes into TMPDIR; originproof's temporary
    # folders and files (mkdtemp/mkstemp names) are never hidden.
    return sorted(p.name for p in tmpdir.iterdir() if not p.name.startswith("."))


def _zip(src: Path, dst: Path) -> Path:
    return Path(shutil.make_archive(str(dst), "zip", root_dir=src))


def test_kill_9_leaves_no_reader_behind(clean_dossier_dir, tmp_path):
    z = _zip(clean_dossier_dir, tmp_path / "d")
    p, tmpdir = _start_check(z, tmp_path)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    time.sleep(5)
    assert _session_members(p.pid) == []
    # SIGKILL cannot clean up; the next intake removes the folder of the dead process.
    from originproof.dossier.safety import sweep_orphaned_temp_dirs

    left = list(tmpdir.glob("originproof-zip-*"))
    assert sweep_orphaned_temp_dirs(tmpdir) == len(left)
    assert _left(tmpdir) == []


def test_sigterm_unwinds_readers_and_temp_folder(clean_dossier_dir, tmp_path):
    z = _zip(clean_dossier_dir, tmp_path / "d")
    p, tmpdir = _start_check(z, tmp_path)
    os.kill(p.pid, signal.SIGTERM)
    assert p.wait(timeout=60) == 143
    time.sleep(5)
    assert _session_members(p.pid) == []
    assert _left(tmpdir) == []
