"""Intake of a dossier@1 folder or zip: manifest, safe paths, content types, caps.

Every problem becomes an `IntakeProblem` (later an INTAKE.* finding); nothing here raises for
bad input. The caller gets an `Intake` it must `close()` (a zip is expanded to a temp folder).
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rfc8785
from pydantic import ValidationError

from originproof.dossier.manifest import Manifest, unknown_keys
from originproof.dossier.manifest_reader import MAX_BYTES, _BoundedLoader, read_manifest
from originproof.dossier.probe import probe_image, probe_pdf, probe_video
from originproof.dossier.safety import (Collisions, UnsafePath, ZipLimits, ZipRefused, make_temp_dir,
                                        remove_tree, resolve_inside, safe_extract)
from originproof.dossier.sniff import DOC_KINDS, IMAGE_KINDS, VIDEO_KINDS, extension_matches, sniff
from originproof.facts import IntakeProblem
from originproof.policy import IntakePolicy
from originproof.registry import Registry
from originproof.text.countries import country_from_name
from originproof.text.identifiers import USCC_CHARS, compact, uscc_valid

MANIFEST_NAMES = ("dossier.yaml", "dossier.yml", "dossier.json")


_StrLoader = _BoundedLoader  # YAML loader keeping timestamps as strings (YAML and JSON digest alike)


@dataclass
class FileInfo:
    path: str  # manifest path
    real: Path
    sha256: str
    size: int
    kind: str | None  # sniffed
    pages: int | None = None
    duration_s: float | None = None


@dataclass
class Intake:
    source: Path
    root: Path | None
    raw_manifest: dict[str, Any] | None = None
    manifest: Manifest | None = None
    manifest_name: str | None = None
    problems: list[IntakeProblem] = field(default_factory=list)
    files: dict[str, FileInfo] = field(default_factory=dict)
    bad_files: set[str] = field(default_factory=set)
    unknown_keys: list[str] = field(default_factory=list)
    digest: str = ""
    collisions: Collisions = field(default_factory=Collisions)  # zip paths left unexpanded
    _tmp: Path | None = None

    def collision(self, rel: str) -> str | None:
        """Why the archive path of manifest path `rel` was not expanded (a path collision), or None."""
        if self._tmp is None or self.root is None or not self.collisions.paths:
            return None
        try:
            inside = (self.root / rel).relative_to(self._tmp)
        except ValueError:
            return None
        return self.collisions.covering(inside.as_posix())

    def close(self) -> None:
        if self._tmp is not None:
            remove_tree(self._tmp)
            self._tmp = None

    def __enter__(self) -> "Intake":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def problem(self, rule: str, subject: str, code: str, zh: str, en: str, file: str | None = None,
                remedy: tuple[str, str] | None = None, **facts: Any):
        self.problems.append(IntakeProblem(rule=rule, subject=subject, code=code, message_zh=zh, message_en=en,
                                           file=file, remedy=remedy, facts=facts))


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _format_validation(e: ValidationError) -> list[str]:
    out = []
    for err in e.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "(root)"
        out.append(f"{loc}: {err['msg']}")
    return out


def open_dossier(source: Path, limits: IntakePolicy, registry: Registry, probe: bool = True) -> Intake:
    source = Path(source)
    it = Intake(source=source, root=None)
    try:
        _open(it, source, limits, registry, probe)
        if not it.digest and source.is_file():
            # A refused archive is identified by its bytes (records of distinct refusals stay distinct).
            it.digest = sha256_file(source)
        elif not it.digest:
            it.digest = dossier_digest(it)
    except BaseException:
        it.close()  # an error or a signal mid-intake must not leave the expanded zip behind
        raise
    return it


def _open(it: Intake, source: Path, limits: IntakePolicy, registry: Registry, probe: bool) -> None:
    if source.is_dir():
        it.root = source
    elif not source.is_file():  # a pipe or device would block or stream without end
        it.problem("INTAKE.MANIFEST", "dossier", "not_regular",
                   "提交的档案既不是文件夹也不是普通文件（可能是管道或设备），无法读取。请提交文件夹或 zip 文件",
                   "The dossier is neither a folder nor a regular file (a pipe or device), so it cannot be read. "
                   "Submit a folder or a zip file")
        return
    else:
        tmp = make_temp_dir()
        it._tmp = tmp
        if source.stat().st_size > limits.max_dossier_bytes:
            it.problem("INTAKE.MANIFEST", "dossier", "too_large",
                       f"档案包大小超过上限 {limits.max_dossier_mb:g} MB",
                       f"The dossier archive exceeds the {limits.max_dossier_mb:g} MB cap")
            return
        try:
            it.root = safe_extract(source, tmp, ZipLimits(limits.max_zip_ratio, limits.max_dossier_bytes,
                                                          limits.max_file_bytes, limits.max_zip_entries),
                                   it.collisions)
        except ZipRefused as e:
            zh = {"zip_bomb": "压缩包解压后体积异常（疑似压缩炸弹），已拒收",
                  "bad_zip": "压缩包损坏或不是 zip 格式",
                  "traversal": "压缩包内的路径指向档案根目录之外",
                  "absolute_path": "压缩包内含绝对路径",
                  "symlink_out": "压缩包内含符号链接",
                  "too_large": "压缩包内文件超过单文件大小上限"}.get(e.code, "压缩包无法安全解压")
            it.problem("INTAKE.MANIFEST", "dossier", e.code,
                       f"{zh}。请重新打包档案（仅含清单与证据文件）后提交",
                       f"{e}. Re-package the dossier (manifest and evidence files only) and submit again")
            return
    _read_manifest(it)
    if it.manifest is not None:
        _check_files(it, limits, probe)
        _check_codes(it, registry)
    it.digest = dossier_digest(it)


def _read_manifest(it: Intake) -> None:
    assert it.root is not None
    found = [n for n in MANIFEST_NAMES if os.path.lexists(it.root / n)]
    clash = next((why for why in (it.collision(n) for n in MANIFEST_NAMES) if why), None)
    if not found and clash:
        it.problem("INTAKE.MANIFEST", "dossier", "path_collision",
                   "压缩包内清单的路径与其他条目冲突（同名的文件与文件夹，或仅大小写不同），已拒收。请重新打包",
                   f"The manifest's path in the archive collides with another member ({clash}). "
                   "Re-package the dossier")
        return
    if not found:
        it.problem("INTAKE.MANIFEST", "dossier", "no_manifest",
                   "未找到清单文件 dossier.yaml / dossier.json。请在档案根目录放置清单",
                   "No manifest (dossier.yaml or dossier.json) at the dossier root. Put the manifest at the root")
        return
    if len(found) > 1:
        listed = " / ".join(found)
        it.problem("INTAKE.MANIFEST", "dossier", "two_manifests",
                   f"档案根目录有多个清单（{listed}），无法确定以哪一个为准。请只保留一个",
                   f"The dossier root holds more than one manifest ({listed}), so which one counts is "
                   "ambiguous. Keep only one", files=found)
        return
    name = found[0]
    it.manifest_name = name
    raw = _read_manifest_bytes(it, name)
    if raw is None:
        return
    parsed = read_manifest(raw, name)
    if parsed.refused is not None:
        e = parsed.refused
        it.problem("INTAKE.MANIFEST", "dossier", e.code, e.zh, e.en, file=name)
        return
    data = parsed.data
    if not isinstance(data, dict):
        it.problem("INTAKE.MANIFEST", "dossier", "not_mapping",
                   f"清单 {name} 的顶层必须是键值映射",
                   f"The manifest {name} must hold a mapping at its top level", file=name)
        return
    it.raw_manifest = data
    try:
        it.manifest = Manifest.model_validate(data)
    except ValidationError as e:
        problems = _format_validation(e)[:50]
        it.problem("INTAKE.MANIFEST", "dossier", "schema",
                   "清单不符合 dossier@1 格式：" + "；".join(problems) + "。请补齐必填项并修正取值",
                   "The manifest does not match dossier@1: " + "; ".join(problems)
                   + ". Add the required keys and fix the values", file=name, errors=problems)
        return
    except Exception as e:  # noqa: BLE001 — a value the models choke on is the manifest's problem
        it.problem("INTAKE.MANIFEST", "dossier", "schema",
                   f"清单不符合 dossier@1 格式（{type(e).__name__}）。请补齐必填项并修正取值",
                   f"The manifest does not match dossier@1 ({type(e).__name__}: {str(e)[:200]}). "
                   "Add the required keys and fix the values", file=name)
        return
    it.unknown_keys = unknown_keys(it.manifest)


def _read_manifest_bytes(it: Intake, name: str) -> bytes | None:
    """The manifest's bytes, read only when it is a regular file inside the root and within the cap."""
    assert it.root is not None
    try:
        real = resolve_inside(it.root, name)
    except UnsafePath as e:
        it.problem("INTAKE.MANIFEST", "dossier", e.code,
                   f"清单 {name} 是指向档案目录之外的链接，已拒收。请把清单文件本身放在档案根目录",
                   f"The manifest {name} is a link leaving the dossier root ({e}). Put the manifest file "
                   "itself at the dossier root", file=name)
        return None
    try:
        st = os.stat(real)
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        it.problem("INTAKE.MANIFEST", "dossier", "not_regular",
                   f"清单 {name} 不是普通文件（可能是目录、管道或设备），无法读取。请提交普通的清单文件",
                   f"The manifest {name} is not a regular file (a folder, pipe or device), so it cannot be "
                   "read. Submit an ordinary manifest file", file=name)
        return None
    with open(real, "rb") as fh:
        return fh.read(MAX_BYTES + 1)  # read_manifest refuses anything over the cap


def _check_codes(it: Intake, registry: Registry) -> None:
    m = it.manifest
    assert m is not None
    bad = []
    if not registry.is_country(m.brand.origin_country):
        bad.append(("brand.origin_country", m.brand.origin_country))
    for i, v in enumerate(m.distribution.offline):
        if not registry.is_country(v.store.country):
            bad.append((f"distribution.offline[{i}].store.country", v.store.country))
    where = it.manifest_name  # the findings point at the manifest's field
    named: dict[str, str | None] = {}
    for field_, value in bad:
        meant = named[field_] = country_from_name(value) if value and len(value) <= 60 else None
        hint_zh, hint_en = (f"，应写作 {meant}", f"; write {meant}") if meant else ("", "")
        it.problem("INTAKE.MANIFEST", "dossier", "bad_country",
                   f"{field_} 的国家代码 “{value}” 不是有效的 ISO 3166-1 二位代码（如 JP、KR、DE）{hint_zh}",
                   f"{field_} = {value!r} is not an ISO 3166-1 alpha-2 country code (e.g. JP, KR, DE){hint_en}",
                   file=where, field=field_, value=value)
    # A country written by name ("Japan", "日本", "JPN") is still this manifest's error, but the evidence is
    # judged against the country it names: left as written, every rule comparing a country would fail it
    # (as fraud, for the origin) on a typo.
    it.manifest = _with_countries(m, named)
    if not uscc_valid(m.merchant.uscc):
        _bad_uscc(it, "merchant.uscc", m.merchant.uscc)
    for j, p in enumerate(m.products):
        if p.hs_code and not (p.hs_code.isdigit() and 6 <= len(p.hs_code) <= 10):
            it.problem("INTAKE.MANIFEST", "dossier", "bad_hs_code",
                       f"products[{j}].hs_code “{p.hs_code}” 应为 6–10 位数字",
                       f"products[{j}].hs_code {p.hs_code!r} must be 6–10 digits", file=where,
                       field=f"products[{j}].hs_code")
        if p.gtin and not (p.gtin.isdigit() and len(p.gtin) in (8, 12, 13, 14)):
            it.problem("INTAKE.MANIFEST", "dossier", "bad_gtin",
                       f"products[{j}].gtin “{p.gtin}” 应为 8/12/13/14 位数字",
                       f"products[{j}].gtin {p.gtin!r} must be GTIN-8/12/13/14 digits", file=where,
                       field=f"products[{j}].gtin")


def _with_countries(m: Manifest, meant: dict[str, str | None]) -> Manifest:
    """The manifest with each country field that names a country (`meant`: field → code) set to the code."""
    if not any(meant.values()):
        return m
    brand = m.brand
    if meant.get("brand.origin_country"):
        brand = brand.model_copy(update={"origin_country": meant["brand.origin_country"]})
    visits = [v if not meant.get(f"distribution.offline[{i}].store.country") else
              v.model_copy(update={"store": v.store.model_copy(
                  update={"country": meant[f"distribution.offline[{i}].store.country"]})})
              for i, v in enumerate(m.distribution.offline)]
    return m.model_copy(update={"brand": brand,
                                "distribution": m.distribution.model_copy(update={"offline": visits})})


def _bad_uscc(it: Intake, field_: str, value: str) -> None:
    """A 统一社会信用代码 that is not one (GB 32100-2015): a typo here would bind the merchant to, and
    count its offences under, a company that does not exist."""
    v = compact(value)
    if len(v) != 18:
        why_zh, why_en = f"长度为 {len(v)} 位（应为 18 位）", f"it has {len(v)} characters, not 18"
    elif any(uscc_valid(v[:17] + c) for c in USCC_CHARS):  # only the last character is wrong
        why_zh, why_en = "末位校验码不符", "its check character (the last) does not match"
    else:
        why_zh, why_en = "含有该标准不允许的字符或结构", "its characters do not follow the standard's form"
    it.problem("INTAKE.MANIFEST", "dossier", "bad_uscc",
               f"{field_} 的统一社会信用代码 “{value}” 无效：{why_zh}（GB 32100-2015）",
               f"{field_} {value!r} is not a valid unified social credit code: {why_en} (GB 32100-2015)",
               file=it.manifest_name, field=field_, value=value,
               remedy=("请按营业执照逐位核对并填写 18 位统一社会信用代码",
                       "Copy the 18-character unified social credit code exactly as the business licence prints it"))


_KIND_ZH = {"video": "视频（MP4/MOV/WebM）", "image": "图片（JPEG/PNG/WebP/TIFF）", "document": "PDF 或图片"}
_KIND_EN = {"video": "a video (MP4/MOV/WebM)", "image": "an image (JPEG/PNG/WebP/TIFF)",
            "document": "a PDF or an image"}


def _check_files(it: Intake, limits: IntakePolicy, probe: bool) -> None:
    assert it.manifest is not None and it.root is not None
    total = 0
    seen: dict[str, FileInfo] = {}
    for subject, rel, kind in it.manifest.referenced_files():
        def bad(code: str, zh: str, en: str, **facts: Any) -> None:
            it.bad_files.add(rel)
            it.problem("INTAKE.FILE", subject, code, zh, en, file=rel, path=rel, **facts)

        if rel in seen:
            continue
        clash = it.collision(rel)
        if clash:
            bad("path_collision", f"压缩包内 “{rel}” 的路径与其他条目冲突（同名的文件与文件夹，或仅大小写不同），"
                "无法确定是哪一个，已拒收。请重新打包，使每个路径只对应一个文件",
                f"The archive path of {rel!r} collides with another member ({clash}), so which one is meant is "
                "ambiguous. Re-package the dossier so each path names one file")
            continue
        try:
            real = resolve_inside(it.root, rel)
        except UnsafePath as e:
            bad(e.code, f"文件路径 “{rel}” 不安全（指向档案目录之外或为绝对路径），已拒收。请把文件放入档案目录内并使用相对路径",
                f"File path {rel!r} is unsafe ({e}). Put the file inside the dossier and use a relative path")
            continue
        try:
            st = os.stat(real)
        except OSError:
            st = None
        if st is None:
            bad("missing", f"清单引用的文件 “{rel}” 不存在。请补交该文件或修正路径",
                f"The file {rel!r} named in the manifest does not exist. Supply it or fix the path")
            continue
        if not stat.S_ISREG(st.st_mode):
            bad("not_regular", f"清单引用的 “{rel}” 不是普通文件（可能是目录、管道或设备），无法读取。请提交文件本身",
                f"{rel!r} named in the manifest is not a regular file (a folder, pipe or device), so it "
                "cannot be read. Submit the file itself")
            continue
        size = st.st_size
        if size == 0:
            bad("empty", f"文件 “{rel}” 为空（0 字节）。请重新上传完整文件",
                f"The file {rel!r} is empty (0 bytes). Upload the complete file")
            continue
        if size > limits.max_file_bytes:
            bad("too_large", f"文件 “{rel}” 超过单文件上限 {limits.max_file_mb:g} MB。请压缩或拆分后提交",
                f"The file {rel!r} exceeds the {limits.max_file_mb:g} MB per-file cap. Compress or split it",
                size=size)
            continue
        total += size
        if total > limits.max_dossier_bytes:
            bad("dossier_too_large", f"档案总大小超过上限 {limits.max_dossier_mb:g} MB",
                f"The dossier's files exceed the {limits.max_dossier_mb:g} MB total cap")
            continue
        ftype = sniff(real)
        info = FileInfo(path=rel, real=real, sha256=sha256_file(real), size=size, kind=ftype)
        seen[rel] = info
        it.files[rel] = info
        allowed = {"video": VIDEO_KINDS, "image": IMAGE_KINDS, "document": DOC_KINDS}[kind]
        if ftype is None or ftype not in allowed:
            what = ftype or "unrecognised content"
            bad("wrong_type", f"文件 “{rel}” 的内容类型（{what}）不被接受，此处应为{_KIND_ZH[kind]}",
                f"The content of {rel!r} ({what}) is not accepted here; it must be {_KIND_EN[kind]}",
                sniffed=ftype)
            continue
        if not extension_matches(rel, ftype):
            bad("type_mismatch", f"文件 “{rel}” 的扩展名与实际内容（{ftype}）不符。请提交原始文件",
                f"The extension of {rel!r} does not match its content ({ftype}). Submit the original file",
                sniffed=ftype)
            continue
        if not probe:
            continue
        if ftype == "pdf":
            r = probe_pdf(real, limits.max_pages)
            if r.ok and r.pages and r.pages > limits.max_pages:
                bad("too_many_pages", f"文件 “{rel}” 有 {r.pages} 页，超过上限 {limits.max_pages} 页",
                    f"{rel!r} has {r.pages} pages, over the {limits.max_pages}-page cap", pages=r.pages)
                continue
        elif ftype in IMAGE_KINDS:
            r = probe_image(real)
        else:
            r = probe_video(real)
            if r.ok and r.duration_s and r.duration_s > limits.max_video_seconds:
                bad("too_long", f"视频 “{rel}” 时长 {r.duration_s:.0f} 秒，超过上限 {limits.max_video_seconds:g} 秒",
                    f"The video {rel!r} lasts {r.duration_s:.0f} s, over the {limits.max_video_seconds:g} s cap",
                    duration_s=r.duration_s)
                continue
        if r.too_costly:
            bad("too_costly", f"文件 “{rel}” 读取代价过高，已拒收：{r.detail_zh}。请提交正常尺寸的原始文件",
                f"{rel!r} is too costly to read and is refused: {r.detail}. Submit the original at an ordinary size",
                detail=r.detail)
            continue
        if not r.ok:
            bad("undecodable", f"文件 “{rel}” 无法解码（{r.detail}）。请提交完整、未损坏的原始文件",
                f"{rel!r} cannot be decoded ({r.detail}). Submit the complete, undamaged original", detail=r.detail)
            continue
        info.pages, info.duration_s = r.pages, r.duration_s


def dossier_digest(it: Intake) -> str:
    """SHA-256 of canonical manifest JSON (RFC 8785) + newline + sorted `path\\tsha256` lines."""
    h = hashlib.sha256()
    if it.raw_manifest is not None:
        # The parsed document is bounded (manifest_reader's node limit counts expanded aliases),
        # so serialising it cannot balloon.
        try:
            h.update(rfc8785.dumps(it.raw_manifest))
        except Exception:  # noqa: BLE001 — values RFC 8785 cannot encode (NaN, int keys …): sorted JSON
            h.update(json.dumps(_str_keys(it.raw_manifest), sort_keys=True, ensure_ascii=False,
                                default=str).encode())
    elif it.root is not None and it.manifest_name:
        h.update(_manifest_bytes_for_digest(it))
    else:
        h.update(b"")
    h.update(b"\n")
    for path in sorted(it.files):
        h.update(f"{path}\t{it.files[path].sha256}\n".encode())
    return h.hexdigest()


def _str_keys(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {str(k): _str_keys(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_str_keys(v) for v in doc]
    return doc


def _manifest_bytes_for_digest(it: Intake) -> bytes:
    """A refused manifest digests as its raw bytes (capped; never a link out or a pipe)."""
    assert it.root is not None and it.manifest_name
    try:
        real = resolve_inside(it.root, it.manifest_name)
        if not stat.S_ISREG(os.stat(real).st_mode):
            return b""
        with open(real, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except (UnsafePath, OSError):
        return b""
