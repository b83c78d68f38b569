"""``make bench``: every speed figure of the performance issue, measured side by side in one run.

Prints a table (figure, value, target, met?, the command behind it) and writes
``bench/results.json``. The dashboard and a bare Flask floor serving the same
bytes (``scripts/bench_floor.py``) run under the same gunicorn settings and are
timed the same way, over HTTP on loopback, so the ratios are the figures that
count. National scale uses ``scripts/generate_national.py`` (generated into a
temporary directory once and reused: ``BENCH_NATIONAL_DIR``).

Environment: ``BENCH_REPEAT`` (requests per latency figure, default 300),
``BENCH_SECONDS`` (per throughput run, default 10), ``BENCH_REQUESTS`` (for the
memory figure, default 10000), ``CHROMIUM_PATH``.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import shutil
import socket
import statistics
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
PAGES = ".._pages_content.children..._pages_store.data.."
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
    return json.dumps({
        "output": PAGES,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [], "changedPropIds": ["_pages_location.pathname"],
    }).encode()


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


CHART_PAGES = ("/snapshot", "/challenges/transport", "/indicators/ec-i-t-1c", "/compare", "/finance")
FAST_4G = {"offline": False, "latency": 170, "downloadThroughput": 9e6 / 8, "uploadThroughput": 9e6 / 8}


def browser_figures(dash_port: int, floor_port: int) -> None:
    """Every chart page's first chart on a cold profile against two floors loaded alternately in the same run:
    a bare page with the stock plotly.js and a bare page with the dashboard's own plotly.js; bytes cold and
    warm; the same on a Fast 4G link and with 4x CPU slowdown; a control change to the redrawn chart."""
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
    exe = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    floors = {"stock": f"http://127.0.0.1:{floor_port}/chart",
              "bundle": f"http://127.0.0.1:{floor_port}/chart?bundle=partial"}
    rounds = int(os.environ.get("BENCH_BROWSER_ROUNDS", "3"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=flags)

        def visit(url: str, network: dict | None = None, cpu: float | None = None) -> tuple[float, int, int]:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # a cold profile each time
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            if network:
                cdp.send("Network.emulateNetworkConditions", network)
            if cpu:
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
            got = {"bytes": 0}
            cdp.on("Network.loadingFinished", lambda e: got.__setitem__("bytes", got["bytes"] + e["encodedDataLength"]))
            t0 = time.perf_counter()
            page.goto(url)
            page.locator(".main-svg").first.wait_for(timeout=120000)
            took = time.perf_counter() - t0
            page.wait_for_load_state("networkidle")
            cold = got["bytes"]
            got["bytes"] = 0
            page.reload()
            page.locator(".main-svg").first.wait_for(timeout=120000)
            page.wait_for_load_state("networkidle")
            warm = got["bytes"]
            ctx.close()
            return took, cold, warm

        def side_by_side_loads(path: str, network=None, cpu=None, n=rounds) -> dict[str, list]:
            out: dict[str, list] = {"dash": [], "stock": [], "bundle": []}
            for _ in range(n):  # alternately, so all three see the same machine state
                out["dash"].append(visit(f"http://127.0.0.1:{dash_port}{path}", network, cpu))
                for key, url in floors.items():
                    out[key].append(visit(url, network, cpu))
            return out

        cmd = (f"make bench: Playwright + Debian Chromium, a new context per load, {rounds} loads each, dashboard "
               "and both floors alternately (scripts/bench_floor.py /chart and /chart?bundle=partial)")
        for path in CHART_PAGES:
            print(f"  {path}", flush=True)
            r = side_by_side_loads(path)
            d = statistics.median(x[0] for x in r["dash"])
            st = statistics.median(x[0] for x in r["stock"])
            bu = statistics.median(x[0] for x in r["bundle"])
            add(f"first chart, cold: {path}", d * 1000, "ms", command=cmd)
            add(f"first chart {path} / stock-plotly.js floor ({st * 1000:.0f} ms)", d / st, "x", "<= 1.0",
                d / st <= 1.0, cmd)
            add(f"first chart {path} / same-bundle floor ({bu * 1000:.0f} ms)", d / bu, "x", "<= 2.0", d / bu <= 2.0,
                cmd)
            cold = statistics.median(x[1] for x in r["dash"])
            warm = statistics.median(x[2] for x in r["dash"])
            add(f"bytes sent, cold load of {path}", cold / 1e6, "MB", "<= 1.0", cold / 1e6 <= 1.0, cmd)
            add(f"bytes sent, warm reload of {path}", warm / 1e3, "KB", command=cmd)
        for label, network, cpu in (("Fast 4G (9 Mbit/s, 170 ms)", FAST_4G, None),
                                    ("4x CPU slowdown (a mid-range phone)", None, 4)):
            print(f"  /snapshot, {label}", flush=True)
            r = side_by_side_loads("/snapshot", network, cpu, n=max(1, rounds - 1))
            d = statistics.median(x[0] for x in r["dash"])
            st = statistics.median(x[0] for x in r["stock"])
            bu = statistics.median(x[0] for x in r["bundle"])
            how = cmd + (", CDP Network.emulateNetworkConditions" if network else ", CDP Emulation.setCPUThrottlingRate")
            add(f"first chart, cold, {label}: /snapshot", d * 1000, "ms", command=how)
            add(f"  ... / stock floor ({st * 1000:.0f} ms), {label}", d / st, "x", "<= 1.0", d / st <= 1.0, how)
            add(f"  ... / same-bundle floor ({bu * 1000:.0f} ms), {label}", d / bu, "x", "<= 2.0", d / bu <= 2.0,
                how)

        print("  control change to redrawn chart", flush=True)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{dash_port}/snapshot")
        page.locator(".main-svg").first.wait_for(timeout=120000)
        select = page.locator("[id='{\"param\":\"year\",\"type\":\"url-param\"}']")
        waits = []
        for k in range(20):
            year = "2022" if k % 2 == 0 else "2023"
            page.evaluate("() => { window.__bench = document.querySelector('.js-plotly-plot'); }")
            t0 = time.perf_counter()
            select.select_option(year)
            # the page is drawn again from the new URL: a new heading and a chart drawn for it
            page.wait_for_function("(y) => { const h = document.querySelector('#main-content h1');"
                                   " const g = document.querySelector('.js-plotly-plot .main-svg');"
                                   " return h && h.textContent.includes(y) && g; }", arg=year, timeout=60000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            waits.append(time.perf_counter() - t0)
        ctx.close()
        browser.close()
    add("control change to redrawn chart, p95 (/snapshot year select, 20 changes)", pct(waits, .95), "ms",
        "<= 300", pct(waits, .95) <= 300, "make bench: Playwright select_option, until the new heading and "
        "its chart are drawn (two animation frames), loopback")


def main() -> int:
    out_dir = ROOT / "bench"
    out_dir.mkdir(exist_ok=True)
    print(f"make bench on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})", flush=True)
    if os.environ.get("BENCH_ONLY") == "peers":  # the peer finder alone, into bench/results-peers.json
        with Server("dashboard.wsgi:server", {"DASHBOARD_DATA_DIR": str(NATIONAL)}) as nat:
            peer_figures(nat.port)
        return report(out_dir / "results-peers.json")
    if os.environ.get("BENCH_ONLY") == "browser":  # the browser figures alone, into bench/results-browser.json
        floor_dir = Path(tempfile.mkdtemp())
        with Server("dashboard.wsgi:server", {}) as muni, \
                Server("scripts.bench_floor:server", {"BENCH_FLOOR_DIR": str(floor_dir)}) as floor:
            print("browser", flush=True)
            browser_figures(muni.port, floor.port)
        shutil.rmtree(floor_dir, ignore_errors=True)
        return report(out_dir / "results-browser.json")
    if not (NATIONAL / "observations.csv").exists():
        print(f"generating the national-scale data set in {NATIONAL} ...", flush=True)
        subprocess.run([PY, "scripts/generate_national.py", "--out", str(NATIONAL)], cwd=ROOT, check=True)
    local = ROOT / "data"

    print("data load", flush=True)
    cmd = "python -c 'Repository(DATA_DIR, ...).snapshot()' in a fresh process"
    add("data load, municipality scale, empty cache", data_load(local, True), "s", command=cmd)
    data_load(local, False)
    add("data load, municipality scale, parquet cache", data_load(local, False), "s", command=cmd)
    add("data load, national scale (999 600 rows), empty cache", data_load(NATIONAL, True), "s", command=cmd,
        note="validates every row of a 178 MB CSV; happens once per data version")
    data_load(NATIONAL, False)
    add("data load, national scale, parquet cache", data_load(NATIONAL, False), "s", command=cmd)

    print("cold start", flush=True)
    port = free_port()
    env = {**os.environ, "DASHBOARD_CACHE_DIR": str(CACHE)}
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "dashboard", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ok(f"http://127.0.0.1:{port}/")
        cold = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait()
    add("cold start (process start to first 200 on /)", cold, "s", "<= 3", cold <= 3,
        "python -m dashboard serve; poll GET / until 200")

    floor_dir = Path(tempfile.mkdtemp())
    index = {}
    with Server("dashboard.wsgi:server", {}) as muni, \
            Server("dashboard.wsgi:server", {"DASHBOARD_DATA_DIR": str(NATIONAL)}) as nat:
        cases = {
            "home page (/)": ("/", "?municipality=3203", "/", "?municipality=9001"),
            "snapshot page (/snapshot)": ("/snapshot", "?municipality=3203", "/snapshot", "?municipality=9001"),
            "data filter (/data, municipality + dimension)": ("/data", "?municipality=1149&dimension=EC", "/data",
                                                               "?municipality=9001&dimension=EC"),
            "compare page": ("/compare", "?municipality=3203,1149", "/compare", "?municipality=9001,9002"),
            "indicator page": ("/indicators/ec-ict-ict-2c", "", "/indicators/ec-ict-ict-2c", "?municipality=9001"),
        }
        print("callbacks: capture bodies", flush=True)
        conn_m = http.client.HTTPConnection("127.0.0.1", muni.port, timeout=300)
        conn_n = http.client.HTTPConnection("127.0.0.1", nat.port, timeout=300)
        request(conn_m, "GET", "/")
        request(conn_n, "GET", "/")
        for i, (name, (p1, s1, p2, s2)) in enumerate(cases.items()):
            for scale, conn, path, search in (("m", conn_m, p1, s1), ("n", conn_n, p2, s2)):
                status, body, _ = request(conn, "POST", "/_dash-update-component", pages_body(path, search))
                assert status == 200, (name, scale, status)
                (floor_dir / f"{i}{scale}.json").write_bytes(body)
                index[f"{i}{scale}"] = f"{i}{scale}.json"
                if scale == "m":
                    _, zipped, _ = request(conn, "POST", "/_dash-update-component", pages_body(path, search), gz=True)
                    add(f"response bytes: {name}", len(body) / 1e3, "KB raw",
                        command="POST /_dash-update-component")
                    add(f"response bytes gzip: {name}", len(zipped) / 1e3, "KB gzip",
                        command="POST /_dash-update-component with Accept-Encoding: gzip")
                    if name.startswith("snapshot"):
                        typed = body.count(b'"bdata"')
                        add("figures carry typed arrays (bdata) in the snapshot response", typed, "arrays",
                            ">= 1", typed >= 1, "count of \"bdata\" in the response")
        status, body, _ = request(conn_m, "GET", "/api/v1/observations.json?municipality=3203&year=2023&limit=100")
        (floor_dir / "api.json").write_bytes(body)
        index["api"] = "api.json"
        (floor_dir / "responses.json").write_text(json.dumps(index))
        conn_m.close()
        conn_n.close()

        with Server("scripts.bench_floor:server", {"BENCH_FLOOR_DIR": str(floor_dir)}) as floor:
            print("callbacks: latency", flush=True)
            for i, name in enumerate(cases):
                p1, s1, p2, s2 = cases[name]
                m, f = side_by_side((muni.port, [("/_dash-update-component", pages_body(p1, s1))]),
                                    (floor.port, [(f"/_dash-update-component?k={i}m", b"{}")]), REPEAT)
                cmd = (f"{REPEAT} x POST /_dash-update-component (page {p1}{s1}) and {REPEAT} x the floor, "
                       "alternating in blocks of 20, keep-alive, loopback")
                add(f"callback p50, municipality scale: {name}", pct(m, .5), "ms", command=cmd)
                add(f"callback p95, municipality scale: {name}", pct(m, .95), "ms", "<= 50", pct(m, .95) <= 50, cmd)
                add(f"floor p50 (same bytes, bare Flask): {name}", pct(f, .5), "ms", command=cmd)
                add(f"Dash / floor p50: {name}", pct(m, .5) / pct(f, .5), "x", "<= 1.1",
                    pct(m, .5) / pct(f, .5) <= 1.1, cmd)
                n = latencies(nat.port, "POST", [("/_dash-update-component", pages_body(p2, s2))], REPEAT)
                add(f"callback p95, national scale (repeat view): {name}", pct(n, .95), "ms", "<= 150",
                    pct(n, .95) <= 150, f"{REPEAT} x POST /_dash-update-component (page {p2}{s2}), national data set")
            varied = [("/_dash-update-component",  # every request a filter not seen before
                       pages_body("/data", f"?municipality={9001 + k % 357}&dimension={('EC', 'EN', 'SC')[k // 357 % 3]}"))
                      for k in range(REPEAT)]
            v = latencies(nat.port, "POST", varied, REPEAT)
            add("callback p95, national scale, a new filter each click (/data)", pct(v, .95), "ms", "<= 150",
                pct(v, .95) <= 150, f"{REPEAT} x /data?municipality=9001..&dimension=EC|EN|SC, nothing memoised")
            print("throughput at 10 users", flush=True)
            for label, port, path, body, fpath in (
                ("data filter callback", muni.port, "/_dash-update-component",
                 pages_body("/data", "?municipality=1149&dimension=EC"), "/_dash-update-component?k=1m"),
                ("API observations.json", muni.port, "/api/v1/observations.json?municipality=3203&year=2023&limit=100",
                 None, "/api?k=api"),
            ):
                method = "POST" if body else "GET"
                rps, p95, errs = throughput(port, method, path, body)
                frps, fp95, ferrs = throughput(floor.port, method if body else "GET", fpath, b"{}" if body else None)
                cmd = f"10 threads x {SECONDS:.0f} s, keep-alive; floor serves the same bytes"
                add(f"throughput, {label}", rps, "req/s", command=cmd)
                add(f"throughput, floor for {label}", frps, "req/s", command=cmd)
                add(f"throughput ratio {label} / floor", rps / frps, "x", ">= 0.5", rps / frps >= 0.5, cmd)
                add(f"p95 at 10 users, {label}", p95, "ms", command=cmd)
                add(f"errors at 10 users, {label}", errs, "errors", "0", errs == 0, cmd)

            print("peer finder", flush=True)
            peer_figures(nat.port)
            print("browser", flush=True)
            browser_figures(muni.port, floor.port)

    print("memory at national scale", flush=True)
    with Server("dashboard.wsgi:server", {"DASHBOARD_DATA_DIR": str(NATIONAL)}, workers=2) as nat2:
        mix = [("GET", "/api/v1/observations.json?municipality=9005&limit=50", None),
               ("POST", "/_dash-update-component", pages_body("/data", "?municipality=9007&dimension=EN")),
               ("POST", "/_dash-update-component", pages_body("/", "?municipality=9011")),
               ("POST", "/_dash-update-component", pages_body("/compare", "?municipality=9001,9002")),
               ("GET", "/api/v1/scores.json?municipality=9003&level=category", None)]
        for method, path, body in mix * 4:  # warm every worker
            conn = http.client.HTTPConnection("127.0.0.1", nat2.port, timeout=120)
            request(conn, method, path, body)
            conn.close()
        before = {p: rss_mib(p) for p in nat2.workers()}
        done, lock = [0], threading.Lock()

        def user(k):
            conn = http.client.HTTPConnection("127.0.0.1", nat2.port, timeout=120)
            while True:
                with lock:
                    if done[0] >= REQUESTS:
                        return
                    done[0] += 1
                    i = done[0]
                method, path, body = mix[i % len(mix)]
                request(conn, method, path, body)
        threads = [threading.Thread(target=user, args=(k,)) for k in range(10)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        after = {p: rss_mib(p) for p in nat2.workers()}
        worst = max(before.values())
        growth = max((after[p] - before[p]) / before[p] for p in before if p in after)
        cmd = f"gunicorn, 2 workers, DASHBOARD_DATA_DIR=national; {REQUESTS} mixed requests from 10 threads"
        add("RSS per worker at national scale (largest)", worst, "MiB", "<= 300", worst <= 300, cmd)
        add(f"RSS growth after {REQUESTS} requests (largest)", growth * 100, "%", "<= 10", growth <= 0.10, cmd)

    shutil.rmtree(floor_dir, ignore_errors=True)
    return report(out_dir / "results.json")


def report(path: Path) -> int:
    result = {"when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": {"cores": os.cpu_count(),
              "python": platform.python_version()}, "figures": FIGURES}
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print()
    print(f"{'figure':<72} {'value':>10} {'unit':<8} {'target':<8} met")
    for f in FIGURES:
        v = f["value"]
        shown = f"{v:.3g}" if isinstance(v, float) else str(v)
        met = "" if f["met"] is None else ("yes" if f["met"] else "NO")
        print(f"{f['figure'][:72]:<72} {shown:>10} {f['unit']:<8} {str(f['target'] or ''):<8} {met}")
    print()
    print("commands:")
    for c in dict.fromkeys(f["command"] for f in FIGURES if f["command"]):
        print(f"  {c}")
    print(f"written: {path.relative_to(ROOT)} ({len(FIGURES)} figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
