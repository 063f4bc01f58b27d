"""A dossier that proves distribution by online listings only is approved through the API when
the operator's archive holds the platform's own captures of those listings (the seller cannot
supply them; the service reads what the operator configured)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient

from originproof.accounts import service as accounts
from originproof.api.app import create_app
from originproof.pipeline.options import load_operator
from originproof.samples.dossier import write_captures, write_dossier
from originproof.samples.spec import clean_spec
from originproof.service.runtime import build_service
from originproof.store import Store
from originproof.store.blobs import BlobStore
from tests.api.conftest import zip_folder


def test_online_route_dossier_is_approved_with_an_operator_archive(tmp_path):
    # Dated now: the service judges at the instant it receives the dossier, not the manifest's date.
    spec = clean_spec("JP", 2, submitted_at=datetime.now(timezone.utc) - timedelta(minutes=5))
    root = write_dossier(spec, tmp_path / "d", offline=False)
    write_captures(spec, tmp_path / "operator-archive")
    st = Store(f"sqlite:///{tmp_path / 's.db'}")
    svc = build_service(st, BlobStore(str(tmp_path / "b")), load_operator(web_archives=[tmp_path / "operator-archive"]),
                        threads=1, deliver_webhooks=False)
    with st.Session.begin() as s:
        token = accounts.issue_token(s, "seller", [spec.merchant_id])[1]
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(svc)) as c:
        r = c.post("/v1/dossiers", files={"file": ("d.zip", zip_folder(root))}, headers=auth)
        assert r.status_code == 202, r.text
        svc.dispatcher.drain(timeout=300)
        cid = r.json()["case_id"]
        rep = c.get(f"/v1/cases/{cid}/versions/1/report", headers=auth).json()
        # A resubmission re-reads no unchanged file (extraction cached by content hash in the store).
        assert c.post("/v1/dossiers", files={"file": ("d.zip", zip_folder(root))}, headers=auth).json()["version"] == 2
        svc.dispatcher.drain(timeout=300)
        v2 = c.get(f"/v1/cases/{cid}/versions/2/report", headers=auth).json()
        assert v2["timings_ms"]["extract_reads"] == 0 and v2["timings_ms"]["extract_cache_hits"] >= 4
        assert c.get(f"/v1/cases/{cid}/versions/2", headers=auth).json()["changes"] == []
    not_passing = [(f["rule"], f["subject"], f["status"], f["message"]["en"]) for f in rep["findings"]
                   if f["status"] not in ("pass", "n/a")]
    assert rep["verdict"] == "approve", not_passing
    st.close()
