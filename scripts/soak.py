"""``make soak``: mixed traffic against a production server (gunicorn) for a while; errors and memory growth.

Starts gunicorn on a free port with the shipped data (or ``DASHBOARD_DATA_DIR``),
warms it up, samples every worker's RSS, sends pages, API calls, exports and
Dash callbacks from several threads for ``SOAK_SECONDS`` (default 600), samples
RSS again and prints a table. Exit status 1 when any request failed (status
>= 500 or no answer) or when worker memory grew by more than 10 %.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import pages_body  # scripts/ is on the path: the same request body as the benchmark

ROOT = Path(__file__).resolve().parents[1]
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
USERS = int(os.environ.get("SOAK_USERS", "8"))
GROWTH_LIMIT = 0.10

GETS = [
    "/", "/?lang=en", "/?municipality=1149", "/challenges", "/challenges/digital?lang=en", "/indicators",
    "/indicators?q=broadband&lang=en", "/indicators/ec-ict-ict-2c", "/indicators/en-en-aq-1c?lang=en", "/compare",
    "/compare?municipality=3203,1149&year=2019-2023&dimension=EC,EN,SC", "/finance", "/data",
    "/data?municipality=1149&dimension=EC&sort=-value", "/about", "/healthz", "/api/v1/indicators.json",
    "/api/v1/observations.json?limit=500", "/api/v1/observations.csv?lang=nb&municipality=3203",
    "/api/v1/observations.xlsx?year=2023", "/api/v1/observations.parquet", "/api/v1/scores.json?level=category",
    "/api/v1/observations.json?year=bad", "/nope",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def workers(master: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().split(") ", 1)[1].split()[1]) == master:
                    out.append(int(p.name))
            except (OSError, IndexError, ValueError):
                continue
    return sorted(out)


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DASHBOARD_CACHE_DIR=os.environ.get("DASHBOARD_CACHE_DIR", tempfile.mkdtemp()),
               # no worker recycling during the soak, so memory growth is measured on the same processes
               MAX_REQUESTS=os.environ.get("MAX_REQUESTS", "0"))
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
           "--workers", os.environ.get("WORKERS", "2"), "--threads", os.environ.get("THREADS", "4"),
           "dashboard.wsgi:server"]
    log_path = ROOT / "test-artifacts" / "soak-server.log"
    log_path.parent.mkdir(exist_ok=True)
    log_file = open(log_path, "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        else:
            print("soak: the server did not start", file=sys.stderr)
            return 1
        pages_deps = json.loads(urllib.request.urlopen(base + "/_dash-dependencies").read())
        pages_output = next(d["output"] for d in pages_deps if "_pages_content" in d["output"])
        lock = threading.Lock()
        stats = {"requests": 0, "errors": 0, "unexpected": 0, "latencies": [], "first_error": ""}
        stop = time.time()

        def one(rng: random.Random) -> None:
            kind = rng.random()
            expect_ok = kind >= 0.65  # callbacks we send are valid: anything but 200 is a failure
            if kind < 0.65:
                req = urllib.request.Request(base + rng.choice(GETS))
            else:
                if kind < 0.85:  # an analyst's filter click on /data
                    path, search = "/data", "?municipality={}&dimension={}&page={}".format(
                        rng.choice(["1149", "1103", "3203"]), rng.choice(["EC", "EN", "SC"]), rng.randint(1, 3))
                else:
                    path = rng.choice(["/", "/compare", "/data", "/indicators/ec-ict-ict-1c", "/challenges/transport"])
                    search = rng.choice(["", "?lang=en", "?municipality=1149", "?year=x"])
                body = json.loads(pages_body(path, search))
                body["output"] = pages_output
                req = urllib.request.Request(base + "/_dash-update-component", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
            t0 = time.perf_counter()
            status, detail = 0, ""
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    r.read()
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
                e.read()
            except OSError as e:
                detail = str(e)
            took = time.perf_counter() - t0
            with lock:
                stats["requests"] += 1
                stats["latencies"].append(took)
                if status == 0 or status >= 500:
                    stats["errors"] += 1
                    stats["first_error"] = stats["first_error"] or f"{req.full_url} -> {status} {detail}"
                elif expect_ok and status not in (200, 204):
                    stats["unexpected"] += 1
                    stats["first_error"] = stats["first_error"] or f"{req.full_url} -> {status} (a valid callback)"

        def user(seed: int) -> None:
            rng = random.Random(seed)
            while time.time() < stop:
                one(rng)

        # warm-up: every worker loads the data and builds its caches
        stop = time.time() + min(30.0, SECONDS / 5)
        threads = [threading.Thread(target=user, args=(i,)) for i in range(USERS)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        pids = workers(proc.pid)
        before = {p: rss_kib(p) for p in pids}
        warm_requests = stats["requests"]
        stats.update(requests=0, latencies=[])
        t_start = time.time()
        stop = t_start + SECONDS
        threads = [threading.Thread(target=user, args=(100 + i,)) for i in range(USERS)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        elapsed = time.time() - t_start
        after = {p: rss_kib(p) for p in pids}
        lat = sorted(stats["latencies"])
        p50 = statistics.median(lat) * 1000 if lat else 0
        p95 = lat[int(len(lat) * 0.95) - 1] * 1000 if lat else 0
        growth = max(((after[p] - before[p]) / before[p]) for p in pids if before[p]) if pids else 0.0
        print(f"soak: {USERS} users, {elapsed:.0f} s after {warm_requests} warm-up requests; command: "
              f"SOAK_SECONDS={SECONDS:.0f} make soak")
        print(f"{'figure':<34}{'value':>16}  target")
        print(f"{'requests':<34}{stats['requests']:>16}")
        print(f"{'errors (5xx or no answer)':<34}{stats['errors']:>16}  0")
        print(f"{'valid callbacks not answered 200':<34}{stats['unexpected']:>16}  0")
        print(f"{'latency p50 / p95 (ms)':<34}{p50:>7.0f} / {p95:<6.0f}")
        for p in pids:
            print(f"{'worker ' + str(p) + ' RSS (MiB)':<34}{before[p] / 1024:>7.0f} -> {after[p] / 1024:<6.0f}")
        print(f"{'largest RSS growth':<34}{growth * 100:>15.1f}%  < {GROWTH_LIMIT * 100:.0f} %")
        if stats["first_error"]:
            print(f"first error: {stats['first_error']}")
            text = log_path.read_text(errors="replace")
            if "Traceback" in text:
                print("server log (first traceback):")
                print(text[text.index("Traceback"):][:3000])
        vanished = [p for p in pids if not after[p]]
        if vanished:
            print(f"worker(s) {vanished} no longer exist: restarted or crashed during the soak")
        ok = (stats["errors"] == 0 and stats["unexpected"] == 0 and growth < GROWTH_LIMIT and proc.poll() is None
              and not vanished)
        print("soak: PASS" if ok else "soak: FAIL")
        return 0 if ok else 1
    finally:
        log_file.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
