"""wsm: repeated views are answered in front of Flask, keyed on everything they print, bounded by bytes."""

from __future__ import annotations

import json
import shutil

from dashboard.first_page import router_request


def page_body(path: str, search: str) -> str:
    return json.dumps(router_request(path, search))


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
    and headers. Only the forms the index names are kept, compressed, one entry per file: an invented
    fingerprint shares the real file's entry, another query, an uncompressed request, a revalidation or a
    range reaches Flask, which answers it."""
    import re

    app = make_app()
    memo, calls = counted(app)
    c = app.server.test_client()
    gz = {"Accept-Encoding": "gzip"}
    index = c.get("/snapshot").get_data(as_text=True)
    files = re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets|vendor)/[^"]+)"', index)
    assert len(files) >= 15, files
    kept = [f for f in files if not f.endswith("async-graph.js")]  # Dash names its chunk without a fingerprint
    for path in kept:
        first = c.get(path, headers=gz)
        n = len(calls)
        second = c.get(path, headers=gz)
        assert len(calls) == n, f"the repeat of {path} went into Flask"
        assert first.status_code == second.status_code == 200, path
        assert first.get_data() == second.get_data() and second.headers["Content-Encoding"] == "gzip", path
        for header in ("Content-Type", "Cache-Control", "X-Content-Type-Options", "Content-Security-Policy"):
            assert second.headers.get(header) == first.headers.get(header), (path, header)
    entries = memo.stats()["entries"]
    suite = next(f for f in kept if "/dcc/dash_core_components." in f)
    invented = re.sub(r"\.v[0-9_]+m[0-9]+\.", ".v9_9_9m1.", suite)
    assert invented != suite
    n = len(calls)
    assert c.get(invented, headers=gz).get_data() == c.get(suite, headers=gz).get_data()
    assert len(calls) == n and memo.stats()["entries"] == entries, "an invented fingerprint made a new entry"
    asset = next(f for f in kept if f.startswith("/assets/"))
    bare = asset.split("?")[0]
    etag = c.get(bare, headers=gz).headers.get("ETag")
    assert etag
    n = len(calls)
    for path, headers in ((asset + "&x=1", gz), (bare + "?x=1", gz), (asset, {}), (asset, {**gz, "If-None-Match": etag}),
                          (asset, {**gz, "Range": "bytes=0-9"})):
        answer = c.get(path, headers=headers)
        assert answer.status_code in (200, 206, 304), (path, headers, answer.status_code)
    assert c.get(bare, headers={**gz, "If-None-Match": etag}).status_code == 304
    assert len(calls) == n + 6
    assert memo.stats()["entries"] == entries


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


def test_wsm006_an_answer_stored_twice_is_counted_once(make_app):
    """Two misses of the same request at once store it twice: the byte count stays that of one entry (it had
    grown by the headers each time, until the memo emptied itself on every store)."""
    memo = make_app().server.wsgi_app
    headers = [("Content-Type", "text/plain"), ("Content-Security-Policy", "default-src 'self'" * 20)]
    memo._put("same", "200 OK", headers, b"x" * 100)
    one = memo.stats()["bytes"]
    for _ in range(50):
        memo._put("same", "200 OK", headers, b"x" * 100)
    assert memo.stats() == {**memo.stats(), "entries": 1, "bytes": one}
