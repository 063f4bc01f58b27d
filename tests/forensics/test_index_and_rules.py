"""Reuse indexes against brute force, fingerprints, and the AUTH.* rules on plain facts."""
from __future__ import annotations

import numpy as np
import pytest

from originproof.evidence.forensics import index as I
from originproof.evidence.forensics.fingerprints import jaccard, minhash, minhash_array, shingles, template_tokens
from originproof.facts.base import At, Forensics, Signal, SignatureState


def test_hamming_index_matches_brute_force():
    rng = np.random.default_rng(1)
    vals = rng.integers(0, 2 ** 63, 20_000, dtype=np.uint64)
    ix = I.HammingIndex(vals, radius=6)
    keep, I.BRUTE_UP_TO = I.BRUTE_UP_TO, 0  # exercise the multi-index path
    try:
        for pick in rng.integers(0, len(vals), 30):
            q = int(vals[pick]) ^ (1 << 3) ^ (1 << 40) ^ (1 << 61)
            got = sorted(ix.query(q))
            assert got == sorted(ix.brute(q)) and (int(pick), 3) in got
    finally:
        I.BRUTE_UP_TO = keep


def test_minhash_lsh_finds_near_copies_not_strangers():
    base = [f"value {i}" for i in range(40)]
    sigs = [minhash(shingles(base)), minhash(shingles(base[:30] + [f"changed {i}" for i in range(10)])),
            minhash(shingles([f"other {i}" for i in range(40)]))]
    lsh = I.MinHashLSH(np.stack([minhash_array(s) for s in sigs]), bands=32)
    hits = dict(lsh.query(minhash_array(sigs[0]), 0.5))
    assert hits[0] == 1.0 and 1 in hits and 2 not in hits
    assert jaccard(sigs[0], sigs[2]) < 0.1


def test_template_masks_field_values_and_digits():
    a = template_tokens("Certificate No. JP26-123456 Exporter: Towa Cosme", ["towa cosme", "jp26-123456"])
    b = template_tokens("Certificate No. JP26-999999 Exporter: Other Maker", ["other maker", "jp26-999999"])
    assert a == b


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    from originproof.pipeline.check import CheckOptions, check_path
    from originproof.policy import load_policy
    from originproof.registry import default_registry
    from originproof.samples.dossier import write_dossier
    from originproof.samples.spec import clean_spec

    d = write_dossier(clean_spec("DE", 4), tmp_path_factory.mktemp("rules") / "d", offline=False)
    opts = CheckOptions(policy=load_policy(None), registry=default_registry(), store=None)
    return check_path(d, opts), opts


def _run(facts, opts):
    from originproof.rules import run_rules

    return {(f.rule, f.subject): f for f in run_rules(facts, opts.policy, opts.registry)}


def test_rules_weigh_signals_by_document_kind(checked):
    res, opts = checked
    facts = res.facts.model_copy(deep=True)
    fs = _run(facts, opts)
    for slot in ("certificate_of_origin", "production_agreement"):
        assert fs[("AUTH.PDF_EDITED", f"production.{slot}[0]")].status == "pass"
        assert fs[("AUTH.SIGNATURE", f"production.{slot}[0]")].status == "n/a"
        assert fs[("AUTH.IMAGE_EDITED", f"production.{slot}[0]")].status == "n/a"
    sig = Signal(code="pdf.text_over_fill", severity="fraud", at=At(file="x.pdf", page=1, bbox=[1, 2, 3, 4]),
                 detail="typed over a box")
    for slot in ("certificate_of_origin", "production_agreement"):
        doc = facts.documents[slot][0]
        doc.forensics = Forensics(signals=[sig], checks=["pdf", "signatures"])
    fs = _run(facts, opts)
    off = fs[("AUTH.PDF_EDITED", "production.certificate_of_origin[0]")]
    assert off.status == "fail" and off.severity == "fraud"
    assert off.evidence[0]["page"] == 1 and off.evidence[0]["bbox"] == [1, 2, 3, 4]
    assert off.remedy and off.message.zh and off.message.en
    own = fs[("AUTH.PDF_EDITED", "production.production_agreement[0]")]
    assert own.status == "warn" and own.severity == "nonconforming"
    # Signatures: intact but untrusted → warn; broken → fail.
    doc = facts.documents["customs_declaration"][0]
    doc.forensics = Forensics(checks=["pdf", "signatures"],
                              signatures=[SignatureState(field="S", intact=True, covers_whole_file=True, trusted=False)])
    assert _run(facts, opts)[("AUTH.SIGNATURE", "production.customs_declaration[0]")].status == "warn"
    doc.forensics.signals = [Signal(code="pdf.signature_broken", severity="fraud", detail="bytes changed")]
    f = _run(facts, opts)[("AUTH.SIGNATURE", "production.customs_declaration[0]")]
    assert f.status == "fail" and f.severity == "fraud"
    # Forensics missing → unknown, never a guessed pass.
    doc.forensics = None
    assert _run(facts, opts)[("AUTH.PDF_EDITED", "production.customs_declaration[0]")].status == "unknown"
