"""gunicorn settings for ``make serve`` (production): sized to the machine, overridable by environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
# One worker per core (each holds the data set in memory), threads for I/O-bound waits.
workers = int(os.environ.get("WORKERS", max(1, multiprocessing.cpu_count())))
threads = int(os.environ.get("THREADS", 4))
worker_class = "gthread"
# National-scale exports (a million rows as CSV) take longer than gunicorn's default 30 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so no slow leak can grow without bound.
max_requests = int(os.environ.get("MAX_REQUESTS", 20000))
max_requests_jitter = 2000
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
# Forwarded headers (X-Forwarded-Proto, -For) are trusted only from the proxies named here (comma-separated
# addresses); by default from none, so no client can change the scheme printed in permalinks.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "")


def post_worker_init(worker):
    """Each worker draws its chart pages once in the background before its first visitor (dashboard/warm.py);
    here, not at import, so a preloading master never runs the thread before it forks."""
    warm = getattr(worker.wsgi, "config", {}).get("DASHBOARD_WARM_UP")
    if warm is not None:
        warm.start(worker.wsgi)
