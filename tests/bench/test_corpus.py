"""Corpus plan: deterministic, covers every country and category, every defect names a real rule."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from originproof.bench.corpus import SIZES, ItemSpec, generate, parse_size, plan_items
from originproof.bench.defects import DEFECTS, NOT_COVERED
from originproof.bench.eval import rule_classes
from originproof.bench.writer import VideoStyle, source_hash
from originproof.samples.spec import CATEGORIES, COUNTRIES, category_spec


def test_plan_is_deterministic_and_seeded():
    a, b = plan_items("small", seed=0), plan_items("small", seed=0)
    assert [asdict(x) for x in a] == [asdict(x) for x in b]
    c = plan_items("small", seed=3)
    assert [x.id for x in a] != [x.id for x in c]


def test_small_corpus_covers_countries_categories_and_styles():
    items = plan_items("small")
    clean = [i for i in items if i.kind == "clean"]
    assert {i.country for i in clean} == set(COUNTRIES)
    assert {i.category for i in clean} == set(CATEGORIES)
    styles = {s for i in clean for s in i.doc_style.values()}
    assert {"scan", "scan_jpg", "scan_2p", "text_2p", "text_3p"} <= styles
    assert len({json.dumps(i.video, sort_keys=True) for i in clean}) >= 2


def test_every_variant_in_small_once_per_defect_in_ci():
    small = [i for i in plan_items("small") if i.kind == "defect"]
    ci = [i for i in plan_items("ci") if i.kind == "defect"]
    avail = [d for d in DEFECTS.values() if d.available()]
    assert len(small) == sum(len(d.variants) for d in avail)
    assert sorted({i.defect for i in ci}) == sorted(d.name for d in avail)


def test_sizes_scale_to_thousands():
    assert parse_size("large").clean >= 400
    sz = parse_size(3000)
    n = sz.clean + sz.reps * sum(len(d.variants) for d in DEFECTS.values() if d.available())
    assert n >= 3000
    with pytest.raises(ValueError):
        parse_size("huge")


def test_defects_target_real_rules_with_rule_severities():
    classes = rule_classes()
    for d in DEFECTS.values():
        assert d.rule in classes, d.name
        assert d.status in ("fail", "warn", "pass", "unknown")
        assert d.note, f"{d.name} needs a one-line docstring"
    targeted = {d.rule for d in DEFECTS.values()} | set(NOT_COVERED)
    assert set(classes) <= targeted, f"rules with no defect: {set(classes) - targeted}"


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("category", CATEGORIES)
def test_category_presets_are_consistent(country, category):
    s = category_spec(country, category, 2)
    assert all(p.category == category for p in s.products)
    assert all(p.hs_code.isdigit() and len(p.hs_code) == 10 for p in s.products)
    if s.licence_expires is not None:
        assert s.licence_issued < s.submitted_at.date() < s.licence_expires
    assert s.licence_activities


def test_generation_is_cached_by_inputs(corpus_cache):
    item = ItemSpec(id="clean-cache-probe", kind="clean", country="FR", category="food", seed=4, route="offline",
                    doc_style={"customs_declaration": "scan_2p"}, video=asdict(VideoStyle(1.5, (320, 180), 8)))
    a = generate(item, corpus_cache)
    stamp = (a.dir / "label.json").stat().st_mtime_ns
    b = generate(item, corpus_cache)
    assert a.dir == b.dir and (b.dir / "label.json").stat().st_mtime_ns == stamp
    assert a.label["generator"]["source"] == source_hash()
    m = (a.path / "dossier.yaml").read_text("utf-8")
    assert "customs_p1.jpg" in m and "customs_p2.jpg" in m  # a two-page scan filed as one document
