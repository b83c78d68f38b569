"""What the benchmark scripts share: the figure list, ports, HTTP timing, percentiles and the Dash request bodies."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
REPEAT = int(os.environ.get("BENCH_REPEAT", "300"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "10000"))
NATIONAL = Path(os.environ.get("BENCH_NATIONAL_DIR", Path(tempfile.gettempdir()) / "asker-u4ssc-national"))
CACHE = Path(tempfile.gettempdir()) / "asker-u4ssc-bench-cache"
FIGURES: list[dict] = []


def add(name, value, unit, target=None, ok=None, command="", note=""):
    FIGURES.append({"figure": name, "value": value, "unit": unit, "target": target, "met": ok, "command": command,
                    "note": note})
    shown = f"{value:.3g}" if isinstance(value, float) else str(value)
    print(f"  {name}: {shown} {unit}" + (f" (target {target})" if target else ""), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, app: str, env: dict, workers: int = 1, threads: int = 4):
        self.port = free_port()
        self.env = {**os.environ, "DASHBOARD_CACHE_DIR": str(CACHE), "DASHBOARD_RELOAD_SECONDS": "3600", **env}
        self.cmd = [PY, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{self.port}",
                    "--workers", str(workers), "--threads", str(threads), "--max-requests", "0", app]
        self.proc = None

    def __enter__(self):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_ok(f"http://127.0.0.1:{self.port}/healthz" if "dashboard" in self.cmd[-1]
                else f"http://127.0.0.1:{self.port}/chart")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def workers(self) -> list[int]:
        out = []
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    if int((p / "stat").read_text().split(") ", 1)[1].split()[1]) == self.proc.pid:
                        out.append(int(p.name))
                except (OSError, IndexError, ValueError):
                    pass
        return out


def wait_ok(url: str, seconds: float = 180) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peers_body(municipality: str, scope: str, year_to: int | None) -> bytes:
    return json.dumps({
        "output": "peers-result.children", "outputs": {"id": "peers-result", "property": "children"},
        "inputs": [{"id": "peers-request", "property": "data",
                    "value": {"municipality": municipality, "scope": scope, "year_to": year_to, "lang": "nb"}}],
        "state": [], "changedPropIds": ["peers-request.data"],
    }).encode()


def peer_figures(port: int, n: int = 40) -> None:
    """The peer finder's own callback at national scale, a different municipality each time (no memo hit)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    codes = [f"{9001 + i:04d}" for i in range(n)]
    scopes = ["challenge_area:transport", "challenge_area:digital", "dimension:EN", "category:EC: I: T"]
    request(conn, "POST", "/_dash-update-component", peers_body("9000", scopes[0], 2024))  # warm the data
    waits, bad = [], 0
    for i, code in enumerate(codes):
        status, _, took = request(conn, "POST", "/_dash-update-component", peers_body(code, scopes[i % 4], 2024))
        waits.append(took)
        bad += status != 200
    conn.close()
    cmd = (f"{n} x POST /_dash-update-component (peer finder callback), national data (357 municipalities), "
           "a different municipality each time, 4 scopes")
    add("peer finder callback p50, national scale", pct(waits, .5), "ms", command=cmd)
    add("peer finder callback p95, national scale", pct(waits, .95), "ms", "<= 150",
        pct(waits, .95) <= 150, cmd)
    add("peer finder callback errors", bad, "errors", "0", bad == 0, cmd)


def pages_body(path: str, search: str) -> bytes:
    from dashboard.first_page import router_request

    return json.dumps(router_request(path, search)).encode()


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
            gz: bool = False) -> tuple[int, bytes, float]:
    headers = {"Content-Type": "application/json"} if body else {}
    if gz:
        headers["Accept-Encoding"] = "gzip"
    t0 = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data, time.perf_counter() - t0


def latencies(port: int, method: str, paths_bodies: list[tuple[str, bytes | None]], n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    request(conn, method, *paths_bodies[0])  # warm
    out = []
    for i in range(n):
        path, body = paths_bodies[i % len(paths_bodies)]
        status, _, took = request(conn, method, path, body)
        if status != 200:
            raise RuntimeError(f"{method} {path} -> {status}")
        out.append(took)
    conn.close()
    return out


def side_by_side(a: tuple[int, list], b: tuple[int, list], n: int, block: int = 20) -> tuple[list, list]:
    """Latencies of two servers measured alternately, so both see the same machine state."""
    out_a, out_b = [], []
    while len(out_a) < n:
        k = min(block, n - len(out_a))
        out_a += latencies(a[0], "POST", a[1], k)
        out_b += latencies(b[0], "POST", b[1], k)
    return out_a, out_b


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * len(s))) - 1))] * 1000


def throughput(port: int, method: str, path: str, body: bytes | None, users: int = 10) -> tuple[float, float, int]:
    stop = time.perf_counter() + SECONDS
    lock, lat, errors = threading.Lock(), [], [0]

    def user():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < stop:
            try:
                status, _, took = request(conn, method, path, body)
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status, took = 0, 0.0
            with lock:
                lat.append(took)
                if status != 200:
                    errors[0] += 1
    t0 = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(users)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    elapsed = time.perf_counter() - t0
    return len(lat) / elapsed, pct(lat, 0.95), errors[0]


def data_load(data_dir: Path, cold: bool) -> float:
    cache = Path(tempfile.mkdtemp()) if cold else CACHE
    code = ("import time; t=time.perf_counter(); from data import DEFAULT_CATALOGUE; "
            "from data.repository import Repository; "
            f"Repository({str(data_dir)!r}, DEFAULT_CATALOGUE, {str(cache)!r}).snapshot(); "
            "print(time.perf_counter()-t)")
    out = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    return float(out.strip().splitlines()[-1])
