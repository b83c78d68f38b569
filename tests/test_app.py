"""app: integration through the Flask test client (no browser)."""

import json
import re

from layouts import ids


def test_app001_pages_answer_with_lang_and_security_headers(client):
    r = client.get("/")
    assert r.status_code == 200 and b'<html lang="nb">' in r.data
    r = client.get("/about?lang=en")
    assert r.status_code == 200 and b'<html lang="en">' in r.data
    csp = r.headers["Content-Security-Policy"]
    script_src = [d for d in csp.split(";") if d.strip().startswith("script-src")][0]
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]


def test_app002_bootstrap_is_the_projects_own_static_file_not_a_cdn(client):
    html = client.get("/").data.decode()
    assert "cdn." not in html and "https://" not in html
    from dashboard.app import BOOTSTRAP_CSS, vendor_url

    href = re.search(r'href="(/vendor/bootstrap-[0-9a-f]{12}\.min\.css)"', html).group(1)
    assert href == "/" + vendor_url("bootstrap")  # the address changes with the file, so it may be kept a year
    css = client.get(href)
    assert css.status_code == 200 and b"Bootstrap  v5.3.8" in css.data[:200]
    assert css.data == BOOTSTRAP_CSS.read_bytes()  # the committed file, not Bootstrap-Flask's copy
    assert "immutable" in css.headers["Cache-Control"]
    assert client.get(href.replace("bootstrap-", "bootstrap-0")).status_code == 404
    # the address pages used before it carried a digest still answers, kept an hour only
    old = client.get("/vendor/bootstrap.min.css")
    assert old.status_code == 200 and old.data == css.data and "max-age=3600" in old.headers["Cache-Control"]


def test_app003_healthz_reports_ok(client):
    r = client.get("/healthz")
    body = r.get_json()
    assert r.status_code == 200 and body["status"] == "ok" and body["kpis"] == 91


def test_app004_debug_is_off_by_default(make_app):
    app = make_app()
    assert app.server.debug is False
    assert app._dev_tools.ui is False and app._dev_tools.hot_reload is False


def test_app005_corrupt_data_gives_an_explanatory_503(make_app, data_dir):
    (data_dir / "observations.csv").write_text("kpi_code\n<script>alert(1)</script>\n", encoding="utf-8")
    client = make_app().server.test_client()
    r = client.get("/")
    assert r.status_code == 503
    body = r.data.decode()
    assert "Dataene kan ikke vises" in body and "observations.csv" in body and "<script>alert" not in body
    assert client.get("/healthz").status_code == 503


def test_app006_url_controls_run_in_the_browser(client):
    """A URL control costs no server round trip: its callback is clientside, the server refuses it."""
    client.get("/")  # first request runs Dash's set-up and duplicate-id checks
    deps = client.get("/_dash-dependencies").get_json()
    nav = next(d for d in deps if d["output"] == f"{ids.URL}.search")
    assert nav["clientside_function"] == {"namespace": "dashboard", "function_name": "urlControls"}
    body = {
        "output": f"{ids.URL}.search", "outputs": {"id": ids.URL, "property": "search"},
        "inputs": [[{"id": ids.url_param("municipality"), "property": "value", "value": "1149"}]],
        "state": [{"id": ids.URL_STATE, "property": "data", "value": {"municipality": "3203"}},
                  {"id": ids.URL, "property": "search", "value": ""}],
        "changedPropIds": [],
    }
    r = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and b"Traceback" not in r.data


def test_app007_clientside_parameter_lists_match_the_server(client):
    """clientside.js writes the same parameters, in the same order, as layouts/urls.py reads."""
    import re
    from pathlib import Path

    from callbacks.navigation import DERIVED
    from layouts.urls import ALLOWED

    js = (Path(__file__).parents[1] / "dashboard" / "assets" / "clientside.js").read_text(encoding="utf-8")

    def js_list(name):
        m = re.search(name + r" = \[([^\]]*)\]", js)
        return tuple(re.findall(r'"([^"]+)"', m.group(1)))

    assert js_list("ALLOWED") == ALLOWED
    assert js_list("DERIVED") == DERIVED
    assert client.get("/assets/clientside.js").status_code == 200


def test_app008_oversized_request_is_refused(client):
    r = client.post("/_dash-update-component", data=b"x" * (2 * 1024 * 1024), content_type="application/json")
    assert r.status_code == 413


def _assert_headers(r, what):
    h = r.headers
    csp = h.get("Content-Security-Policy", "")
    script_src = next((p for p in csp.split(";") if p.strip().startswith("script-src")), "")
    assert script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, what
    assert "frame-ancestors 'none'" in csp, what
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("Referrer-Policy"), what
    assert "Werkzeug" not in h.get("Server", ""), what


def test_app009_security_headers_on_every_kind_of_response(make_app, data_dir):
    import re

    client = make_app().server.test_client()
    page = client.get("/")
    script = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page.get_data(as_text=True))[0]
    cases = {
        "page": page, "page en": client.get("/data?lang=en"), "404 page": client.get("/no/such/page"),
        "dash layout": client.get("/_dash-layout"), "dash dependencies": client.get("/_dash-dependencies"),
        "component suite": client.get(script), "asset": client.get("/assets/style.css"),
        "vendor css": client.get("/vendor/bootstrap.min.css"), "healthz": client.get("/healthz"),
        "api json": client.get("/api/v1/indicators.json"), "api csv": client.get("/api/v1/observations.csv"),
        "api 400": client.get("/api/v1/observations.json?year=x"), "api 404": client.get("/api/v1/nothing.json"),
        "callback 400": client.post("/_dash-update-component", data=b"[]", content_type="application/json"),
        "413": client.post("/_dash-update-component", data=b"x" * (2 * 1024 * 1024),
                           content_type="application/json"),
    }
    for what, r in cases.items():
        _assert_headers(r, what)
    assert cases["callback 400"].status_code == 400 and cases["413"].status_code == 413
    # and the 503 page when the data is broken
    (data_dir / "observations.csv").write_text("not,a,template\n", encoding="utf-8")
    broken = make_app().server.test_client()
    for url in ("/", "/api/v1/observations.json", "/healthz"):
        r = broken.get(url)
        assert r.status_code == 503, url
        _assert_headers(r, f"503 {url}")


def test_app010_callback_errors_give_400_without_details(client):
    client.get("/")
    from dashboard.first_page import router_request

    bad = dict(router_request({"deep": ["x"]}, 12), state="not a list", changedPropIds=[])
    r = client.post("/_dash-update-component", data=json.dumps(bad), content_type="application/json")
    assert r.status_code in (200, 204, 400)
    assert b"Traceback" not in r.data and b".py" not in r.data
    unknown = dict(bad, output="no-such-component.children")
    r = client.post("/_dash-update-component", data=json.dumps(unknown), content_type="application/json")
    assert r.status_code == 400 and b"unknown callback output" in r.data


def test_app011_pages_and_json_are_compressed_and_the_index_stays_small(client):
    plain = client.get("/?lang=en")
    assert len(plain.data) < 50_000  # no embedded layouts of every page
    zipped = client.get("/?lang=en", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    import gzip

    assert gzip.decompress(zipped.data).startswith(b"<!DOCTYPE html>") and b'<html lang="en">' in \
        gzip.decompress(zipped.data)[:300]
    api = client.get("/api/v1/indicators.json", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(api.data))["total"] == 91
    again = client.get("/api/v1/indicators.json")  # answered from the memo: same bytes, same headers
    assert again.get_json()["total"] == 91 and again.headers["X-Content-Type-Options"] == "nosniff"


def test_app012_every_id_a_callback_names_exists_in_some_page(client):
    """Dash's own check is off (it would embed every page in the index page), so the test does it."""
    import dash

    client.get("/")
    seen: set[str] = set()

    def walk(node):
        if isinstance(node, (list, tuple)):
            for n in node:
                walk(n)
            return
        ident = getattr(node, "id", None)
        if isinstance(ident, str):
            seen.add(ident)
        walk(getattr(node, "children", None) or [])

    app = client.application.config["DASHBOARD_DASH_APP"]
    with client.application.test_request_context("/_dash-layout"):
        walk(app.layout() if callable(app.layout) else app.layout)
    for page in dash.page_registry.values():
        with client.application.test_request_context(page.get("path") or "/"):  # as a request would draw it
            walk(page["layout"]() if callable(page["layout"]) else page["layout"])
    for dep in client.get("/_dash-dependencies").get_json():
        ids_ = [i["id"] for i in dep["inputs"] + dep["state"]]
        out = dep["output"].strip(".").split("...")
        ids_ += [o.rsplit(".", 1)[0] for o in out]
        for i in ids_:
            if not i.startswith("{") and not i.startswith("_pages"):
                assert i in seen, (dep["output"], i)


def test_app_warm001_a_new_server_draws_its_chart_pages_before_the_first_visitor(make_app):
    import gc

    from dashboard.warm import PAGES

    app = make_app()
    server = app.server
    client = server.test_client()
    assert client.get("/healthz").get_json()["warm_up"]["done"] is False
    try:
        server.config["DASHBOARD_WARM_UP"].start(server).join(timeout=120)
        # what lives as long as the worker is kept out of the garbage collector's full passes
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # the test process lives on
    warm = client.get("/healthz").get_json()["warm_up"]
    assert warm["done"] is True and warm["pages"] == len(PAGES) and warm["failed"] == 0
    assert warm["gc_frozen_objects"] > 10_000
    # the first visitor's /snapshot (another host name than the warm-up's, so not a whole-answer memo hit)
    # uses what the warm-up computed: no new computation, only cache hits
    before = client.get("/healthz").get_json()["cache"]
    r = client.get("/_dash-layout", base_url="http://127.0.0.1:8050",
                   headers={"Referer": "http://127.0.0.1:8050/snapshot"})
    after = client.get("/healthz").get_json()["cache"]
    assert r.status_code == 200 and "overview-wheel-graph" in r.get_data(as_text=True)
    assert after["misses"] == before["misses"] and after["hits"] > before["hits"]



def test_app_warm002_after_a_data_reload_the_old_data_set_is_let_go(make_app, data_dir):
    """The warm-up freezes what is alive out of full collections; a new data set unfreezes, collects, refreezes."""
    import gc
    import os
    import time
    import weakref

    app = make_app()
    server = app.server
    repo, warm = server.config["DASHBOARD_REPO"], server.config["DASHBOARD_WARM_UP"]
    client = server.test_client()
    try:
        warm.start(server, pages=("/snapshot",)).join(timeout=120)
        old = repo.snapshot()
        gone, old_fp = weakref.ref(old), old.fingerprint
        assert warm.fingerprint == old_fp and warm.frozen > 0
        del old
        path = data_dir / "observations.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(",97,%", ",96,%", 1), encoding="utf-8")
        os.utime(path, (time.time() + 5, time.time() + 5))
        assert client.get("/api/v1/indicators.json?limit=1").status_code == 200  # a request sees the new data
        assert repo.snapshot().fingerprint != old_fp
        assert warm.fingerprint == repo.snapshot().fingerprint and warm.frozen > 0
        assert gone() is None  # the old data set was collected, not kept frozen for ever
    finally:
        gc.unfreeze()
