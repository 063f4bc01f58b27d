"""Whose dossier is this? Read from the upload's manifest *before* anything is stored, so a seller
is refused for another merchant's dossier without leaving a trace."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from originproof.dossier.intake import open_dossier
from originproof.policy import Policy
from originproof.registry import Registry


@dataclass(frozen=True)
class DossierIdentity:
    merchant_id: str
    brand: str
    uscc: str | None


def read_identity(path: Path, policy: Policy, registry: Registry) -> DossierIdentity | None:
    """The merchant and brand the manifest names, or None when the upload has no readable manifest.

    Uses the same safe extraction as a check (zip-bomb and traversal defence), without probing media."""
    with open_dossier(Path(path), policy.intake, registry, probe=False) as it:
        m = it.manifest
        if m is None or not m.merchant.id.strip() or not m.brand.name.strip():
            return None
        return DossierIdentity(m.merchant.id.strip(), m.brand.name.strip(), (m.merchant.uscc or "").strip() or None)
