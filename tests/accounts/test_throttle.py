"""Failed console sign-ins: after N for one user name, or M from one client, within the window, a
try is refused with 429 and Retry-After — before the password is checked, so even the right one
waits. Counted in this process (embedded) or in the real Redis shared by every API process."""
from __future__ import annotations

import uuid

import pytest
import redis
from fastapi.testclient import TestClient

from originproof.accounts import service as accounts
from originproof.accounts.throttle import SignInThrottle, storage_url
from originproof.api.app import create_app
from originproof.config import Settings
from originproof.pipeline.options import load_operator
from originproof.service.runtime import build_service
from originproof.store import Store
from originproof.store.blobs import BlobStore

REDIS = "redis://127.0.0.1:6379/0"
GOOD = {"rita": "correct horse battery", "otto": "tr0ubadour & 3 more"}
HERE, THERE = ("198.51.100.7", 40000), ("203.0.113.9", 40000)


@pytest.fixture(scope="module")
def accounts_store(tmp_path_factory):
    """Two users and the operator files, made once; argon2 at its cheapest (the hash is not under test,
    and every try here would otherwise cost a fifth of a second)."""
    from argon2 import PasswordHasher

    from originproof.accounts import security

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        mp.setattr(security, "_DUMMY", security._hasher.hash("nobody's"))
        tmp = tmp_path_factory.mktemp("throttle")
        st = Store(f"sqlite:///{tmp / 'acc.db'}")
        with st.Session.begin() as s:
            for name, pw in GOOD.items():
                accounts.create_user(s, name, pw, "reviewer")
        yield st, BlobStore(str(tmp / "b")), load_operator()
        st.close()


@pytest.fixture
def console(accounts_store):
    """console(throttle, client) → a TestClient of a service using that throttle, from that client address."""
    st, blobs, operator = accounts_store
    clients = []

    def start(throttle: SignInThrottle, client: tuple[str, int] = HERE) -> TestClient:
        svc = build_service(st, blobs, operator, deliver_webhooks=False, resume=False, signin_throttle=throttle)
        c = TestClient(create_app(svc), client=client, follow_redirects=False)
        clients.append(c.__enter__())
        return c

    yield start
    for c in clients:
        c.__exit__(None, None, None)


def sign_in(c: TestClient, name: str, password: str | None = None) -> int:
    return c.post("/console/login", data={"name": name, "password": password or GOOD[name]}).status_code


def wrong(c: TestClient, name: str) -> int:
    return sign_in(c, name, "not the password")


def test_a_user_name_is_locked_after_n_failures_from_any_client(console):
    throttle = SignInThrottle(per_name=3, per_client=6)
    here, there = console(throttle), console(throttle, THERE)
    assert [wrong(here, "rita") for _ in range(3)] == [401, 401, 401]
    r = here.post("/console/login", data={"name": "rita", "password": GOOD["rita"]})
    assert r.status_code == 429 and "op_session" not in r.cookies
    assert 0 < int(r.headers["Retry-After"]) <= 900
    assert "Too many failed sign-ins" in r.text and "登录失败次数过多" in r.text
    assert sign_in(there, "rita") == 429  # the name, not the client, is what is locked
    assert sign_in(here, "otto") == 303  # another user from the same client: under the client's limit


def test_a_client_guessing_many_names_is_locked(console):
    throttle = SignInThrottle(per_name=3, per_client=4)
    here, there = console(throttle), console(throttle, THERE)
    assert [wrong(here, name) for name in ("ann", "bob", "cyd", "dee")] == [401] * 4
    assert sign_in(here, "rita") == 429
    assert sign_in(there, "rita") == 303


def test_a_good_sign_in_starts_the_users_count_again(console):
    c = console(SignInThrottle(per_name=3, per_client=20))
    assert [wrong(c, "rita"), wrong(c, "rita"), sign_in(c, "rita")] == [401, 401, 303]
    assert [wrong(c, "rita"), wrong(c, "rita"), sign_in(c, "rita")] == [401, 401, 303]


def test_api_processes_share_the_count_in_redis(console):
    ns = f"originproof-test-{uuid.uuid4().hex}"
    one = console(SignInThrottle(REDIS, per_name=3, per_client=20, namespace=ns))
    two = console(SignInThrottle(REDIS, per_name=3, per_client=20, namespace=ns), THERE)  # another process's
    try:
        assert [wrong(one, "rita") for _ in range(3)] == [401, 401, 401]
        r = two.post("/console/login", data={"name": "rita", "password": GOOD["rita"]})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert sign_in(two, "otto") == 303
    finally:
        r = redis.Redis.from_url(REDIS)
        keys = list(r.scan_iter(f"*{ns}*"))
        assert keys  # the counts were in Redis
        r.delete(*keys)


def test_where_the_counts_live():
    assert storage_url(Settings(executor="embedded")) == "memory://"
    assert storage_url(Settings(executor="celery", broker_url="redis://10.1.2.3:6379/2")) == "redis://10.1.2.3:6379/2"
    assert storage_url(Settings(executor="celery", ratelimit_url="redis://cache:6379/5")) == "redis://cache:6379/5"
    t = SignInThrottle.from_settings(Settings(signin_failures_per_name=7, signin_failures_per_client=9,
                                              signin_window_s=60))
    assert (t.by_name.amount, t.by_client.amount, t.by_name.get_expiry()) == (7, 9, 60)


def test_unreachable_shared_state_does_not_lock_the_console_out():
    t = SignInThrottle("redis://127.0.0.1:1/0", per_name=1, per_client=1)  # nothing listens on port 1
    t.failed("rita", HERE[0])
    assert t.retry_after("rita", HERE[0]) is None
