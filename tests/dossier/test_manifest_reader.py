"""Property: the manifest reader never raises. Whatever YAML or JSON document (or bytes) a seller
sends, the result is a parsed document or a refusal with a code and a bilingual message; through
intake, every refusal is an INTAKE.MANIFEST problem."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from originproof.dossier.intake import open_dossier
from originproof.dossier.manifest_reader import MAX_DEPTH, read_manifest
from originproof.policy import load_policy
from originproof.registry import default_registry

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 120),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                         max_leaves=30)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _assert_result(res) -> None:
    if res.refused is not None:
        e = res.refused
        assert e.code and e.en and _is_cjk(e.zh)


@SETTINGS
@given(documents)
def test_json_documents_never_raise(doc):
    raw = json.dumps(doc).encode()  # NaN/Infinity and 120-digit integers included: refusals, not errors
    res = read_manifest(raw, "dossier.json")
    _assert_result(res)
    if res.refused is None:
        assert json.dumps(res.data, sort_keys=True) == json.dumps(doc, sort_keys=True)


@SETTINGS
@given(documents)
def test_yaml_documents_never_raise(doc):
    _assert_result(read_manifest(yaml.safe_dump(doc).encode(), "dossier.yaml"))


@SETTINGS
@given(st.binary(max_size=300) | st.text(alphabet="[]{}:,-&*!|>'\"#? \n\tab1.", max_size=300).map(str.encode))
def test_arbitrary_bytes_never_raise(raw):
    _assert_result(read_manifest(raw, "dossier.yaml"))
    _assert_result(read_manifest(raw, "dossier.json"))


@SETTINGS
@given(st.integers(min_value=1, max_value=3 * MAX_DEPTH), st.sampled_from(["[", "{a: "]))
def test_nesting_is_a_refusal_past_the_limit(depth, opener):
    closer = "]" if opener == "[" else "}"
    res = read_manifest((opener * depth + "1" + closer * depth).encode(), "dossier.yaml")
    _assert_result(res)
    assert (res.refused is not None and res.refused.code == "too_deep") == (depth > MAX_DEPTH - 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(doc=documents, as_json=st.booleans())
def test_intake_turns_every_refusal_into_an_intake_manifest_problem(tmp_path_factory, doc, as_json):
    root: Path = tmp_path_factory.mktemp("m")
    if as_json:
        (root / "dossier.json").write_text(json.dumps(doc), "utf-8")
    else:
        (root / "dossier.yaml").write_text(yaml.safe_dump(doc), "utf-8")
    it = open_dossier(root, load_policy().intake, default_registry(), probe=False)
    try:
        assert it.digest
        assert it.manifest is None  # no generated document is a whole dossier@1 manifest …
        assert it.problems and all(p.rule == "INTAKE.MANIFEST" and _is_cjk(p.message_zh) for p in it.problems)
    finally:
        it.close()
