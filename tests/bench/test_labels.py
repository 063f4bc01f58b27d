"""The corpus labels are right for the rules that need no reader: a dossier built with a structural
defect gets exactly the finding its label promises (checked with every reader switched off, as on
day one, so these tests depend on the generator and the structure rules only)."""
from __future__ import annotations

from dataclasses import asdict

import pytest

from originproof.bench.corpus import ItemSpec, generate
from originproof.bench.defects import DEFECTS, expected_outcome, Expect
from originproof.bench.eval import check_corpus, rule_classes
from originproof.bench.writer import VideoStyle

TINY = asdict(VideoStyle(2.0, (320, 180), 8))
# (defect, variant index) → base country; one dossier each, all checked in one session run.
CASES = [
    ("deadline_passed", 0), ("deadline_passed", 2), ("two_stores", 0), ("two_stores", 1),
    ("listing_not_platform", 0), ("listing_not_platform", 2), ("listing_foreign_platform", 0),
    ("listing_not_product_page", 0), ("no_route_passes", 0), ("store_claimed_abroad", 0),
    ("store_unqualified", 0), ("store_unqualified", 1),
    ("manifest_bad_yaml", 0), ("manifest_bad_yaml", 2), ("manifest_bad_yaml", 3), ("manifest_missing_key", 0),
    ("manifest_missing_key", 4), ("manifest_unknown_key", 0), ("manifest_bad_country", 0),
    ("manifest_bad_country", 3), ("file_missing", 0), ("file_missing", 1), ("file_missing", 2),
    ("path_traversal", 0), ("path_traversal", 2), ("symlink_out", 0), ("symlink_out", 1),
    ("file_wrong_magic", 0), ("file_wrong_magic", 1), ("file_wrong_magic", 2), ("file_wrong_magic", 3),
    ("zip_bomb", 0), ("zip_traversal", 0), ("file_empty", 0), ("file_empty", 1), ("file_truncated", 0),
    ("certificate_of_origin_missing", 0), ("customs_declaration_missing", 1),
]
COUNTRIES = ["JP", "KR", "DE", "US", "FR", "AU", "GB", "IT"]


def _item(defect: str | None, vi: int, k: int) -> ItemSpec:
    country = COUNTRIES[k % len(COUNTRIES)]
    base = dict(country=country, category="cosmetics", seed=1, route="offline", doc_style={}, video=TINY)
    if defect is None:
        return ItemSpec(id=f"clean-{country}", kind="clean", **base)
    return ItemSpec(id=f"{defect}-{vi}-{country}", kind="defect", defect=defect,
                    variant=DEFECTS[defect].variants[vi], **base)


@pytest.fixture(scope="session")
def checked(corpus_cache):
    """Every case generated and checked once (readers off); {(defect, vi): (entry, result)}."""
    keys = [(None, 0)] + CASES
    entries = [generate(_item(d, vi, k), corpus_cache) for k, (d, vi) in enumerate(keys)]
    results = check_corpus(entries, workers=1, readers=False)
    return {key: (e, r) for key, e, r in zip(keys, entries, results)}


def findings(result, rule, subject=None):
    return [f for f in result["findings"] if f[0] == rule and (subject is None or f[1] == subject)]


def test_no_check_crashes(checked):
    assert not [r["error"] for _, r in checked.values() if "error" in r]


def test_clean_dossier_has_no_fail_without_readers(checked):
    _, r = checked[(None, 0)]
    assert not [f for f in r["findings"] if f[2] in ("fail", "warn")]
    assert r["verdict"] == "review"  # unread evidence is unknown, never a guessed pass


@pytest.mark.parametrize("key", CASES, ids=[f"{d}-{v}" for d, v in CASES])
def test_structure_labels_hold(checked, key):
    """Every expectation on a rule that needs no reader is met exactly (status, subject, severity)."""
    entry, r = checked[key]
    classes = rule_classes()
    structural = [e for e in entry.label["expects"] if classes.get(e["rule"]) == "structure"]
    assert structural, f"{key} has no structure-rule expectation to test"
    for e in structural:
        got = [f for f in findings(r, e["rule"]) if f[1] in e["subjects"]]
        assert any(f[2] == e["status"] for f in got), (e, got)
        if e["status"] in ("fail", "warn"):
            assert any(f[3] == e["severity"] for f in got if f[2] == e["status"]), (e, got)


def test_deadline_passed_is_overdue_reject(checked):
    entry, r = checked[("deadline_passed", 0)]
    assert findings(r, "PROCESS.DEADLINE", "dossier")[0][2:] == ["fail", "overdue"]
    assert (entry.label["verdict"], entry.label["severity"]) == ("reject", "overdue")
    assert (r["verdict"], r["severity"]) == ("reject", "overdue")


def test_two_stores_fails_min_stores(checked):
    for vi in (0, 1):
        _, r = checked[("two_stores", vi)]
        assert findings(r, "DIST.OFFLINE.MIN_STORES", "dossier")[0][2] == "fail"
        assert findings(r, "DIST.ROUTE", "dossier")[0][2] == "fail"


def test_non_platform_url_fails_platform(checked):
    entry, r = checked[("listing_not_platform", 0)]
    assert entry.label["expects"][0]["subjects"] == ["distribution.online[1]"]
    assert findings(r, "DIST.ONLINE.PLATFORM", "distribution.online[1]")[0][2:] == ["fail", "nonconforming"]
    assert findings(r, "DIST.ONLINE.PLATFORM", "distribution.online[0]")[0][2] == "pass"


@pytest.mark.parametrize("key,code", [
    (("manifest_bad_yaml", 0), "parse_error"), (("manifest_bad_yaml", 3), "not_mapping"),
    (("manifest_missing_key", 0), "schema"), (("manifest_bad_country", 0), "bad_country"),
    (("zip_bomb", 0), "zip_bomb"),
])
def test_manifest_defects_fail_intake_manifest(checked, key, code):
    entry, r = checked[key]
    [f] = findings(r, "INTAKE.MANIFEST", "dossier")[:1]
    assert f[2:] == ["fail", "nonconforming"]
    assert r["verdict"] == "reject" == entry.label["verdict"]


def test_unknown_key_is_tolerated(checked):
    entry, r = checked[("manifest_unknown_key", 0)]
    assert entry.label["kind"] == "tolerated" and entry.label["verdict"] == "approve"
    assert findings(r, "INTAKE.MANIFEST", "dossier")[0][2] == "pass"


@pytest.mark.parametrize("key,subject", [
    (("file_missing", 0), "production.factory_licence[0]"), (("file_missing", 1), "distribution.offline[1].video"),
    (("file_missing", 2), "distribution.offline[0].receipt"), (("path_traversal", 0), "production.certificate_of_origin[0]"),
    (("path_traversal", 2), "production.certificate_of_origin[0]"), (("symlink_out", 0), "production.factory_licence[0]"),
    (("file_wrong_magic", 0), "production.factory_licence[0]"), (("file_wrong_magic", 1), "production.factory_licence[0]"),
    (("file_wrong_magic", 2), "distribution.offline[1].video"), (("file_empty", 0), "production.factory_licence[0]"),
])
def test_file_defects_fail_intake_file_on_the_element(checked, key, subject):
    _, r = checked[key]
    assert ["fail", "nonconforming"] in [f[2:] for f in findings(r, "INTAKE.FILE", subject)]
    others = [f for f in findings(r, "INTAKE.FILE") if f[1] != subject and f[2] == "fail"]
    assert not others, others  # only the damaged element, not its neighbours


def test_symlink_really_points_outside(checked):
    entry, _ = checked[("symlink_out", 0)]
    links = [p for p in entry.path.rglob("*") if p.is_symlink()]
    assert links and all(entry.path.resolve() not in p.resolve().parents for p in links)


def test_expected_outcome_orders_severities():
    exp = [Expect("A", ("dossier",), "fail", "nonconforming"), Expect("B", ("dossier",), "fail", "fraud"),
           Expect("C", ("dossier",), "warn", "nonconforming")]
    assert expected_outcome(exp) == ("reject", "fraud")
    assert expected_outcome(exp[2:]) == ("review", "none")
    assert expected_outcome([]) == ("approve", "none")
