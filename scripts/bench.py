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
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_browser import CHART_PAGES, browser_figures  # noqa: F401
from bench_common import (
    CACHE,
    FIGURES,
    NATIONAL,
    PY,
    REPEAT,
    REQUESTS,
    ROOT,
    SECONDS,
    Server,
    add,
    data_load,
    free_port,
    latencies,
    pages_body,
    pct,
    peer_figures,
    request,
    rss_mib,
    side_by_side,
    throughput,
    wait_ok,
)


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
                Server("scripts.bench_floor:server", {"BENCH_FLOOR_DIR": str(floor_dir)}) as floor, \
                Server("dashboard.wsgi:server", {"DASHBOARD_FIRST_SCREEN": "0"}) as plain:
            print("browser", flush=True)
            browser_figures(muni.port, floor.port, plain.port)
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
            with Server("dashboard.wsgi:server", {"DASHBOARD_FIRST_SCREEN": "0"}) as plain:
                browser_figures(muni.port, floor.port, plain.port)

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
