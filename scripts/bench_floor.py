"""The physical floor for ``make bench``: a bare Flask app that serves the same bytes as the dashboard.

``BENCH_FLOOR_DIR`` holds ``responses.json`` ({"key": "file name"}) and the
bodies; POST /_dash-update-component?k=KEY and GET /api?k=KEY return the stored
bytes, GET /chart serves a bare page that loads the stock plotly.js and draws one
chart, and GET /chart?bundle=partial the same page with the dashboard's own
plotly.js (dashboard/vendor/). Run under the same gunicorn settings as the
dashboard.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from flask import Flask, Response, request

FLOOR = Path(os.environ.get("BENCH_FLOOR_DIR", "."))
PLOTLY_JS = Path(__import__("plotly").__file__).parent / "package_data" / "plotly.min.js"
INDEX = json.loads((FLOOR / "responses.json").read_text()) if (FLOOR / "responses.json").exists() else {}
BODIES = {k: (FLOOR / v).read_bytes() for k, v in INDEX.items()}

app = Flask(__name__)


@app.post("/_dash-update-component")
def callback():
    return Response(BODIES[request.args["k"]], mimetype="application/json")


@app.get("/api")
def api():
    return Response(BODIES[request.args["k"]], mimetype="application/json")


PARTIAL_JS = Path(__file__).resolve().parents[1] / "dashboard" / "vendor" / "plotly-partial.min.js"
# compressed once, as the dashboard compresses its static bundles: both sides send the same kind of bytes
_GZ = {name: gzip.compress(path.read_bytes(), compresslevel=9) for name, path in
       (("stock", PLOTLY_JS), ("partial", PARTIAL_JS))}


def _js(name: str, path: Path) -> Response:
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        resp = Response(_GZ[name], mimetype="application/javascript")
        resp.headers["Content-Encoding"] = "gzip"
    else:
        resp = Response(path.read_bytes(), mimetype="application/javascript")
    resp.headers["Cache-Control"] = "public, max-age=31536000"
    return resp


@app.get("/plotly.min.js")
def plotly_js():
    return _js("stock", PLOTLY_JS)


@app.get("/plotly-partial.min.js")
def plotly_partial_js():
    return _js("partial", PARTIAL_JS)


@app.get("/chart")
def chart():
    """``?bundle=partial``: the same page with the dashboard's own plotly.js instead of the stock one."""
    src = "/plotly-partial.min.js" if request.args.get("bundle") == "partial" else "/plotly.min.js"
    return Response(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>floor</title>"
        f"<script src='{src}'></script></head><body><div id='c'></div><script>"
        "Plotly.newPlot('c', [{type: 'bar', x: [57.9, 60.7, 54.3, 55.2, 56.2, 77.1, 55.9], orientation: 'h'}],"
        " {height: 480});</script></body></html>", mimetype="text/html")


server = app
