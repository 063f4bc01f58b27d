"""The caption lexicon is data: every file loads, names its source, has no repeated key (a repeated
language key silently replaces the list before it) and no caption claimed by two fields of a type."""
from __future__ import annotations

import yaml

from originproof.evidence.layout.captions import DATA, fold, lexicon

TYPES = ["certificate_of_origin", "customs_declaration", "factory_licence", "production_agreement"]


class _StrictLoader(yaml.SafeLoader):
    pass


def _no_duplicates(loader, node, deep=False):
    keys = [k.value for k, _v in node.value]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    assert not dup, f"repeated keys {dup} at line {node.start_mark.line + 1}"
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def test_every_caption_file_loads_without_repeated_keys_and_cites_a_source():
    files = sorted(DATA.glob("*.yaml"))
    assert {f.stem for f in files} >= set(TYPES) | {"common", "doc_types"}
    for f in files:
        text = f.read_text("utf-8")
        yaml.load(text, Loader=_StrictLoader)
        assert "ource" in text.split("\n", 12)[0:12].__str__(), f"{f.name} names no source"


def test_each_caption_belongs_to_one_field_of_its_type():
    for t in TYPES:
        seen: dict[str, str] = {}
        for field in lexicon(t).fields:
            assert field.captions or field.strict, f"{t}.{field.name} has no caption"
            for c in field.captions + field.strict:
                k = fold(c)
                assert seen.get(k, field.name) == field.name, f"{t}: {c!r} in {seen[k]} and {field.name}"
                seen[k] = field.name
