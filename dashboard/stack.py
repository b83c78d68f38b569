"""``make serve``: the production stack, nginx in front of gunicorn.

gunicorn's threads each serve one connection from first byte to last, so a few
clients that send (or read) one byte every few seconds hold every thread and
the site stops answering. nginx holds such connections in its event loop for
almost nothing: it reads a request whole (headers within 10 s, the body with at
most 10 s between two reads) before handing it to gunicorn on loopback, and it
takes gunicorn's answer whole (into memory or a temp file) before trickling it
to a slow reader. It also limits what one client (one address) may ask of the
expensive routes: exports and whole-data API answers, at most
``EXPENSIVE_PER_MINUTE`` a minute (bursts of ``EXPENSIVE_BURST``) and
``EXPENSIVE_CONCURRENT`` at a time, answered 429 with ``Retry-After`` beyond.

``python -m dashboard.stack`` starts both, forwards SIGTERM/SIGINT, and stops the
other when one dies. Settings (environment): ``HOST``/``PORT`` where nginx
listens (127.0.0.1:8050), ``UPSTREAM_PORT`` for gunicorn (a free loopback
port), ``NGINX`` (the nginx binary), and gunicorn's own (``WORKERS``,
``THREADS``, ...; see gunicorn.conf.py). gunicorn trusts forwarded headers
from nginx only (``TRUSTED_PROXIES=127.0.0.1``), and nginx overwrites the
client's own ``X-Forwarded-*`` headers.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from dashboard.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

# Paths whose answer costs a pass over the whole data set (see README, Robustness).
EXPENSIVE_LOCATION = r"^/api/v1/(observations|scores|finance)\.(csv|xlsx|parquet)$"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() else default


def nginx_binary() -> str:
    """The nginx to run: ``NGINX`` if set, else the one on PATH or Debian's /usr/sbin/nginx."""
    found = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).is_file():
        raise SystemExit(f"nginx not found ({found}); `make nginx` installs Debian's package, or set NGINX")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def nginx_conf(*, listen: str, upstream_port: int, run_dir: Path, max_body_bytes: int,
               per_minute: int, burst: int, concurrent: int, as_root: bool) -> str:
    """The whole nginx configuration, written fresh for each start (no system files are read or changed)."""
    run = str(run_dir)
    user = "user nobody nogroup;\n" if as_root else ""
    return f"""# written by dashboard/stack.py at start; edits are lost on restart
{user}worker_processes auto;
pid {run}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    server_tokens off;
    default_type application/octet-stream;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;

    # slow clients: whole headers within 10 s, at most 10 s between two reads of a body or two writes
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 30s;
    keepalive_timeout 15s;
    reset_timedout_connection on;
    client_max_body_size {max_body_bytes};
    client_body_buffer_size {max_body_bytes};
    large_client_header_buffers 4 16k;

    # requests reach gunicorn whole, answers leave it whole (memory, then a temp file)
    proxy_request_buffering on;
    proxy_buffering on;
    proxy_buffers 32 64k;
    proxy_max_temp_file_size 4096m;
    proxy_read_timeout 180s;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Forwarded-Host "";

    # per client (address): expensive answers at most {per_minute}/min (burst {burst}), {concurrent} at a time
    limit_req_zone $binary_remote_addr zone=expensive_rate:10m rate={per_minute}r/m;
    limit_conn_zone $binary_remote_addr zone=expensive_conn:10m;
    limit_req_status 429;
    limit_conn_status 429;

    upstream dashboard {{
        server 127.0.0.1:{upstream_port};
        keepalive 16;
        # closed by nginx before gunicorn's own keep-alive (5 s) closes it: otherwise a request sent on a
        # connection gunicorn is closing meets a reset and the user a 502
        keepalive_timeout 3s;
    }}

    server {{
        listen {listen};
        error_page 429 = @too_many;
        location @too_many {{
            default_type application/json;
            add_header Retry-After 10 always;
            return 429 '{{"error": "too many expensive requests from this address; try again in a few seconds"}}';
        }}
        location ~ {EXPENSIVE_LOCATION} {{
            limit_req zone=expensive_rate burst={burst} nodelay;
            limit_conn expensive_conn {concurrent};
            proxy_pass http://dashboard;
        }}
        location / {{
            proxy_pass http://dashboard;
        }}
    }}
}}
"""


def _wait_healthy(url: str, seconds: float, procs: list[subprocess.Popen]) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = _int_env("PORT", 8050)
    upstream_port = _int_env("UPSTREAM_PORT", 0) or free_port()
    settings = Settings.from_env()
    nginx = nginx_binary()
    run_dir = Path(tempfile.mkdtemp(prefix="asker-u4ssc-nginx-"))
    run_dir.chmod(0o755)  # nginx's workers (nobody when started as root) create their temp files below
    as_root = os.geteuid() == 0
    conf = run_dir / "nginx.conf"
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    conf.write_text(nginx_conf(
        listen=listen, upstream_port=upstream_port, run_dir=run_dir,
        max_body_bytes=settings.max_request_bytes + 64 * 1024,
        per_minute=_int_env("EXPENSIVE_PER_MINUTE", 30), burst=_int_env("EXPENSIVE_BURST", 10),
        concurrent=_int_env("EXPENSIVE_CONCURRENT", 2), as_root=as_root))
    env = dict(os.environ, TRUSTED_PROXIES="127.0.0.1")
    # glibc gives each thread its own heap arena and keeps freed pages: two arenas keep a threaded worker's
    # memory near its working size after a large export (a deployment may set its own value)
    env.setdefault("MALLOC_ARENA_MAX", "2")
    # a fixed mmap threshold: every block of 128 KiB or more (a column, an export chunk) gets its own mapping,
    # returned to the system when freed. glibc would otherwise raise the threshold after the first large free
    # and put later columns on the heap, where they fragment it and the worker's memory creeps up per export.
    env.setdefault("MALLOC_MMAP_THRESHOLD_", str(128 * 1024))
    env.setdefault("MALLOC_TRIM_THRESHOLD_", str(4 * 1024 * 1024))
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{upstream_port}", "dashboard.wsgi:server"], cwd=ROOT, env=env)
    procs = [gunicorn]
    stopping = False

    def stop(signum=None, _frame=None) -> None:
        nonlocal stopping
        stopping = True
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM if p is gunicorn else signal.SIGQUIT)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if not _wait_healthy(f"http://127.0.0.1:{upstream_port}/healthz", 300, procs):
            print("stack: gunicorn did not become healthy", file=sys.stderr)
            return 1
        test = subprocess.run([nginx, "-t", "-q", "-e", "stderr", "-p", str(run_dir), "-c", str(conf)],
                              capture_output=True, text=True)
        if test.returncode != 0:
            print(f"stack: nginx refused its configuration:\n{test.stderr}", file=sys.stderr)
            return 1
        procs.append(subprocess.Popen([nginx, "-e", "stderr", "-p", str(run_dir), "-c", str(conf),
                                       "-g", "daemon off;"]))
        print(f"stack: nginx on http://{listen}/ in front of gunicorn on 127.0.0.1:{upstream_port}", flush=True)
        while not stopping:
            if any(p.poll() is not None for p in procs):
                print("stack: a process ended; stopping the other", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        stop()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
