"""Write a whole dossier folder from a `DossierSpec` (used by `originproof demo`, tests and the corpus)."""
from __future__ import annotations

from pathlib import Path

import yaml

from originproof.samples.documents import render_receipt_image, render_text_pdf
from originproof.samples.spec import DossierSpec, clean_spec
from originproof.samples.video import render_store_video


def write_production_documents(spec: DossierSpec, root: Path) -> dict[str, list]:
    """The four production documents as text PDFs; returns the manifest's `production` mapping."""
    docs: dict[str, list] = {}
    for slot, name in (("certificate_of_origin", "coo.pdf"), ("factory_licence", "licence.pdf"),
                       ("production_agreement", "agreement.pdf"), ("customs_declaration", "customs.pdf")):
        render_text_pdf(slot, spec, root / "evidence" / "production" / name)
        docs[slot] = [f"evidence/production/{name}"]
    return docs


def write_dossier(spec: DossierSpec, root: Path, *, video_seconds: float = 6.0, online: bool = True,
                  offline: bool = True, receipts: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    docs = write_production_documents(spec, root)
    videos, receipt_paths = [], []
    if offline:
        for i, st in enumerate(spec.stores):
            rel = f"evidence/offline/store{i + 1}.mp4"
            render_store_video(spec, i, root / rel, seconds=video_seconds, location=(st.lat, st.lon), seed=spec.seed + i)
            videos.append(rel)
            if receipts:
                rr = f"evidence/offline/store{i + 1}_receipt.jpg"
                render_receipt_image(spec, i, root / rr)
                receipt_paths.append(rr)
            else:
                receipt_paths.append(None)
    manifest = spec.manifest(videos, docs, receipt_paths, online=online, offline=offline)
    (root / "dossier.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def write_captures(spec: DossierSpec, out_dir: Path, scenario: str = "stable") -> list[Path]:
    """Platform-side observations of the spec's listings (WARC), as the monitor would have archived them.

    They are not part of the dossier: a seller cannot supply them (spec/dossier.md)."""
    from originproof.samples.listings import write_dossier_warc

    return write_dossier_warc(spec, Path(out_dir), scenario=scenario)


def write_demo_dossier(out: Path, country: str = "JP", seed: int = 1) -> tuple[Path, list[Path]]:
    """The sample dossier in `out/dossier` and the platform's captures of its listings in `out/captures`,
    dated as if submitted this hour: checked through the service (which stamps `submitted_at` on receipt)
    it is as recent as when `originproof demo` checks it."""
    from datetime import datetime, timezone
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    spec = clean_spec(country, seed, submitted_at=now)
    out = Path(out)
    root = write_dossier(spec, out / "dossier", video_seconds=10.0)
    return root, write_captures(spec, out / "captures")
