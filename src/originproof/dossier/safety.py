"""Safe paths and safe archive expansion: nothing in a dossier may reach outside its root."""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

TEMP_PREFIX = "originproof-zip-"


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


@dataclass
class Collisions:
    """Archive paths that name the same place twice (a file and a folder, or two spellings that a
    case-insensitive disk folds together). None of them is expanded; each one maps to why."""

    paths: dict[str, str] = field(default_factory=dict)

    def covering(self, rel: str) -> str | None:
        """Why `rel` (or a folder above it) was not expanded, or None."""
        parts = PurePosixPath(rel).parts
        for i in range(len(parts), 0, -1):
            why = self.paths.get("/".join(parts[:i]))
            if why:
                return why
        return None


def find_collisions(names: list[tuple[str, bool]]) -> Collisions:
    """names: (relative path, is a folder) of every archive member."""
    files: dict[str, int] = {}
    folders: set[str] = set()
    for rel, is_dir in names:
        parts = PurePosixPath(rel).parts
        for i in range(1, len(parts)):
            folders.add("/".join(parts[:i]))
        if is_dir:
            folders.add(rel)
        else:
            files[rel] = files.get(rel, 0) + 1
    out = Collisions()
    for rel, n in files.items():
        if rel in folders:
            out.paths[rel] = f"the archive holds both a file and a folder named {rel!r}"
        elif n > 1:
            out.paths[rel] = f"the archive holds {n} files named {rel!r}"
    spellings: dict[str, set[str]] = {}
    for rel in [*files, *folders]:
        spellings.setdefault(rel.casefold(), set()).add(rel)
    for group in spellings.values():
        if len(group) > 1:
            shown = ", ".join(repr(g) for g in sorted(group))
            for rel in group:
                out.paths.setdefault(rel, f"the archive holds paths differing only in letter case ({shown})")
    return out


def safe_extract(zip_path: Path, dest: Path, limits: ZipLimits, collisions: Collisions | None = None) -> Path:
    """Expand a dossier zip, refusing bombs, traversal and links; returns the dossier root.

    Sizes are enforced while streaming, not trusted from the central directory, because a
    crafted archive can declare small sizes and inflate to gigabytes. Members whose paths collide
    are left out (and listed in `collisions`) rather than overwriting one another or failing half-way.
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
        members = []
        for info in infos:
            name = info.filename
            try:
                rel = check_relpath(name.rstrip("/") or ".")
            except UnsafePath as e:
                raise ZipRefused(e.code, f"archive member {name!r}: {e}") from e
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ZipRefused("symlink_out", f"archive member {name!r} is a symbolic link")
            members.append((info, rel))
        found = find_collisions([(str(rel), info.is_dir()) for info, rel in members if str(rel) != "."])
        if collisions is not None:
            collisions.paths.update(found.paths)
        for info, rel in members:
            name = info.filename
            if found.covering(str(rel)):
                continue
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


def _owner_tag(pid: int) -> str:
    # pid + a digest of the host name: a temp folder shared between containers (other PID
    # namespaces) is never judged by a pid that means something else here.
    import hashlib
    import socket

    return f"{pid}.{hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]}"


def make_temp_dir() -> Path:
    """A fresh folder to expand a zip into, named for this process.

    A process killed outright (SIGKILL, OOM killer) cannot clean up after itself, so each new
    intake first removes the folders of processes of this host that no longer exist."""
    sweep_orphaned_temp_dirs()
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{_owner_tag(os.getpid())}-"))


def sweep_orphaned_temp_dirs(base: Path | None = None) -> int:
    base = Path(base or tempfile.gettempdir())
    removed = 0
    try:
        entries = list(base.glob(f"{TEMP_PREFIX}*-*"))
    except OSError:
        return 0
    for d in entries:
        tag = d.name[len(TEMP_PREFIX):].split("-", 1)[0]
        pid_text = tag.split(".", 1)[0]
        if not pid_text.isdigit() or tag != _owner_tag(int(pid_text)) or _alive(int(pid_text)):
            continue
        try:
            if d.is_dir() and not d.is_symlink() and d.stat().st_uid == os.getuid():
                remove_tree(d)
                removed += 1
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
