"""``make soak``: mixed traffic against the production stack (``make serve``) at national scale.

Starts ``python -m dashboard.stack`` (nginx in front of gunicorn) on a free
port, on the synthetic national data set (``scripts/generate_national.py``,
357 municipalities, about a million rows; ``SOAK_SCALE=shipped`` uses the
shipped data, ``DASHBOARD_DATA_DIR`` any other). After a warm-up of the same
mix (cheap users and the expensive client, so each worker reaches its working
size: growth afterwards is a leak, not the first export) it samples every
gunicorn worker's RSS every 5 s and, for ``SOAK_SECONDS`` (default 600), runs at
once:

- ``SOAK_USERS`` (8) cheap users: pages, API pages and Dash callbacks, one
  after the other, with a short pause (0.1-0.5 s) as a person clicking;
- ``SOAK_SLOW`` (32) slow clients from another loopback address: each sends a
  request body one byte every 2 s, and every fourth reads a large answer
  1 KiB a second;
- one expensive client from a third address: a whole-data export (CSV,
  XLSX, parquet) or a 12-municipality compare over every dimension every
  2 s, as fast as the limits let it.

It then samples RSS again and prints a table. Exit status 1 when a cheap
request failed (status >= 500 or no answer), when the cheap requests' p95 is
1 s or more, or when a worker's memory grew by 10 % or more: the mean of its
last quarter of samples against the mean of its first quarter (a single
sample lands on whatever export is in flight at that moment, up to a few
hundred MB either way; a leak shows as a rising trend). An expensive
request refused by a limit (429, or 503 with Retry-After) is counted apart:
that is the limit working.
"""

from __future__ import annotations

import http.client
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

from bench_common import pages_body  # scripts/ is on the path: the same request body as the benchmark

ROOT = Path(__file__).resolve().parents[1]
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
USERS = int(os.environ.get("SOAK_USERS", "8"))
SLOW = int(os.environ.get("SOAK_SLOW", "32"))
SCALE = os.environ.get("SOAK_SCALE", "national")
NATIONAL = Path(os.environ.get("BENCH_NATIONAL_DIR", Path(tempfile.gettempdir()) / "asker-u4ssc-national"))
GROWTH_LIMIT = 0.10
P95_LIMIT = 1.0
SLOW_ADDRESS = "127.0.0.3"
EXPENSIVE_ADDRESS = "127.0.0.2"

GETS = [
    "/", "/?lang=en", "/?municipality=1149", "/challenges", "/challenges/digital?lang=en", "/indicators",
    "/indicators?q=broadband&lang=en", "/indicators/ec-ict-ict-2c", "/indicators/en-en-aq-1c?lang=en", "/compare",
    "/compare?municipality=3203,1149&year=2019-2023&dimension=EC,EN,SC", "/finance", "/data",
    "/data?municipality=1149&dimension=EC&sort=-value", "/about", "/healthz", "/api/v1/indicators.json",
    "/api/v1/observations.json?limit=500", "/api/v1/observations.json?municipality=3203&limit=200",
    "/api/v1/scores.json?level=category&municipality=3203", "/api/v1/finance.json",
    "/api/v1/observations.json?year=bad", "/nope",
]
EXPENSIVE = [
    "/api/v1/observations.csv", "/api/v1/observations.xlsx?year=2023", "/api/v1/observations.parquet",
    "/api/v1/observations.csv?lang=nb&dimension=EN", "/api/v1/scores.csv?level=category",
    "/compare?municipality=3203,1149,1103,4601,5001,1106,1806,0301,3201,3205,1804,1108&dimension=EC,EN,SC"
    "&year=2000-2024",
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


def gunicorn_master(stack: int) -> int:
    """The stack's gunicorn child (its other child is nginx)."""
    for pid in workers(stack):
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return 0


def data_dir() -> str | None:
    if os.environ.get("DASHBOARD_DATA_DIR"):
        return os.environ["DASHBOARD_DATA_DIR"]
    if SCALE != "national":
        return None
    if not (NATIONAL / "observations.csv").exists():
        print(f"soak: generating the national-scale data set in {NATIONAL} ...", flush=True)
        subprocess.run([sys.executable, "scripts/generate_national.py", "--out", str(NATIONAL)], cwd=ROOT, check=True)
    return str(NATIONAL)


def request(port: int, method: str, path: str, body: bytes | None = None, source: str = "127.0.0.1",
            timeout: float = 30) -> tuple[int, dict, int]:
    """One request from a chosen loopback address: (status, headers, bytes read); status 0 when no answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        n = len(r.read())
        return r.status, dict(r.getheaders()), n
    finally:
        conn.close()


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DASHBOARD_CACHE_DIR=os.environ.get("DASHBOARD_CACHE_DIR", tempfile.mkdtemp()),
               PORT=str(port), HOST="127.0.0.1",
               WORKERS=os.environ.get("WORKERS", "2"), THREADS=os.environ.get("THREADS", "4"),
               # no worker recycling during the soak, so memory growth is measured on the same processes
               MAX_REQUESTS=os.environ.get("MAX_REQUESTS", "0"))
    directory = data_dir()
    if directory:
        env["DASHBOARD_DATA_DIR"] = directory
    cmd = [sys.executable, "-m", "dashboard.stack"]
    log_path = ROOT / "test-artifacts" / "soak-server.log"
    log_path.parent.mkdir(exist_ok=True)
    log_file = open(log_path, "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            print("soak: the server did not start", file=sys.stderr)
            return 1
        if proc.poll() is not None:
            print("soak: the server did not start:\n" + log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
            return 1
        pages_deps = json.loads(urllib.request.urlopen(base + "/_dash-dependencies").read())
        pages_output = next(d["output"] for d in pages_deps if "_pages_content" in d["output"])
        lock = threading.Lock()
        stats = {"requests": 0, "errors": 0, "unexpected": 0, "latencies": [], "first_error": "",
                 "expensive": 0, "expensive_ok": 0, "expensive_refused": 0, "expensive_errors": 0,
                 "expensive_latencies": [], "slow_bytes": 0, "slow_connections": 0, "slow_reads": 0}
        stop = time.time()

        def callback_body(path: str, search: str) -> bytes:
            body = json.loads(pages_body(path, search))
            body["output"] = pages_output
            return json.dumps(body).encode()

        def one(rng: random.Random) -> None:
            kind = rng.random()
            expect_ok = kind >= 0.65  # callbacks we send are valid: anything but 200 is a failure
            body = None
            if kind < 0.65:
                method, path = "GET", rng.choice(GETS)
            else:
                if kind < 0.85:  # an analyst's filter click on /data
                    page, search = "/data", "?municipality={}&dimension={}&page={}".format(
                        rng.choice(["1149", "1103", "3203"]), rng.choice(["EC", "EN", "SC"]), rng.randint(1, 3))
                else:
                    page = rng.choice(["/", "/compare", "/data", "/indicators/ec-ict-ict-1c", "/challenges/transport"])
                    search = rng.choice(["", "?lang=en", "?municipality=1149", "?year=x"])
                method, path, body = "POST", "/_dash-update-component", callback_body(page, search)
            t0 = time.perf_counter()
            status, detail = 0, ""
            try:
                status, _, _ = request(port, method, path, body)
            except OSError as e:
                detail = str(e)
            took = time.perf_counter() - t0
            with lock:
                stats["requests"] += 1
                stats["latencies"].append(took)
                if status == 0 or status >= 500:
                    stats["errors"] += 1
                    stats["first_error"] = stats["first_error"] or f"{method} {path} -> {status} {detail}"
                elif expect_ok and status not in (200, 204):
                    stats["unexpected"] += 1
                    stats["first_error"] = stats["first_error"] or f"{path} -> {status} (a valid callback)"
            time.sleep(rng.uniform(0.1, 0.5))

        def user(seed: int) -> None:
            rng = random.Random(seed)
            while time.time() < stop:
                one(rng)

        def slow_sender(seed: int) -> None:
            """Sends a callback body one byte every 2 s; nginx keeps the connection, gunicorn never sees it."""
            rng = random.Random(seed)
            while time.time() < stop:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=30,
                                                  source_address=(SLOW_ADDRESS, 0)) as s:
                        s.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                        with lock:
                            stats["slow_connections"] += 1
                        while time.time() < stop:
                            s.sendall(b"{")
                            with lock:
                                stats["slow_bytes"] += 1
                            time.sleep(2 + rng.random() * 0.1)
                except OSError:
                    time.sleep(1)  # closed by the server's body timeout or a reset: open another

        def slow_reader(seed: int) -> None:
            """Asks for a large answer and reads it 1 KiB a second."""
            while time.time() < stop:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=30,
                                                  source_address=(SLOW_ADDRESS, 0)) as s:
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                        s.sendall(b"GET /api/v1/observations.json?limit=1000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        with lock:
                            stats["slow_reads"] += 1
                        while time.time() < stop and s.recv(1024):
                            time.sleep(1)
                except OSError:
                    time.sleep(1)

        def expensive(seed: int) -> None:
            rng = random.Random(seed)
            while time.time() < stop:
                target = rng.choice(EXPENSIVE)
                t0 = time.perf_counter()
                status, headers, detail = 0, {}, ""
                try:
                    if target.startswith("/compare"):
                        page, search = target.split("?", 1)
                        status, headers, _ = request(port, "POST", "/_dash-update-component",
                                                     callback_body(page, "?" + search), EXPENSIVE_ADDRESS, 300)
                    else:
                        status, headers, _ = request(port, "GET", target, None, EXPENSIVE_ADDRESS, 300)
                except OSError as e:
                    detail = str(e)
                with lock:
                    stats["expensive"] += 1
                    stats["expensive_latencies"].append(time.perf_counter() - t0)
                    stats.setdefault("expensive_log", []).append(
                        (round(time.time() - stop + SECONDS, 1), round(time.perf_counter() - t0, 1), target, status))
                    if status == 200:
                        stats["expensive_ok"] += 1
                    elif status == 429 or (status == 503 and "Retry-After" in headers):
                        stats["expensive_refused"] += 1
                    else:
                        stats["expensive_errors"] += 1
                        stats["first_error"] = stats["first_error"] or f"(expensive) {target} -> {status} {detail}"
                time.sleep(2)

        # warm-up: every worker loads the data and builds its caches
        stop = time.time() + min(240.0, max(10.0, SECONDS / 3))
        threads = [threading.Thread(target=user, args=(i,)) for i in range(USERS)]
        threads += [threading.Thread(target=expensive, args=(299,))]
        [t.start() for t in threads]
        [t.join() for t in threads]
        master = gunicorn_master(proc.pid)
        pids = workers(master) if master else []
        before = {p: rss_kib(p) for p in pids}
        warm_requests = stats["requests"]
        stats.update(requests=0, latencies=[], errors=0, unexpected=0, first_error="", expensive=0, expensive_ok=0,
                     expensive_refused=0, expensive_errors=0, expensive_latencies=[])
        t_start = time.time()
        stop = t_start + SECONDS
        threads = [threading.Thread(target=user, args=(100 + i,)) for i in range(USERS)]
        threads += [threading.Thread(target=slow_sender if i % 4 else slow_reader, args=(200 + i,), daemon=True)
                    for i in range(SLOW)]
        threads += [threading.Thread(target=expensive, args=(300,))]
        samples: dict[int, list[int]] = {p: [] for p in pids}
        sample_times: list[float] = []
        stats["expensive_log"] = []

        def sampler() -> None:  # every worker's RSS every 5 s: a leak is a trend, not one export in flight
            while time.time() < stop:
                sample_times.append(round(time.time() - t_start, 1))
                for p in pids:
                    samples[p].append(rss_kib(p))
                time.sleep(5)

        threads += [threading.Thread(target=sampler, daemon=True)]
        [t.start() for t in threads]
        [t.join(timeout=SECONDS + 400) for t in threads]
        elapsed = time.time() - t_start
        after = {p: rss_kib(p) for p in pids}
        lat = sorted(stats["latencies"])
        p50 = statistics.median(lat) if lat else 0
        p95 = lat[max(0, int(len(lat) * 0.95) - 1)] if lat else 0
        exp = sorted(stats["expensive_latencies"])
        def trend(p: int) -> tuple[float, float]:
            xs = [x for x in samples[p] if x] or [before[p], after[p]]
            q = max(1, len(xs) // 4)
            return statistics.mean(xs[:q]), statistics.mean(xs[-q:])

        trends = {p: trend(p) for p in pids}
        # every sample, with the time since the start, for looking at a spike afterwards
        (ROOT / "test-artifacts" / "soak-rss.json").write_text(json.dumps(
            {"seconds": sample_times, "rss_mib": {str(p): [x / 1024 for x in samples[p]] for p in pids},
             "expensive (end s, took s, target, status)": stats["expensive_log"]}))
        growth = max(((b - a) / a) for a, b in trends.values() if a) if pids else 0.0
        print(f"soak: {USERS} users, {SLOW} slow clients, 1 expensive client, {elapsed:.0f} s on "
              f"{'the national data set' if directory else 'the shipped data'}, after {warm_requests} warm-up "
              f"requests; command: SOAK_SECONDS={SECONDS:.0f} make soak")
        print(f"{'figure':<44}{'value':>16}  target")
        print(f"{'cheap requests':<44}{stats['requests']:>16}")
        print(f"{'cheap errors (5xx or no answer)':<44}{stats['errors']:>16}  0")
        print(f"{'valid callbacks not answered 200':<44}{stats['unexpected']:>16}  0")
        print(f"{'cheap latency p50 / p95 (ms)':<44}{p50 * 1000:>7.0f} / {p95 * 1000:<6.0f}  p95 < {P95_LIMIT * 1000:.0f}")
        print(f"{'slow senders: connections / bytes sent':<44}{stats['slow_connections']:>7} / {stats['slow_bytes']:<6}")
        print(f"{'slow readers: requests':<44}{stats['slow_reads']:>16}")
        print(f"{'expensive: sent / 200 / refused / errors':<44}"
              f"{stats['expensive']} / {stats['expensive_ok']} / {stats['expensive_refused']} / "
              f"{stats['expensive_errors']}  errors 0")
        if exp:
            print(f"{'expensive latency median / max (s)':<44}{statistics.median(exp):>7.1f} / {exp[-1]:<6.1f}")
        for p in pids:
            print(f"{'worker ' + str(p) + ' RSS (MiB)':<44}{before[p] / 1024:>7.0f} -> {after[p] / 1024:<6.0f}")
        for p in pids:
            a, b = trends[p]
            print(f"{'worker ' + str(p) + ' RSS mean 1st / last quarter':<44}{a / 1024:>7.0f} -> {b / 1024:<6.0f}"
                  f"  ({len(samples[p])} samples, max {max(samples[p] or [0]) / 1024:.0f})")
        print(f"{'largest RSS growth (quarter means)':<44}{growth * 100:>15.1f}%  < {GROWTH_LIMIT * 100:.0f} %")
        if stats["first_error"]:
            print(f"first error: {stats['first_error']}")
            text = log_path.read_text(errors="replace")
            if "Traceback" in text:
                print("server log (first traceback):")
                print(text[text.index("Traceback"):][:3000])
        vanished = [p for p in pids if not after[p]]
        if vanished:
            print(f"worker(s) {vanished} no longer exist: restarted or crashed during the soak")
        ok = (stats["errors"] == 0 and stats["unexpected"] == 0 and stats["expensive_errors"] == 0
              and p95 < P95_LIMIT and growth < GROWTH_LIMIT and proc.poll() is None and not vanished and pids)
        print("soak: PASS" if ok else "soak: FAIL")
        return 0 if ok else 1
    finally:
        log_file.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
