"""app: integration through the Flask test client (no browser)."""

import json

from callbacks.navigation import next_search
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


def test_app002_bootstrap_comes_from_the_installed_package_not_a_cdn(client):
    html = client.get("/").data.decode()
    assert "/vendor/bootstrap.min.css" in html and "cdn." not in html and "https://" not in html
    css = client.get("/vendor/bootstrap.min.css")
    assert css.status_code == 200 and b"Bootstrap" in css.data[:200]


def test_app003_healthz_reports_ok(client):
    r = client.get("/healthz")
    body = r.get_json()
    assert r.status_code == 200 and body["status"] == "ok" and body["kpis"] == 91


def test_app004_debug_is_off_by_default(make_app):
    app = make_app()
    assert app.server.debug is False
    assert app.config.suppress_callback_exceptions is False


def test_app005_corrupt_data_gives_an_explanatory_503(make_app, data_dir):
    (data_dir / "observations.csv").write_text("kpi_code\n<script>alert(1)</script>\n", encoding="utf-8")
    client = make_app().server.test_client()
    r = client.get("/")
    assert r.status_code == 503
    body = r.data.decode()
    assert "Dataene kan ikke vises" in body and "observations.csv" in body and "<script>alert" not in body
    assert client.get("/healthz").status_code == 503


def test_app006_url_controls_validate_their_input():
    m, y = [ids.CONTROLS_MUNICIPALITY], [ids.CONTROLS_YEAR]
    assert next_search("?lang=en&year=2020", "1149", "2020", m) == "?lang=en&municipality=1149"
    assert next_search("", "3203", "2021", y) == "?year=2021"
    assert next_search("", {"x": 1}, "2021", y) is None
    assert next_search("", "3203", "<script>", y) is None
    assert next_search("", "3203", "2021", ["unknown-id"]) is None
    # a page being inserted reports every control as changed: not a user's choice, the URL stays
    assert next_search("?municipality=9999", "3203", "2023", m + y) is None


def test_app007_navigation_callback_through_dash(client):
    client.get("/")  # first request runs Dash's set-up and duplicate-id checks
    deps = client.get("/_dash-dependencies").get_json()
    out = f"{ids.URL}.search"
    assert any(d["output"] == out for d in deps)
    body = {
        "output": out, "outputs": {"id": ids.URL, "property": "search"},
        "inputs": [{"id": ids.CONTROLS_MUNICIPALITY, "property": "value", "value": "1149"},
                   {"id": ids.CONTROLS_YEAR, "property": "value", "value": "2023"}],
        "state": [{"id": ids.URL, "property": "search", "value": "?lang=en"}],
        "changedPropIds": [f"{ids.CONTROLS_MUNICIPALITY}.value"],
    }
    r = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200
    assert r.get_json()["response"][ids.URL]["search"] == "?lang=en&municipality=1149"


def test_app008_oversized_request_is_refused(client):
    r = client.post("/_dash-update-component", data=b"x" * (2 * 1024 * 1024), content_type="application/json")
    assert r.status_code == 413
