"""Safe paths and safe archive expansion: nothing in a dossier may reach outside its root."""
from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class UnsafePath(ValueError):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code


def check_relpath(rel: str) -> PurePosixPath:
    """A manifest path: relative, `/`-separated, no `..`, no drive, no NUL."""
    if not isinstance(rel, str) or not rel.strip():
        raise UnsafePath("bad_path", "empty path")
    if "\x00" in rel or "\\" in rel:
        raise UnsafePath("bad_path", f"path {rel!r} contains a backslash or NUL")
    p = PurePosixPath(rel)
    if p.is_absolute() or (len(rel) > 1 and rel[1] == ":"):
        raise UnsafePath("absolute_path", f"path {rel!r} is absolute")
    if any(part == ".." for part in p.parts):
        raise UnsafePath("traversal", f"path {rel!r} leaves the dossier root")
    return p


def resolve_inside(root: Path, rel: str) -> Path:
    """The file's real location, refusing anything (symlinks included) that resolves outside root."""
    p = check_relpath(rel)
    root_real = root.resolve()
    cur = root_real
    for part in p.parts:
        cur = cur / part
        if cur.is_symlink():
            target = cur.resolve()
            if root_real != target and root_real not in target.parents:
                raise UnsafePath("symlink_out", f"path {rel!r} is a link that leaves the dossier root")
    full = (root_real / p).resolve()
    if root_real != full and root_real not in full.parents:
        raise UnsafePath("traversal", f"path {rel!r} leaves the dossier root")
    return full


@dataclass
class ZipLimits:
    max_ratio: float
    max_total: int
    max_file: int
    max_entries: int


class ZipRefused(ValueError):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code


def safe_extract(zip_path: Path, dest: Path, limits: ZipLimits) -> Path:
    """Expand a dossier zip, refusing bombs, traversal and links; returns the dossier root.

    Sizes are enforced while streaming, not trusted from the central directory, because a
    crafted archive can declare small sizes and inflate to gigabytes.
    """
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ZipRefused("bad_zip", f"not a readable zip archive: {e}") from e
    compressed = max(zip_path.stat().st_size, 1)
    budget = min(limits.max_total, int(compressed * limits.max_ratio))
    written = 0
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            raise ZipRefused("zip_bomb", f"archive has {len(infos)} entries (limit {limits.max_entries})")
        for info in infos:
            name = info.filename
            try:
                rel = check_relpath(name.rstrip("/") or ".")
            except UnsafePath as e:
                raise ZipRefused(e.code, f"archive member {name!r}: {e}") from e
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ZipRefused("symlink_out", f"archive member {name!r} is a symbolic link")
            target = dest / rel
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if info.file_size > limits.max_file:
                raise ZipRefused("too_large", f"archive member {name!r} declares {info.file_size} bytes")
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    while True:
                        chunk = src.read(1 << 20)
                        if not chunk:
                            break
                        written += len(chunk)
                        if written > budget:
                            raise ZipRefused(
                                "zip_bomb",
                                f"archive expands beyond {budget} bytes "
                                f"({limits.max_ratio:g}× its size or the dossier cap)")
                        out.write(chunk)
            except ZipRefused:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
                raise ZipRefused("bad_zip", f"archive member {name!r} cannot be read: {e}") from e
    return _dossier_root(dest)


def _dossier_root(dest: Path) -> Path:
    """The folder holding the manifest: the archive root, or its single top folder."""
    for name in ("dossier.yaml", "dossier.yml", "dossier.json"):
        if (dest / name).is_file():
            return dest
    subs = [p for p in dest.iterdir() if p.is_dir() and not p.name.startswith("__MACOSX")]
    if len(subs) == 1:
        return _dossier_root(subs[0]) if any(
            (subs[0] / n).is_file() for n in ("dossier.yaml", "dossier.yml", "dossier.json")) else subs[0]
    return dest


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
