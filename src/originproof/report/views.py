"""Who sees what of a report: a seller sees its own findings, never what only a reviewer may see
(the other dossier a reuse finding points at, kept under a finding's `facts.reviewer`)."""
from __future__ import annotations

import copy
from typing import Any

REVIEWER_ONLY = "reviewer"


def for_seller(report: dict[str, Any]) -> dict[str, Any]:
    """The report as a seller may read it: the same findings without their reviewer-only facts."""
    out = copy.deepcopy(report)
    for f in out.get("findings") or []:
        facts = f.get("facts")
        if isinstance(facts, dict):
            facts.pop(REVIEWER_ONLY, None)
    return out
