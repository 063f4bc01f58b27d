"""Intake of a dossier@1 folder or zip: manifest, safe paths, content types, caps.

Every problem becomes an `IntakeProblem` (later an INTAKE.* finding); nothing here raises for
bad input. The caller gets an `Intake` it must `close()` (a zip is expanded to a temp folder).
"""
from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rfc8785
import yaml
from pydantic import ValidationError

from originproof.dossier.manifest import Manifest, unknown_keys
from originproof.dossier.probe import probe_image, probe_pdf, probe_video
from originproof.dossier.safety import (UnsafePath, ZipLimits, ZipRefused, remove_tree, resolve_inside,
                                        safe_extract)
from originproof.dossier.sniff import DOC_KINDS, IMAGE_KINDS, VIDEO_KINDS, extension_matches, sniff
from originproof.facts import IntakeProblem
from originproof.policy import IntakePolicy
from originproof.registry import Registry

MANIFEST_NAMES = ("dossier.yaml", "dossier.yml", "dossier.json")


class _StrLoader(yaml.SafeLoader):
    """YAML loader that keeps timestamps as strings, so YAML and JSON manifests digest alike."""


_StrLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
    _tmp: Path | None = None

    def close(self) -> None:
        if self._tmp is not None:
            remove_tree(self._tmp)
            self._tmp = None

    def __enter__(self) -> "Intake":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def problem(self, rule: str, subject: str, code: str, zh: str, en: str, file: str | None = None, **facts: Any):
        self.problems.append(IntakeProblem(rule=rule, subject=subject, code=code, message_zh=zh, message_en=en,
                                           file=file, facts=facts))


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
    if source.is_dir():
        it.root = source
    else:
        tmp = Path(tempfile.mkdtemp(prefix="originproof-zip-"))
        it._tmp = tmp
        if source.stat().st_size > limits.max_dossier_bytes:
            it.problem("INTAKE.MANIFEST", "dossier", "too_large",
                       f"档案包大小超过上限 {limits.max_dossier_mb:g} MB",
                       f"The dossier archive exceeds the {limits.max_dossier_mb:g} MB cap")
            return it
        try:
            it.root = safe_extract(source, tmp, ZipLimits(limits.max_zip_ratio, limits.max_dossier_bytes,
                                                          limits.max_file_bytes, limits.max_zip_entries))
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
            return it
    _read_manifest(it)
    if it.manifest is not None:
        _check_files(it, limits, probe)
        _check_codes(it, registry)
    it.digest = dossier_digest(it)
    return it


def _read_manifest(it: Intake) -> None:
    assert it.root is not None
    found = [n for n in MANIFEST_NAMES if (it.root / n).is_file()]
    if not found:
        it.problem("INTAKE.MANIFEST", "dossier", "no_manifest",
                   "未找到清单文件 dossier.yaml / dossier.json。请在档案根目录放置清单",
                   "No manifest (dossier.yaml or dossier.json) at the dossier root. Put the manifest at the root")
        return
    name = found[0]
    it.manifest_name = name
    text_bytes = (it.root / name).read_bytes()
    try:
        text = text_bytes.decode("utf-8-sig")
        data = json.loads(text) if name.endswith(".json") else yaml.load(text, Loader=_StrLoader)  # noqa: S506
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as e:
        it.problem("INTAKE.MANIFEST", "dossier", "parse_error",
                   f"清单 {name} 无法解析（{type(e).__name__}）。请修正语法（UTF-8 编码的 YAML 或 JSON）",
                   f"The manifest {name} cannot be parsed: {e}. Fix its syntax (UTF-8 YAML or JSON)",
                   file=name)
        return
    if not isinstance(data, dict):
        it.problem("INTAKE.MANIFEST", "dossier", "not_mapping",
                   f"清单 {name} 的顶层必须是键值映射",
                   f"The manifest {name} must hold a mapping at its top level", file=name)
        return
    it.raw_manifest = data
    try:
        it.manifest = Manifest.model_validate(data)
    except ValidationError as e:
        problems = _format_validation(e)
        it.problem("INTAKE.MANIFEST", "dossier", "schema",
                   "清单不符合 dossier@1 格式：" + "；".join(problems) + "。请补齐必填项并修正取值",
                   "The manifest does not match dossier@1: " + "; ".join(problems)
                   + ". Add the required keys and fix the values", file=name, errors=problems)
        return
    it.unknown_keys = unknown_keys(it.manifest)


def _check_codes(it: Intake, registry: Registry) -> None:
    m = it.manifest
    assert m is not None
    bad = []
    if not registry.is_country(m.brand.origin_country):
        bad.append(("brand.origin_country", m.brand.origin_country))
    for i, v in enumerate(m.distribution.offline):
        if not registry.is_country(v.store.country):
            bad.append((f"distribution.offline[{i}].store.country", v.store.country))
    for field_, value in bad:
        it.problem("INTAKE.MANIFEST", "dossier", "bad_country",
                   f"{field_} 的国家代码 “{value}” 不是有效的 ISO 3166-1 二位代码（如 JP、KR、DE）",
                   f"{field_} = {value!r} is not an ISO 3166-1 alpha-2 country code (e.g. JP, KR, DE)",
                   field=field_, value=value)
    for j, p in enumerate(m.products):
        if p.hs_code and not (p.hs_code.isdigit() and 6 <= len(p.hs_code) <= 10):
            it.problem("INTAKE.MANIFEST", "dossier", "bad_hs_code",
                       f"products[{j}].hs_code “{p.hs_code}” 应为 6–10 位数字",
                       f"products[{j}].hs_code {p.hs_code!r} must be 6–10 digits", field=f"products[{j}].hs_code")
        if p.gtin and not (p.gtin.isdigit() and len(p.gtin) in (8, 12, 13, 14)):
            it.problem("INTAKE.MANIFEST", "dossier", "bad_gtin",
                       f"products[{j}].gtin “{p.gtin}” 应为 8/12/13/14 位数字",
                       f"products[{j}].gtin {p.gtin!r} must be GTIN-8/12/13/14 digits", field=f"products[{j}].gtin")


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
        try:
            real = resolve_inside(it.root, rel)
        except UnsafePath as e:
            bad(e.code, f"文件路径 “{rel}” 不安全（指向档案目录之外或为绝对路径），已拒收。请把文件放入档案目录内并使用相对路径",
                f"File path {rel!r} is unsafe ({e}). Put the file inside the dossier and use a relative path")
            continue
        if not real.is_file():
            bad("missing", f"清单引用的文件 “{rel}” 不存在。请补交该文件或修正路径",
                f"The file {rel!r} named in the manifest does not exist. Supply it or fix the path")
            continue
        size = real.stat().st_size
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
            r = probe_pdf(real)
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
        if not r.ok:
            bad("undecodable", f"文件 “{rel}” 无法解码（{r.detail}）。请提交完整、未损坏的原始文件",
                f"{rel!r} cannot be decoded ({r.detail}). Submit the complete, undamaged original", detail=r.detail)
            continue
        info.pages, info.duration_s = r.pages, r.duration_s


def dossier_digest(it: Intake) -> str:
    """SHA-256 of canonical manifest JSON (RFC 8785) + newline + sorted `path\\tsha256` lines."""
    h = hashlib.sha256()
    if it.raw_manifest is not None:
        try:
            h.update(rfc8785.dumps(it.raw_manifest))
        except Exception:  # noqa: BLE001 — values RFC 8785 cannot encode (NaN …): fall back to sorted JSON
            h.update(json.dumps(it.raw_manifest, sort_keys=True, ensure_ascii=False, default=str).encode())
    elif it.root is not None and it.manifest_name:
        h.update((it.root / it.manifest_name).read_bytes())
    else:
        h.update(b"")
    h.update(b"\n")
    for path in sorted(it.files):
        h.update(f"{path}\t{it.files[path].sha256}\n".encode())
    return h.hexdigest()
