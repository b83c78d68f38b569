"""wsm: repeated views are answered in front of Flask, keyed on everything they print, bounded by bytes."""

from __future__ import annotations

import json
import shutil

PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."


def page_body(path: str, search: str) -> str:
    return json.dumps({
        "output": PAGES_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [], "changedPropIds": ["_pages_location.pathname"]})


def counted(app):
    """The memo layer with a counter on what it lets through to Flask."""
    memo = app.server.wsgi_app
    inner, calls = memo.app, []

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    memo.app = counting
    return memo, calls


def test_wsm001_a_repeat_never_enters_flask_and_is_the_same_answer(make_app):
    app = make_app()
    memo, calls = counted(app)
    c = app.server.test_client()
    body = page_body("/compare", "?municipality=3203,1149&dimension=EC")
    requests = [lambda: c.post("/_dash-update-component", data=body, content_type="application/json"),
                lambda: c.post("/_dash-update-component?endId=another-page-load", data=body,
                               content_type="application/json"),
                lambda: c.get("/api/v1/observations.json?municipality=3203&limit=5"),
                lambda: c.get("/_dash-layout", headers={"Referer": "http://localhost/finance?lang=en"})]
    for send in requests:
        first = send()
        n = len(calls)
        second = send()
        assert len(calls) == n, "the repeat went into Flask"
        assert first.status_code == second.status_code == 200
        assert first.get_data() == second.get_data()
        for header in ("Content-Security-Policy", "X-Content-Type-Options", "Content-Type"):
            assert second.headers[header] == first.headers[header]
    assert memo.stats()["hits"] >= 4
    # an index page carries Dash's signed per-load token: never shared
    n = len(calls)
    c.get("/snapshot?lang=en")
    c.get("/snapshot?lang=en")
    assert len(calls) == n + 2


def test_wsm005_static_files_of_a_cold_page_are_answered_in_front_of_flask(make_app):
    """A cold page asks for about twenty scripts and style sheets at once: a repeat is a lookup, the same bytes
    and headers (compressed or not); a revalidation or a range still reaches Flask, which answers it."""
    import re

    app = make_app()
    memo, calls = counted(app)
    c = app.server.test_client()
    index = c.get("/snapshot").get_data(as_text=True)
    files = re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets|vendor)/[^"]+)"', index)
    assert len(files) >= 15, files
    for path in files:
        for gzip in (True, False):
            headers = {"Accept-Encoding": "gzip"} if gzip else {}
            first = c.get(path, headers=headers)
            n = len(calls)
            second = c.get(path, headers=headers)
            assert len(calls) == n, f"the repeat of {path} went into Flask"
            assert first.status_code == second.status_code == 200, path
            assert first.get_data() == second.get_data(), path
            for header in ("Content-Type", "Content-Encoding", "Cache-Control", "X-Content-Type-Options"):
                assert second.headers.get(header) == first.headers.get(header), (path, header)
    etag = c.get(files[-1]).headers.get("ETag")
    n = len(calls)
    if etag:
        assert c.get(files[-1], headers={"If-None-Match": etag}).status_code == 304
    assert c.get(files[-1], headers={"Range": "bytes=0-9"}).status_code in (200, 206)
    assert len(calls) == n + (2 if etag else 1)


def test_wsm002_keyed_on_host_scheme_encoding_and_referer_never_on_health(make_app):
    app = make_app()
    memo, calls = counted(app)
    c = app.server.test_client()
    url = "/api/v1/observations.json?municipality=3203&limit=5"
    c.get(url)
    n = len(calls)
    c.get(url, base_url="https://localhost")
    c.get(url, headers={"Host": "other.example"})
    c.get(url, headers={"Accept-Encoding": "gzip"})
    assert len(calls) == n + 3  # each prints or encodes differently: built afresh
    c.get("/_dash-layout", headers={"Referer": "http://localhost/finance"})
    c.get("/_dash-layout", headers={"Referer": "http://localhost/compare"})
    assert calls[-2:] == ["/_dash-layout", "/_dash-layout"]
    for _ in range(2):
        c.get("/healthz")
        c.get("/nope")  # 404: not kept
        c.get("/api/v1/observations.json?year=bad")  # 400: not kept
    assert calls.count("/healthz") == 2 and calls.count("/nope") == 2
    assert calls.count("/api/v1/observations.json") >= 6


def test_wsm003_bounded_by_bytes(make_app):
    app = make_app()
    memo, _ = counted(app)
    memo.max_bytes = 200_000
    c = app.server.test_client()
    for m in ("3203", "1149", "1103", "4601", "5001", "1106", "0301"):
        c.get(f"/api/v1/observations.json?municipality={m}&limit=200")
        assert memo.stats()["bytes"] <= 200_000
    assert 0 < memo.stats()["entries"] < 7


def test_wsm004_new_data_is_a_new_answer(make_app, data_dir, tmp_path):
    app = make_app()
    memo, calls = counted(app)
    c = app.server.test_client()
    url = "/api/v1/observations.json?municipality=3203&limit=1000"
    before = c.get(url).get_json()
    rows = (data_dir / "observations.csv").read_text(encoding="utf-8").splitlines()
    shutil.copy(data_dir / "observations.csv", tmp_path / "backup.csv")
    (data_dir / "observations.csv").write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")  # one row fewer
    n = len(calls)
    after = c.get(url).get_json()
    assert len(calls) == n + 1 and after != before
