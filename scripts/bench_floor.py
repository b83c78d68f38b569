"""The physical floor for ``make bench``: a bare Flask app that serves the same bytes as the dashboard.

``BENCH_FLOOR_DIR`` holds ``responses.json`` ({"key": "file name"}) and the
bodies; POST /_dash-update-component?k=KEY and GET /api?k=KEY return the stored
bytes, GET /chart serves a bare page that loads the same plotly.js and draws one
chart. Run under the same gunicorn settings as the dashboard.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask, Response, request, send_file

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


@app.get("/plotly.min.js")
def plotly_js():
    return send_file(PLOTLY_JS, mimetype="application/javascript", max_age=31536000)


@app.get("/chart")
def chart():
    return Response(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>floor</title>"
        "<script src='/plotly.min.js'></script></head><body><div id='c'></div><script>"
        "Plotly.newPlot('c', [{type: 'bar', x: [57.9, 60.7, 54.3, 55.2, 56.2, 77.1, 55.9], orientation: 'h'}],"
        " {height: 480});</script></body></html>", mimetype="text/html")


server = app
