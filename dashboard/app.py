"""The app factory. No work happens at import time."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import re
import time
from importlib import resources

import dash
from dash import Dash, dcc, html
from flask import Response, current_app, g, jsonify, request, send_file
from markupsafe import escape

import callbacks
from callbacks.common import markup_format
from data import data_dir_kind
from data.cache import MemoryCache
from data.repository import DataUnavailable, Repository
from layouts import ids, static_tree

from . import first_page, first_paint, security
from .api import give_back_memory
from .settings import Settings
from .warm import WarmUp
from .wsgi_memo import WsgiMemo

log = logging.getLogger(__name__)
TRIM_AFTER_SECONDS = 0.05  # a request at least this long returns freed memory to the system when it ends

INDEX = """<!DOCTYPE html>
<html lang="nb">
<head>
<meta name="referrer" content="same-origin">
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
<footer>
{%config%}
{%scripts%}
{%renderer%}
</footer>
</body>
</html>"""


VENDOR = resources.files("dashboard") / "vendor"  # built from npm by `make plotly-bundle`, see bundle/
BOOTSTRAP_CSS = VENDOR / "bootstrap.min.css"  # Bootstrap 5.3.8 with only the rules the markup uses
PLOTLY_BUNDLE = VENDOR / "plotly-partial.min.js"  # plotly.js with only the trace types the figures draw
REGENERATOR_JS = VENDOR / "regenerator-runtime.min.js"  # what Dash's scripts need of the Babel polyfill
# draws a chart page's first screen and starts Dash: inline in the index (so nothing can fail to load it), named
# in the Content-Security-Policy by its hash
FIRST_PAINT_JS = resources.files("dashboard") / "early" / "first-paint.js"
# the address each file is served at: vendor/<stem>-<digest>.<ext>, so a new build gets a new address and
# browsers may keep each one a year
VENDOR_STEMS = {"plotly": PLOTLY_BUNDLE, "bootstrap": BOOTSTRAP_CSS, "regenerator-runtime": REGENERATOR_JS}


@functools.cache
def _vendor_file(stem: str) -> tuple[str, bytes]:
    body = VENDOR_STEMS[stem].read_bytes()
    return hashlib.sha256(body).hexdigest()[:12], body


def vendor_url(stem: str) -> str:
    """``vendor/<stem>-<digest>.min.js`` (or ``.min.css``), without a leading slash."""
    ext = "css" if VENDOR_STEMS[stem].name.endswith(".css") else "js"
    return f"vendor/{stem}-{_vendor_file(stem)[0]}.min.{ext}"


def plotly_bundle_url() -> str:
    return vendor_url("plotly")


def _index_meta() -> tuple[int, str]:
    """The first response's status and title: the page the URL names, in its language (404 when none)."""
    from callbacks.routes import page_meta, route_of

    repo = current_app.config["DASHBOARD_REPO"]
    name, variables = route_of(request.path)
    try:
        return page_meta(repo.snapshot(), name, {**request.args.to_dict(), **variables})
    except DataUnavailable:
        return 503, "U4SSC Asker"


# pages that draw a chart as soon as they open: their index page asks for plotly.js at once
CHART_PATHS = re.compile(r"^/(snapshot|compare|finance|challenges/[^/]+|indicators/[^/]+)/?$")
UNUSED_BUNDLE = re.compile(r'<script src="[^"]*/dash_table/bundle[^"]*"></script>\s*')
# Dash's first script is the whole Babel polyfill (core-js 2, 34 KB gzip, 100-140 ms to evaluate on a cold page);
# every browser the dashboard supports has what it fills in, and Dash's scripts need only its regenerator
POLYFILL = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')
DASH_SCRIPTS = "dash-scripts"  # the template that holds Dash's scripts on a page with a first screen
DCC_SHARED = re.compile(r'<script src="[^"]*/dcc/dash_core_components-shared[^"]*"></script>')


def _install_index_hints(app: Dash) -> None:
    """Shape the index page for a fast first chart.

    Dash's Graph fetches plotly.js and its own chunk only once the page has
    been drawn; on a page with a chart, the index asks for plotly.js at once
    (assets/early-plotly.js runs it while the page waits for its data) and
    runs Graph's chunk with Dash's other scripts. Every page asks for its
    layout and Dash's callback list while the scripts load. The DataTable loader
    (33 KB) is left out: no page uses that component; tables are plain HTML.
    The Babel polyfill gives way to the regenerator runtime alone.
    """
    plain = app.interpolate_index
    prefix = app.config.requests_pathname_prefix
    suites = f"{prefix}_dash-component-suites"
    bundle = f"{prefix}{plotly_bundle_url()}"
    # every page names the project's plotly.js (only the trace types the figures draw, see bundle/);
    # assets/early-plotly.js hands it to Dash's Graph instead of the stock 4.8 MB file
    named = f'\n<meta name="plotly-js" content="{bundle}">'
    # the renderer's two first requests, asked for while the scripts load (it asks for them only once they
    # have all run: one more round trip on a slow link); the answers are used once, by the renderer's fetch
    data_hints = "".join(f'\n<link rel="preload" href="{prefix}{name}" as="fetch" crossorigin="anonymous">'
                         for name in ("_dash-layout", "_dash-dependencies"))
    hints = f'\n<link rel="preload" href="{bundle}" as="script">'
    # Graph's own chunk as a script among Dash's: run before the page is drawn, so the chart's first draw
    # does not wait for it to be fetched and run after the page's first commit
    graph_chunk = f'<script src="{suites}/dash/dcc/async-graph.js"></script>'

    regenerator = f'<script src="{prefix}{vendor_url("regenerator-runtime")}"></script>'

    first_paint_js = f"<script>{first_paint_script()}</script>"

    def interpolate_index(**parts):
        parts["scripts"] = POLYFILL.sub(regenerator, UNUSED_BUNDLE.sub("", parts["scripts"]), count=1)
        parts["css"] += named + data_hints
        screen = None
        status, title = _index_meta()
        g.index_status = status
        parts["title"] = escape(title)
        if CHART_PATHS.match(request.path):
            parts["css"] += hints
            parts["scripts"] = DCC_SHARED.sub(lambda m: m.group(0) + "\n" + graph_chunk, parts["scripts"], count=1)
            if status == 200:
                screen = _first_screen(app)
        if screen is not None:
            # the page down to its first chart, drawn by plotly.js before Dash starts: Dash's scripts wait in a
            # template (not fetched, not run) until first-paint.js has drawn the chart, then load in order
            parts["app_entry"] += (screen + f'\n<script src="{bundle}"></script>\n' + first_paint_js)
            parts["scripts"] = f'<template id="{DASH_SCRIPTS}">\n' + parts["scripts"]
            parts["renderer"] += "\n</template>"
        page = plain(**parts)
        if security.wants_lang(request) == "en":  # <html lang> follows the page's language from the first byte
            page = page.replace('<html lang="nb">', '<html lang="en">', 1)
        if screen is not None:
            page = page.replace("<html ", "<html data-first-paint ", 1)
        return page

    app.interpolate_index = interpolate_index
    _hide_versions(app)


@functools.cache
def first_paint_script() -> str:
    # without its comment lines: the same script, a third of the bytes on every chart page
    lines = FIRST_PAINT_JS.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if line.strip() and not line.lstrip().startswith("//"))
    if "</" in text or "<!--" in text:  # it is written into the page between <script> tags
        raise ValueError("first-paint.js must not contain '</' or '<!--'")
    return text


def first_paint_hash() -> str:
    """The Content-Security-Policy source that allows the inline first-paint script (and nothing else)."""
    digest = hashlib.sha256(first_paint_script().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _first_screen(app: Dash) -> str | None:
    """The first screen of the chart page the index request names (dashboard/first_paint.py), as HTML, or None.

    Drawn from the same layout the page's layout request gets, and kept (``DASHBOARD_FIRST_SCREENS``) under the parts it
    depends on: path and query, data version, scheme, host and date (the print view's link and date are on
    it), and the markup format. Anything that goes wrong here means a page without a first screen, never an
    error page."""
    import datetime as dt

    import plotly.io as pio

    server = app.server
    if not server.config["DASHBOARD_SETTINGS"].first_screen:
        return None
    screens = server.config["DASHBOARD_FIRST_SCREENS"]
    try:
        fp = server.config["DASHBOARD_REPO"].snapshot().fingerprint
        key = (request.full_path, fp, request.scheme, request.host, dt.date.today().isoformat(), markup_format())
        hit = screens.get(key)
        if hit is not None:
            return hit or None
        query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
        layout = server.config["DASHBOARD_LAYOUT_AT"]((request.base_url + query, request.path, query))
        drawn = first_paint.first_screen(json.loads(pio.json.to_json_plotly(layout)))
        html_text = "" if drawn is None else (
            f'\n<div id="first-paint" class="first-paint" inert>{drawn[0]}</div>'
            f'\n<script type="application/json" id="first-paint-figure">{first_paint.script_json(drawn[1])}</script>')
    except Exception:  # the page is drawn by Dash alone, as any other page
        log.exception("no first screen for %s", request.path)
        return None
    screens.set(key, html_text)
    return html_text or None


VERSION_KEYS = ("dash_version", "python_version", "dash_version_url", "ddk_version", "plotly_version")
FAVICON_VERSION = re.compile(r"(_favicon\.ico)\?v=[0-9A-Za-z._-]+")


def _hide_versions(app: Dash) -> None:
    """No version numbers on public pages: the renderer's config keeps what it needs, the favicon no ?v=."""
    config = app._config

    def _config():
        return {k: v for k, v in config().items() if k not in VERSION_KEYS}

    app._config = _config
    interpolate = app.interpolate_index

    def interpolate_index(**parts):
        parts["favicon"] = FAVICON_VERSION.sub(r"\1", parts.get("favicon", ""))
        return interpolate(**parts)

    app.interpolate_index = interpolate_index


TOO_DEEP = object()


def json_body():
    """The request's JSON body, None when it is not JSON, TOO_DEEP when it is nested beyond Python's stack."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return TOO_DEEP


PAGES_OUTPUT = first_page.ROUTER_OUTPUT
PAGES_OUTPUT_BYTES = PAGES_OUTPUT.encode()
MEMO_MAX_BYTES = 8 * 1024 * 1024  # larger answers (whole-data exports) are rebuilt each time


def _install_page_memo(server, repo: Repository) -> None:
    """Memoise whole answers of Dash's page callback and of the read-only API.

    Each is a pure function of the request (body, or path and query), the data
    fingerprint, the host (printed in the permalink) and the date (printed on
    paper, and in export files). The bytes are kept in the repository's cache
    (Redis when configured), so a repeated view costs a lookup, not a rebuild.
    """
    import datetime as dt

    from flask import g

    @server.before_request
    def _clock_start():
        g.request_started = time.perf_counter()

    @server.teardown_request
    def _after_expensive(_exc=None):
        # a request that took 50 ms or more built frames: hand the freed heap back to the system (about 1 ms),
        # so a worker's memory returns to its working size instead of staying at the requests' high-water mark
        # (national scale: 303 MiB -> 263 MiB after 30 pages)
        started = g.get("request_started")
        if started is not None and time.perf_counter() - started >= TRIM_AFTER_SECONDS:
            give_back_memory()

    @server.before_request
    def _page_memo_lookup():
        # Looked up by the raw bytes, before any parsing: an answer is only ever stored for
        # a body that was parsed, validated and answered 200 (see _page_memo_store).
        if request.path != "/_dash-update-component" or request.method != "POST":
            return None
        if PAGES_OUTPUT_BYTES not in request.get_data():
            return None
        return _lookup()

    @server.before_request
    def _api_memo_lookup():
        if request.method != "GET" or not request.path.startswith("/api/v1/"):
            return None
        return _lookup()

    def _lookup():
        try:
            fp = repo.snapshot().fingerprint
        except DataUnavailable:
            return None
        what = request.get_data() if request.method == "POST" else request.full_path.encode()
        digest = hashlib.sha256(what).hexdigest()
        g.page_memo_key = ("response", request.path if request.method == "GET" else "page", fp, digest,
                           request.scheme, request.host, dt.date.today().isoformat(), markup_format())
        hit = repo.cache.get(g.page_memo_key)
        if hit is not None:
            g.page_memo_key = None
            body, mimetype, disposition = hit
            resp = Response(body, content_type=mimetype)
            if disposition:
                resp.headers["Content-Disposition"] = disposition
            return resp
        return None

    @server.after_request
    def _page_memo_store(resp):
        key = g.pop("page_memo_key", None)
        if key and request.method == "POST":
            body = json_body()
            if not isinstance(body, dict) or body.get("output") != PAGES_OUTPUT:
                key = None
        if (key and resp.status_code == 200 and "Content-Encoding" not in resp.headers and not resp.direct_passthrough
                and (resp.content_length or 0) <= MEMO_MAX_BYTES):
            content_type = resp.headers.get("Content-Type", "application/json")
            repo.cache.set(key, (resp.get_data(), content_type, resp.headers.get("Content-Disposition")))
        return resp


def create_app(settings: Settings | None = None, repo: Repository | None = None) -> Dash:
    settings = settings or Settings.from_env()
    if repo is None:
        settings.prepare()
        cache = None
        if settings.redis_url:
            from data.cache import RedisCache

            cache = RedisCache(settings.redis_url)
        repo = Repository(settings.data_dir, settings.catalogue_path, settings.cache_dir,
                          check_interval=settings.reload_check_seconds, cache=cache)
    import plotly.io as pio

    try:  # plotly imports PIL lazily while serialising; two threads doing that at once break the import
        import PIL.Image  # noqa: F401
    except ImportError:
        pass
    pio.json.config.default_engine = "orjson"  # Dash serialises figures and layouts through plotly.io
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(resources.files("dashboard") / "assets"),
        external_stylesheets=["/" + vendor_url("bootstrap")],
        title="Bærekraftsindikatorer for Asker",
        update_title=None,
        # True: otherwise Dash renders every page at the first request and embeds all of them
        # (750 KB) in the index page as a "validation layout"; callbacks are checked by the tests instead.
        suppress_callback_exceptions=True,
        serve_locally=True,
        compress=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        include_pages_meta=False,  # its og:title would be the static one; the <title> names the page
    )
    app.index_string = INDEX
    _install_index_hints(app)
    app.enable_dev_tools(debug=settings.debug, dev_tools_ui=settings.debug, dev_tools_props_check=settings.debug,
                         dev_tools_hot_reload=False, dev_tools_serve_dev_bundles=settings.debug)
    server = app.server
    # after_request hooks run in reverse order of registration: compression is registered first so it
    # runs last, after the memo has stored the plain bytes and the <html lang> rewrite has been done.
    security.install_compression(server)
    _install_page_memo(server, repo)
    server.config["DASHBOARD_REPO"] = repo
    server.config["DASHBOARD_DASH_APP"] = app
    server.config["DASHBOARD_SETTINGS"] = settings
    warm = server.config["DASHBOARD_WARM_UP"] = WarmUp()  # started by the servers (wsgi.py, cli serve)

    callbacks.register_all(app, repo)
    # the ids a callback reads or writes stay Dash components; an element with any other id can go out as
    # static markup (layouts/static_tree.py). Dash registers some callbacks (its page router's) only at the
    # first request: the ids are read again then, before any page is drawn.
    router_ids = {first_page.LOCATION, first_page.CONTENT, first_page.STORE, first_page.DUMMY}
    server.config["DASHBOARD_CALLBACK_IDS"] = static_tree.callback_ids(app._callback_list) | router_ids
    read_again = []

    def _every_callback_id() -> None:
        if not read_again:  # Dash's own first-request hook, registered before this one, has run
            server.config["DASHBOARD_CALLBACK_IDS"] = static_tree.callback_ids(app._callback_list) | router_ids
            read_again.append(True)

    server.before_request(_every_callback_id)

    def layout():  # per layout request: the requested page is drawn into it (dashboard/first_page.py)
        return layout_at(first_page.address())

    def layout_at(address):
        container = first_page.page_container(app, address)
        # the query string the layout was asked for: the Location reports no change of it when it mounts, so
        # the callbacks on it do not run and nothing is drawn again before the first chart. Only the query:
        # a Location trusts every value it is given, and the path and #fragment it reads from the browser
        # stay right even when a proxy or the browser cuts the Referer down (the URL controls read the query
        # from the browser too: dashboard/assets/clientside.js urlControls)
        where = {} if address is None else {"search": address[2]}
        shell = html.Div([
            dcc.Location(id=ids.URL, refresh="callback-nav", **where),
            html.Div(id=ids.LANG_SINK, hidden=True),
            html.Div(id=ids.PRINT_SINK, hidden=True),
            html.Div(id=ids.LIVE_REGION, className="visually-hidden", **{"aria-live": "polite"}),
            container,
        ])
        return static_tree.freeze(shell, server.config["DASHBOARD_CALLBACK_IDS"]) if settings.static_markup else shell

    app.layout = layout
    server.config["DASHBOARD_LAYOUT_AT"] = layout_at  # the first screen of a chart page (dashboard/first_paint.py)
    # first screens are kept per process, apart from the repository's cache (shared through Redis when configured):
    # every address with its own query string gets its own (the print view shows the address), so they must not
    # push the data layer's answers out, and a new release (a new process) never meets an older one's
    server.config["DASHBOARD_FIRST_SCREENS"] = MemoryCache(max_items=128, max_bytes=8 * 1024 * 1024)
    first_page.quiet_title_on_load(app)

    from .api import create_blueprint

    server.register_blueprint(create_blueprint(repo))

    @server.route("/api", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
    @server.route("/api/<path:_rest>", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
    def _api_unknown(_rest: str = ""):
        from .api import ENDPOINTS

        return jsonify({"error": "no such API endpoint", "path": request.path[:200], "endpoints": ENDPOINTS}), 404

    @server.route("/vendor/<stem>-<digest>.min.<ext>")
    def _vendor(stem: str, digest: str, ext: str):
        if stem not in VENDOR_STEMS or vendor_url(stem) != f"vendor/{stem}-{digest}.min.{ext}":
            return jsonify({"error": "no such file"}), 404
        resp = Response(_vendor_file(stem)[1], mimetype="text/css" if ext == "css" else "text/javascript")
        resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return resp

    @server.route("/vendor/bootstrap.min.css")  # the address pages named before it carried a digest
    def _bootstrap():
        return send_file(str(BOOTSTRAP_CSS), mimetype="text/css", max_age=3600)

    # repeated views are answered in front of Flask (dashboard/wsgi_memo.py); every hook below runs on a miss
    memo = WsgiMemo(server.wsgi_app, repo)
    server.wsgi_app = memo

    @server.route("/healthz")
    def _healthz():
        st = repo.status()
        st["data_dir"] = data_dir_kind(repo.data_dir)  # shipped, user or configured: never the path itself
        stats = getattr(repo.cache, "stats", None)
        if callable(stats):
            st["cache"] = stats()
        st["memo"] = memo.stats()
        st["warm_up"] = warm.stats()
        return jsonify(st), (200 if st["status"] == "ok" else 503)

    @server.before_request
    def _data_guard():
        path = request.path
        if path.startswith(("/_dash-component-suites", "/assets", "/vendor", "/healthz", "/_favicon")):
            return None
        try:
            fp = repo.snapshot().fingerprint
            if warm.frozen and fp != warm.fingerprint:  # a new data set since the warm-up froze the old one
                warm.after_reload(server, fp)
        except DataUnavailable as exc:
            if path.startswith("/api/"):
                return jsonify({"error": "data unavailable", "problems": [str(p) for p in exc.problems[:20]]}), 503
            if path.startswith("/_dash"):
                if path.startswith("/_dash-update-component"):
                    return jsonify({"error": "data unavailable"}), 503
                return None
            from layouts.errors import unavailable_html

            body = unavailable_html(security.wants_lang(request), [str(p) for p in exc.problems])
            return Response(body, status=503, mimetype="text/html")
        return None

    @server.after_request
    def _index_status(resp):
        # Dash answers every path with its index page; a URL that names no page, KPI or area says so
        if g.pop("index_status", 200) == 404 and resp.status_code == 200 and resp.mimetype == "text/html":
            resp.status_code = 404
        return resp

    @server.after_request
    def _layout_varies_by_page(resp):
        # the layout holds the page its Referer names (dashboard/first_page.py): a browser must never reuse one
        # page's layout for another (Back to /snapshot after /about drew About's page under /snapshot's address)
        if request.path == "/_dash-layout":
            resp.vary.add("Referer")
        return resp

    @server.before_request
    def _callback_guard():
        if request.path != "/_dash-update-component" or request.method != "POST":
            return None
        body = json_body()
        if body is TOO_DEEP:
            return jsonify({"error": "invalid callback request: the JSON body is nested too deeply"}), 400
        problem = security.callback_request_problem(body, app.callback_map)
        if problem:
            return jsonify({"error": f"invalid callback request: {problem}"}), 400
        return None

    @server.errorhandler(Exception)
    def _unexpected(exc):
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            if request.path.startswith(("/api/", "/_dash")):
                return jsonify({"error": exc.name}), exc.code
            return exc
        server.logger.exception("unhandled error on %s", request.path)
        if request.path.startswith("/_dash-update-component"):
            return jsonify({"error": "the callback could not run; nothing was changed"}), 400
        if request.path.startswith("/api/"):
            return jsonify({"error": "internal error; nothing was changed"}), 500
        from layouts.errors import unavailable_html

        body = unavailable_html(security.wants_lang(request), [])
        return Response(body, status=500, mimetype="text/html")

    @server.errorhandler(dash.exceptions.DependencyException)
    def _unknown_bundle(_exc):
        return jsonify({"error": "no such file"}), 404

    @server.before_request
    def _dev_only_routes():
        if request.path == "/_reload-hash" and not settings.debug:
            return jsonify({"error": "not found"}), 404
        return None

    @server.errorhandler(413)
    def _too_large(_exc):
        return jsonify({"error": f"request body larger than {settings.max_request_bytes} bytes"}), 413

    security.install(server, lambda: [*app.csp_hashes(), first_paint_hash()], settings.hsts, settings.max_request_bytes)
    return app
