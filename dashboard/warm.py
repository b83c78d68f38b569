"""A new server process draws its chart pages once, in the background, before its first visitor asks.

The first page a Python process draws costs two to three times a later one:
plotly imports its property validators on first use, pandas and Dash set up
their code paths, Dash builds its index page and callback map (measured on
/snapshot: 400 ms for the first page callback, 160 ms for the next). A worker
started by gunicorn (or ``make run``) spends that on itself instead, in a
daemon thread: it asks itself, through the WSGI app and without the network,
for the index page and the default view of each chart page (the default
municipality's latest year). Nothing is computed that the first visitor would
not also get; other years and municipalities are drawn when asked. ``/healthz``
reports ``warm_up`` (pages drawn, seconds, done).
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)

PAGES = ("/snapshot", "/challenges/transport", "/indicators/ec-i-t-1c", "/compare", "/finance")


class WarmUp:
    def __init__(self) -> None:
        self.drawn = 0
        self.failed = 0
        self.seconds = 0.0
        self.done = False

    def stats(self) -> dict:
        return {"pages": self.drawn, "failed": self.failed, "seconds": round(self.seconds, 2), "done": self.done}

    def run(self, server, pages=PAGES) -> None:
        t0 = time.perf_counter()
        client = server.test_client()
        try:
            for path in pages:
                ok = client.get(path).status_code == 200
                ok &= client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"}).status_code == 200
                self.drawn += ok
                self.failed += not ok
        except Exception:  # never take the worker down: it only means the first visitor waits longer
            log.exception("warm-up failed")
            self.failed += 1
        self.seconds = time.perf_counter() - t0
        self.done = True
        log.info("warm-up: %d pages drawn in %.2f s", self.drawn, self.seconds)

    def start(self, server, pages=PAGES) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(server, pages), name="warm-up", daemon=True)
        thread.start()
        return thread
