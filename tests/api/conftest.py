"""A running service (embedded pool, SQLite, local blobs) with a token per role, and small dossiers."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from originproof.accounts import service as accounts
from originproof.api.app import create_app
from originproof.pipeline.options import load_operator
from originproof.service.runtime import build_service
from originproof.store import Store
from originproof.store.blobs import BlobStore
from originproof.webhooks.targets import Targets, parse_networks

MERCHANT_A = "M-100001"  # the generated sample dossier's merchant
MERCHANT_B = "M-999999"


def zip_folder(folder: Path, only_manifest: bool = False, merchant: str | None = None,
               brand: str | None = None, uscc: str | None = None) -> bytes:
    """The dossier as a zip; `only_manifest` keeps just dossier.yaml (a check then takes a blink)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if not p.is_file() or (only_manifest and p.name != "dossier.yaml"):
                continue
            data = p.read_bytes()
            if p.name == "dossier.yaml" and (merchant or brand or uscc):
                m = yaml.safe_load(data)
                m["merchant"]["id"] = merchant or m["merchant"]["id"]
                m["merchant"]["uscc"] = uscc or m["merchant"]["uscc"]
                m["brand"]["name"] = brand or m["brand"]["name"]
                data = yaml.safe_dump(m, allow_unicode=True, sort_keys=False).encode()
            zf.writestr(p.relative_to(folder).as_posix(), data)
    return buf.getvalue()


@dataclass
class Running:
    client: TestClient
    svc: object
    store: Store
    blob_root: Path
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else (
            {"Authorization": "Bearer op_000000000000_wrong"} if who == "wrong" else {})

    def drain(self) -> None:
        self.svc.dispatcher.drain(timeout=300)


@pytest.fixture
def running(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'svc.db'}")
    blob_root = tmp_path / "blobs"
    # Test receivers listen on loopback: the operator's explicit trust, which also admits plain http there.
    svc = build_service(st, BlobStore(str(blob_root)), load_operator(), executor="embedded", threads=1,
                        deliver_webhooks=False, webhook_targets=Targets(parse_networks("127.0.0.0/8")))
    tokens = {}
    with st.Session.begin() as s:
        for who, role, ms in (("seller_a", "seller", [MERCHANT_A]), ("seller_b", "seller", [MERCHANT_B]),
                              ("reviewer", "reviewer", []), ("reviewer2", "reviewer", []), ("admin", "admin", [])):
            tokens[who] = accounts.issue_token(s, role, ms, label=who)[1]
    app = create_app(svc)
    with TestClient(app) as client:
        yield Running(client, svc, st, blob_root, tokens)
    st.close()


@pytest.fixture(scope="session")
def small_dossier_dir(tmp_path_factory, clean_dossier_dir) -> Path:
    """Documents and listings, no store visits: the service is under test, not the video readers."""
    import shutil

    dst = tmp_path_factory.mktemp("svc") / "d"
    shutil.copytree(clean_dossier_dir, dst)
    m = yaml.safe_load((dst / "dossier.yaml").read_text("utf-8"))
    m["distribution"].pop("offline", None)
    (dst / "dossier.yaml").write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), "utf-8")
    return dst
