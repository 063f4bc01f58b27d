"""Small generated store-visit dossiers (640×360, 10 s, 15 fps), cached per session.

Each scenario dossier has one visit (the defect under test) unless it says otherwise, no receipt
photo (so the receipt is read from the video frames) and the four production PDFs."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from originproof.samples.dossier import write_production_documents
from originproof.samples.spec import DossierSpec, clean_spec
from originproof.samples.video import render_store_video

SECONDS = 10.0


def write_video_dossier(spec: DossierSpec, root: Path, visits: list[dict[str, Any]]) -> Path:
    """visits: [{"store": index, "seed": n, **render kwargs}] → one manifest entry each."""
    root.mkdir(parents=True, exist_ok=True)
    docs = write_production_documents(spec, root)
    m = spec.manifest([], docs, online=False)
    offline = []
    for k, v in enumerate(visits):
        v = dict(v)
        i = v.pop("store", k)
        seed = v.pop("seed", spec.seed + k)
        src = v.pop("file", None)
        rel = f"evidence/offline/visit{k + 1}.mp4"
        st = spec.stores[i]
        if src is not None:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(Path(src).read_bytes())
        else:
            render_store_video(spec, i, root / rel, seconds=SECONDS, location=(st.lat, st.lon), seed=seed, **v)
        offline.append({"store": {"chain": st.chain, "branch": st.branch, "address": st.address, "country": st.country,
                                  "location": {"lat": st.lat, "lon": st.lon}}, "video": rel})
    m["distribution"] = {"offline": offline}
    (root / "dossier.yaml").write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def video_dossier(tmp_path_factory) -> Callable[..., Path]:
    cache: dict[str, Path] = {}
    base = tmp_path_factory.mktemp("video")

    def make(name: str, spec: DossierSpec, visits: list[dict[str, Any]]) -> Path:
        if name not in cache:
            cache[name] = write_video_dossier(spec, base / name, visits)
        return cache[name]
    return make


@pytest.fixture(scope="session")
def checker(tmp_path_factory):
    """check_path with one session store: the facts cache makes repeated videos cheap."""
    from originproof.pipeline import CheckOptions, check_path
    from originproof.policy import load_policy
    from originproof.registry import default_registry
    from originproof.store import Store

    results: dict[tuple, Any] = {}

    def run(root: Path, store_url: str | None = None, record: bool = False):
        key = (str(root), store_url, record)
        if key not in results:
            st = Store(store_url) if store_url else None
            try:
                results[key] = check_path(root, CheckOptions(policy=load_policy(), registry=default_registry(),
                                                             store=st, record=record))
            finally:
                if st is not None:
                    st.close()
        return results[key]
    return run


def finding(res, rule: str, subject: str = "distribution.offline[0]") -> dict:
    fs = [f for f in res.report["findings"] if f["rule"] == rule and f["subject"] == subject]
    assert fs, f"no {rule} finding on {subject}"
    return fs[0]


@pytest.fixture(scope="session")
def jp() -> DossierSpec:
    return clean_spec("JP", 1)


@pytest.fixture(scope="session")
def de() -> DossierSpec:
    return clean_spec("DE", 2)
