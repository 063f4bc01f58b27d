"""Parse a manifest's bytes into a plain document within explicit limits, never raising.

A manifest is a few kilobytes written by a seller's tool; anything far beyond that is hostile or
broken. The limits hold *before* the expensive step: YAML is first walked as a stream of events
(PyYAML's parser is a state machine, so depth costs no recursion) to count nesting, nodes and what
aliases would expand to; only a document within the limits is constructed. JSON is scanned for
nesting before `json.loads` (whose C scanner recurses). Duplicate keys are refused in both, since
a second `merchant:` block silently overriding the first is how a reviewer gets misled.

Every refusal is a `ManifestRefused` with a stable code and a bilingual message; `read_manifest`
returns it instead of raising. The dossier digest is computed from the returned document, which is
bounded by the node limit even when aliases share subtrees.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

MAX_BYTES = 1024 * 1024  # real manifests are a few KiB
MAX_DEPTH = 64
MAX_NODES = 100_000  # after alias expansion
MAX_ALIASES = 1_000
MAX_NUMBER_CHARS = 100  # a number longer than this is no quantity a manifest holds


class ManifestRefused(ValueError):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass
class ParsedManifest:
    data: Any = None
    refused: ManifestRefused | None = None


def _limit(code: str, zh: str, en: str) -> ManifestRefused:
    return ManifestRefused(code, zh + "。请提交由常规工具生成的清单（几 KB 的 YAML 或 JSON）",
                           en + ". Submit a manifest as an ordinary tool writes it (a few KiB of YAML or JSON)")


def _too_deep() -> ManifestRefused:
    return _limit("too_deep", f"清单嵌套超过 {MAX_DEPTH} 层", f"The manifest nests deeper than {MAX_DEPTH} levels")


def _too_many_nodes() -> ManifestRefused:
    return _limit("too_many_nodes", f"清单（含别名展开）超过 {MAX_NODES} 个节点",
                  f"The manifest holds more than {MAX_NODES} values once its aliases are expanded")


def _duplicate_key(key: Any) -> ManifestRefused:
    shown = str(key)[:80]
    return ManifestRefused("duplicate_key", f"清单中键 “{shown}” 在同一层出现了两次，无法确定以哪一个为准。请删除重复的键",
                           f"The key {shown!r} appears twice in the same mapping, so which one counts is ambiguous. "
                           "Remove the duplicate")


def _number_too_long(text: str) -> ManifestRefused:
    return ManifestRefused("number_too_long", f"清单中有一个长达 {len(text)} 个字符的数字。数字不得超过 {MAX_NUMBER_CHARS} 个字符",
                           f"The manifest holds a number {len(text)} characters long; numbers may not exceed "
                           f"{MAX_NUMBER_CHARS} characters")


# ------------------------------------------------------------------------------------------ YAML
class _Bounded:
    """Safe-loader behaviour: timestamps stay strings (YAML and JSON manifests digest alike),
    duplicate keys and overlong numbers are refused."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        if isinstance(node, yaml.MappingNode):
            # Only the mapping's own keys: a `<<` merge that a later key overrides is YAML's
            # documented way to reuse a block, not an ambiguity.
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    marker = (type(key).__name__, key)
                    hash(marker)
                except TypeError:  # an unhashable key: let PyYAML refuse it as it always did
                    continue
                if marker in seen:
                    raise _duplicate_key(key)
                seen.add(marker)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):  # type: ignore[override]
        if len(node.value) > MAX_NUMBER_CHARS:
            raise _number_too_long(node.value)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node):  # type: ignore[override]
        if len(node.value) > MAX_NUMBER_CHARS:
            raise _number_too_long(node.value)
        return super().construct_yaml_float(node)


class _BoundedLoader(_Bounded, yaml.SafeLoader):
    pass


# libyaml's parser (a state machine like PyYAML's, so nesting costs no recursion) when installed:
# it parses a manifest ~3× faster, and the limits need two passes.
_BoundedCLoader = type("_BoundedCLoader", (_Bounded, yaml.CSafeLoader), {}) if yaml.__with_libyaml__ else _BoundedLoader

for _cls in {_BoundedLoader, _BoundedCLoader}:
    _cls.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_constructor("tag:yaml.org,2002:int", _Bounded.construct_yaml_int)
    _cls.add_constructor("tag:yaml.org,2002:float", _Bounded.construct_yaml_float)
    _cls.add_constructor("tag:yaml.org,2002:map", _cls.construct_yaml_map)


class _YamlTally:
    """The cost of a YAML document as its events stream by: nesting depth, node count with aliases
    expanded, alias count.

    Each open collection keeps [nodes in its subtree, its height, anchor]; an alias costs what its
    anchor's subtree cost, which is what construction (and the digest's serialisation) expands it to."""

    def __init__(self) -> None:
        self.sizes: dict[str, tuple[int, int]] = {}  # closed anchor -> (nodes, height)
        self.stack: list[list[Any]] = []
        self.total = 0
        self.aliases = 0

    def _count(self, nodes: int, height: int) -> None:
        self.total += nodes
        if self.total > MAX_NODES:
            raise _too_many_nodes()
        if len(self.stack) + height > MAX_DEPTH:
            raise _too_deep()

    def _into_parent(self, nodes: int, height: int) -> None:
        if self.stack:
            self.stack[-1][0] += nodes
            self.stack[-1][1] = max(self.stack[-1][1], height)

    def event(self, ev: Any) -> None:
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._count(1, 1)
            self.stack.append([1, 0, ev.anchor])
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            nodes, height, anchor = self.stack.pop()
            if anchor:
                self.sizes[anchor] = (nodes, height + 1)
            self._into_parent(nodes, height + 1)
        elif isinstance(ev, yaml.ScalarEvent):
            if ev.anchor:
                self.sizes[ev.anchor] = (1, 1)
            self._count(1, 1)
            self._into_parent(1, 1)
        elif isinstance(ev, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _limit("too_many_aliases", f"清单使用了超过 {MAX_ALIASES} 个 YAML 别名",
                             f"The manifest uses more than {MAX_ALIASES} YAML aliases")
            if any(open_[2] == ev.anchor for open_ in self.stack):
                raise ManifestRefused("recursive_alias", "清单中的 YAML 别名引用了包含它自身的结构（循环引用）。请展开写出",
                                      "A YAML alias in the manifest refers to a structure that contains it "
                                      "(a cycle). Write the values out")
            nodes, height = self.sizes.get(ev.anchor or "", (1, 1))
            self._count(nodes, height)
            self._into_parent(nodes, height)


def _yaml_within_limits(text: str) -> None:
    tally = _YamlTally()
    try:
        for ev in yaml.parse(text, Loader=_BoundedCLoader):
            tally.event(ev)
    except yaml.YAMLError as e:
        if "nesting depth" in str(e):  # libyaml's own guard (1000 levels), met while scanning ahead
            raise _too_deep() from e
        raise


def _parse_yaml(text: str) -> Any:
    _yaml_within_limits(text)
    return yaml.load(text, Loader=_BoundedCLoader)  # noqa: S506 — a SafeLoader subclass


# ------------------------------------------------------------------------------------------ JSON
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _json_within_limits(text: str) -> None:
    depth = 0
    nodes = 0
    for m in _JSON_TOKENS.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            nodes += 1
            if depth > MAX_DEPTH:
                raise _too_deep()
        elif tok in "]}":
            depth -= 1
        else:
            nodes += 1
        if nodes > MAX_NODES:
            raise _too_many_nodes()


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _duplicate_key(k)
        out[k] = v
    return out


def _json_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _number_too_long(text)
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _number_too_long(text)
    return float(text)


def _json_constant(name: str) -> Any:
    raise ManifestRefused("bad_number", f"清单中的 {name} 不是合法的 JSON 数值",
                          f"{name} is not a valid JSON number")


def _parse_json(text: str) -> Any:
    _json_within_limits(text)
    return json.loads(text, object_pairs_hook=_json_pairs, parse_int=_json_int, parse_float=_json_float,
                      parse_constant=_json_constant)


# ------------------------------------------------------------------------------------------ entry
def read_manifest(raw: bytes, name: str) -> ParsedManifest:
    """The parsed document of manifest `name`, or the reason it is refused. Never raises."""
    if len(raw) > MAX_BYTES:
        return ParsedManifest(refused=_limit("too_large", f"清单 {name} 大小为 {len(raw)} 字节，超过上限 {MAX_BYTES} 字节",
                                             f"The manifest {name} is {len(raw)} bytes, over the {MAX_BYTES}-byte cap"))
    try:
        text = raw.decode("utf-8-sig")
        data = _parse_json(text) if name.endswith(".json") else _parse_yaml(text)
    except ManifestRefused as e:
        return ParsedManifest(refused=e)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError, ValueError, TypeError) as e:
        detail = str(e)[:300]
        return ParsedManifest(refused=ManifestRefused(
            "parse_error", f"清单 {name} 无法解析（{type(e).__name__}）。请修正语法（UTF-8 编码的 YAML 或 JSON）",
            f"The manifest {name} cannot be parsed: {detail}. Fix its syntax (UTF-8 YAML or JSON)"))
    except (RecursionError, MemoryError) as e:  # the limits above should make these unreachable
        return ParsedManifest(refused=_limit("too_complex", f"清单 {name} 结构过于复杂（{type(e).__name__}）",
                                             f"The manifest {name} is too complex to read ({type(e).__name__})"))
    return ParsedManifest(data=data)
