"""A new server process draws its chart pages once, in the background, before its first visitor asks.

The first page a Python process draws costs two to three times a later one:
plotly imports its property validators on first use, pandas and Dash set up
their code paths, Dash builds its index page and callback map (measured on
/snapshot: 400 ms for the first page callback, 160 ms for the next). A worker
started by gunicorn (its ``post_worker_init`` hook in gunicorn.conf.py, so
never in a master that forks) or by ``make run`` spends that on itself instead, in a
daemon thread: it asks itself, through the WSGI app and without the network,
for the index page and the default view of each chart page (the default
municipality's latest year). Nothing is computed that the first visitor would
not also get; other years and municipalities are drawn when asked. Then the
objects that live as long as the worker are frozen out of the garbage
collector's full passes (``gc.freeze``). ``/healthz`` reports ``warm_up``
(pages drawn, failed, seconds, objects frozen, done).
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from werkzeug.test import Client
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

PAGES = ("/snapshot", "/challenges/transport", "/indicators/ec-i-t-1c", "/compare", "/finance")


class WarmUp:
    def __init__(self) -> None:
        self.drawn = 0
        self.failed = 0
        self.seconds = 0.0
        self.frozen = 0
        self.fingerprint: str | None = None
        self.lock = threading.Lock()
        self.done = False

    def stats(self) -> dict:
        return {"pages": self.drawn, "failed": self.failed, "seconds": round(self.seconds, 2),
                "gc_frozen_objects": self.frozen, "done": self.done}

    def run(self, server, pages=PAGES) -> None:
        t0 = time.perf_counter()
        # past the whole-answer memo in front of Flask (dashboard/wsgi_memo.py): no visitor would ever match
        # answers kept for the warm-up's own host, so they would only take its room
        client = Client(getattr(server.wsgi_app, "app", server.wsgi_app), Response)
        for path in pages:
            try:
                ok = client.get(path).status_code == 200
                ok &= client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"}).status_code == 200
            except Exception:  # never take the worker down: it only means the first visitor waits longer
                log.exception("warm-up of %s failed", path)
                ok = False
            self.drawn += ok
            self.failed += not ok
        # Everything alive now (modules, the data set, the catalogue, Dash's registry) lives as long as the
        # worker: keep it out of the cyclic garbage collector's full passes. With it inside, every full pass
        # walked ~145 000 objects, 70-90 ms each, about one page callback in five at national scale (the
        # /data p95 138 -> 76 ms). Collect first, so no garbage is kept for ever.
        self.freeze(server)
        self.seconds = time.perf_counter() - t0
        self.done = True
        log.info("warm-up: %d pages drawn in %.2f s, %d objects kept out of full collections", self.drawn,
                 self.seconds, self.frozen)

    def freeze(self, server) -> None:
        repo = server.config.get("DASHBOARD_REPO")
        try:
            self.fingerprint = repo.snapshot().fingerprint if repo is not None else None
        except Exception:  # data unavailable: nothing to keep
            self.fingerprint = None
        gc.collect()
        gc.freeze()
        self.frozen = gc.get_freeze_count()

    def after_reload(self, server, fingerprint: str) -> None:
        """Called on a request when the data set is a new one: the old one may only be freed by a full pass,
        so let the collector see everything again, collect, and freeze what lives now (once per reload)."""
        with self.lock:
            if not self.frozen or fingerprint == self.fingerprint:
                return
            gc.unfreeze()
            self.freeze(server)
            log.info("data reloaded: %d objects kept out of full collections", self.frozen)

    def start(self, server, pages=PAGES) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(server, pages), name="warm-up", daemon=True)
        thread.start()
        return thread
