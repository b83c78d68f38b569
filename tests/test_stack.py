"""The production stack (``make serve``: nginx in front of gunicorn) against slow clients and greedy ones.

These start the real stack (``python -m dashboard.stack``) on loopback with one
gunicorn worker of two threads, so that two slow clients would be enough to
stop gunicorn alone from answering.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _nginx() -> str:
    found = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).is_file():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"nginx not found ({found}): `make nginx` installs it; CI never skips the stack tests")
        pytest.skip("nginx not installed (`make nginx`)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, source: str = "127.0.0.1", timeout: float = 10, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    nginx = _nginx()
    port = _free_port()
    tmp = tmp_path_factory.mktemp("stack")
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", NGINX=nginx, WORKERS="1", THREADS="2",
               DASHBOARD_CACHE_DIR=str(tmp / "cache"), EXPENSIVE_PER_MINUTE="30", EXPENSIVE_BURST="5")
    log = open(tmp / "stack.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.stack"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 120
        while True:
            try:
                if _get(port, "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.flush()
                pytest.fail("the stack did not start:\n" + (tmp / "stack.log").read_text()[-3000:])
            time.sleep(0.3)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_stk001_slow_clients_do_not_starve_others(stack):
    """24 clients sending a body a byte a second hold connections; everyone else is still answered at once."""
    slow = []
    try:
        for _ in range(24):
            s = socket.create_connection(("127.0.0.1", stack), timeout=10, source_address=("127.0.0.3", 0))
            s.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{")
            slow.append(s)
        answered = []
        for i in range(12):
            for s in slow:
                s.sendall(b" ")
            status, _, body = _get(stack, ["/healthz", "/api/v1/indicators.json?limit=5", "/about"][i % 3], timeout=5)
            answered.append(status)
            time.sleep(0.25)
        assert answered == [200] * 12
        # the slow connections are still open (nginx holds them; they never reached gunicorn's threads)
        for s in slow:
            s.sendall(b" ")
    finally:
        for s in slow:
            s.close()


def test_stk002_expensive_requests_are_limited_per_client(stack):
    """One address asking for whole-data exports in a burst gets 429 with Retry-After; another address is served."""
    statuses = []
    for _ in range(12):
        status, headers, body = _get(stack, "/api/v1/observations.csv", source="127.0.0.2", timeout=60)
        statuses.append(status)
        if status == 429:
            assert headers.get("Retry-After") == "10"
            assert b"too many expensive requests" in body
    assert statuses[0] == 200
    assert 429 in statuses
    status, _, body = _get(stack, "/api/v1/observations.csv", source="127.0.0.4", timeout=60)
    assert status == 200 and body.count(b"\n") > 100
    # cheap routes from the limited address are not limited
    assert _get(stack, "/healthz", source="127.0.0.2")[0] == 200


def test_stk003_forwarded_headers_from_clients_are_not_trusted(stack):
    """nginx overwrites a client's X-Forwarded-* headers; gunicorn trusts nginx only, so the scheme stays http."""
    status, headers, body = _get(stack, "/api/v1/observations.xlsx?municipality=3203&year=2023",
                                 headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    assert status == 200
    import io

    from openpyxl import load_workbook

    cells = [str(c.value) for ws in load_workbook(io.BytesIO(body)).worksheets for row in ws.iter_rows()
             for c in row if c.value is not None]
    links = [c for c in cells if "/data?" in c]
    assert links and all(f"http://127.0.0.1:{stack}/data?" in c for c in links), links
    assert not any("https://127" in c or "evil.example" in c for c in cells)
    assert headers.get("Server") == "nginx"  # no version number


def test_stk004_requests_over_the_body_limit_are_refused_by_the_front(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack, timeout=10)
    try:
        conn.request("POST", "/_dash-update-component", body=b"x" * (3 * 1024 * 1024),
                     headers={"Content-Type": "application/json"})
        assert conn.getresponse().status == 413
    except (BrokenPipeError, ConnectionResetError):
        pass  # nginx may close before reading the whole body: refused all the same
    finally:
        conn.close()


def test_stk005_every_gunicorn_worker_draws_the_chart_pages_before_its_first_visitor(stack):
    """gunicorn.conf.py starts the warm-up in each worker (post_worker_init); /healthz reports it once done."""
    import json

    deadline = time.monotonic() + 90
    warm = {}
    while time.monotonic() < deadline:
        status, _, body = _get(stack, "/healthz", timeout=5)
        warm = json.loads(body).get("warm_up", {}) if status == 200 else {}
        if warm.get("done"):
            break
        time.sleep(0.5)
    assert warm.get("done") is True and warm["pages"] == 5 and warm["failed"] == 0, warm
