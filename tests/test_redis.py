"""red: the shared cache: two app processes and one real redis-server (Debian package) started by the test."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from dashboard.first_page import router_request
from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


@pytest.fixture()
def redis_url():
    exe = shutil.which(os.environ.get("REDIS_SERVER", "redis-server"))
    if exe is None:
        msg = "redis-server not found (run `make test`, which installs Debian's redis-server)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    deadline = time.time() + 20
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if time.time() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def page_body(path: str, search: str) -> bytes:
    return json.dumps(router_request(path, search)).encode()


def post(base: str, body: bytes) -> bytes:
    # both processes sit behind one public name, as behind a load balancer
    req = urllib.request.Request(base + "/_dash-update-component", data=body,
                                 headers={"Content-Type": "application/json", "Host": "dashboard.example"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200
        return r.read()


def health(base: str) -> dict:
    return json.loads(urllib.request.urlopen(base + "/healthz", timeout=10).read())


def test_red001_two_processes_share_one_cache(redis_url, data_dir, tmp_path):
    import redis

    procs, bases = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            env = dict(os.environ, REDIS_URL=redis_url, DASHBOARD_DATA_DIR=str(data_dir),
                       DASHBOARD_CACHE_DIR=str(tmp_path / f"cache-{name}"))
            procs.append(subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--port", str(port)],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_for(base + "/healthz")
            urllib.request.urlopen(base + "/", timeout=30).read()  # Dash's first-request set-up
        for base in bases:  # each process draws its warm-up pages in the background (dashboard/warm.py) and
            # stores what they compute: count the keys once both are done, not while one still writes
            deadline = time.monotonic() + 120
            while not health(base).get("warm_up", {}).get("done") and time.monotonic() < deadline:
                time.sleep(0.1)
            assert health(base)["warm_up"]["done"], base
        a, b = bases
        body = page_body("/compare", "?municipality=3203,1149&year=2019-2023&dimension=EC")
        first = post(a, body)
        ha = health(a)["cache"]
        assert ha["backend"] == "redis" and ha["misses"] >= 1
        store = redis.Redis.from_url(redis_url)
        keys = store.keys("asker-u4ssc:*")
        assert keys, "process A wrote nothing to Redis"
        before = health(b)["cache"]["hits"]
        second = post(b, body)
        assert health(b)["cache"]["hits"] > before  # B was served what A computed
        assert second == first  # the same page, byte for byte
        assert len(store.keys("asker-u4ssc:*")) == len(keys)  # nothing computed twice
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=20)


def test_red002_a_redis_outage_never_breaks_a_page(data_dir, tmp_path):
    from data import DEFAULT_CATALOGUE
    from data.cache import RedisCache
    from data.queries import overview
    from data.repository import Repository

    cache = RedisCache(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    repo = Repository(data_dir, DEFAULT_CATALOGUE, tmp_path / "c", check_interval=0, cache=cache)
    ds = repo.snapshot()
    assert cache.get(("x",)) is None
    cache.set(("x",), overview(ds, "3203", 2023))
    assert cache.get(("x",)) is not None  # the local layer still serves
    assert cache.errors >= 2
