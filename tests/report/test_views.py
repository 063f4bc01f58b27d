"""A seller's view of a report drops what only a reviewer may see, and nothing else."""
from __future__ import annotations

from originproof.report.views import for_seller


def test_seller_view_drops_reviewer_facts_only():
    rep = {"verdict": "reject", "findings": [
        {"rule": "AUTH.DUPLICATE", "status": "fail", "message": {"en": "submitted before by another account"},
         "facts": {"match": ["number"], "reviewer": {"dossiers": ["ab" * 32], "files": ["coo.pdf"]}}},
        {"rule": "PROD.COO.PRESENT", "status": "pass", "facts": {"files": 1}}]}
    seen = for_seller(rep)
    assert "reviewer" not in seen["findings"][0]["facts"]
    assert seen["findings"][0]["facts"]["match"] == ["number"]
    assert seen["findings"][1] == rep["findings"][1]
    assert "reviewer" in rep["findings"][0]["facts"]  # the stored report keeps it for reviewers
