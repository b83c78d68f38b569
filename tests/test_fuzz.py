"""fuz: hostile and random requests to every Dash callback and every API endpoint: never a 500, never a traceback."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.first_page import router_request

HOSTILE_TEXT = st.sampled_from([
    "<img src=x onerror=alert(1)>", "javascript:alert(1)", "[x](javascript:alert(1))", "=HYPERLINK(\"http://x\")",
    "'; DROP TABLE x; --", "../../etc/passwd", "%00", "\x00", "\ud7ff" * 3, "9" * 500, "-1", "1e309", "NaN",
    "2019-2021-2023", ",,,", "EC,EN,SC,ZZ", "all", "{\"a\":1}", "?lang=en&year=2020", "😀" * 50, " " * 10,
])
TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=80))
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**63, max_value=2**63),
              st.floats(allow_nan=False, allow_infinity=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=12,
)
LEAKS = ("Traceback", "File \"", ".py\"", "site-packages", "Werkzeug Debugger")
SLOWEST: dict[str, float] = {}


def _check(r, what: str, started: float) -> None:
    took = time.perf_counter() - started
    if took > SLOWEST.get("seconds", 0.0):
        SLOWEST.update(seconds=took, request=what[:200])
    assert r.status_code < 500, (what, r.status_code, r.data[:300])
    body = r.get_data().decode("utf-8", errors="replace")
    assert not any(leak in body for leak in LEAKS), (what, body[:300])


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    import shutil

    from dashboard import Settings, create_app
    from tests.conftest import DATA_FILES, ROOT

    d = tmp_path_factory.mktemp("fuzzdata")
    for name in DATA_FILES:
        shutil.copy(ROOT / "data" / name, d / name)
    app = create_app(Settings(data_dir=d, cache_dir=tmp_path_factory.mktemp("fuzzcache"), reload_check_seconds=0))
    c = app.server.test_client()
    assert c.get("/").status_code == 200
    yield c
    report = Path(ROOT) / "test-artifacts"
    report.mkdir(exist_ok=True)
    (report / "fuzz-slowest.json").write_text(json.dumps(SLOWEST, indent=2))
    print(f"\nfuzz: slowest response {SLOWEST.get('seconds', 0) * 1000:.0f} ms for {SLOWEST.get('request')}")


def _deps(client) -> list[dict]:
    return client.get("/_dash-dependencies").get_json()


def _item(dep_item: dict, value) -> dict | list:
    ident = dep_item["id"]
    if ident.startswith("{"):  # a pattern-matching id: ALL gives a list of matches
        parsed = json.loads(ident)
        return [{"id": {**parsed, "param": p}, "property": dep_item["property"], "value": value}
                for p in ("municipality", "year", "q", "scope", "cities")]
    return {"id": ident, "property": dep_item["property"], "value": value}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_fuz001_every_callback_survives_random_and_hostile_bodies(fuzz_client, data):
    deps = _deps(fuzz_client)
    dep = data.draw(st.sampled_from(deps))
    kind = data.draw(st.sampled_from(["shaped", "shaped", "shaped", "random", "bytes"]))
    if kind == "shaped":
        body = {
            "output": dep["output"],
            "outputs": data.draw(st.sampled_from([
                {"id": dep["output"].split(".")[0], "property": dep["output"].rsplit(".", 1)[-1]},
                [], None, "x"])),
            "inputs": [_item(i, data.draw(JSONISH)) for i in dep["inputs"]],
            "state": [_item(s, data.draw(JSONISH)) for s in dep["state"]],
            "changedPropIds": data.draw(st.lists(TEXT, max_size=3)),
        }
        payload = json.dumps(body).encode()
    elif kind == "random":
        payload = json.dumps(data.draw(JSONISH)).encode()
    else:
        payload = data.draw(st.binary(max_size=200))
    started = time.perf_counter()
    r = fuzz_client.post("/_dash-update-component", data=payload, content_type="application/json")
    _check(r, f"callback {dep['output']}: {payload[:120]!r}", started)


def test_fuz002_a_real_page_still_draws_after_fuzzing(fuzz_client):
    body = router_request("/", "?municipality=1149&lang=en")
    r = fuzz_client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and "Karmøy" in r.get_data(as_text=True)


API = ["/api/v1/indicators.json", "/api/v1/indicators.csv", "/api/v1/observations.json", "/api/v1/observations.csv",
       "/api/v1/observations.xlsx", "/api/v1/observations.parquet", "/api/v1/scores.json", "/api/v1/scores.csv",
       "/api/v1/observations.exe", "/healthz"]
PARAMS = ["municipality", "year", "dimension", "sub_dimension", "category", "challenge_area", "band", "status",
          "verified", "q", "lang", "limit", "offset", "level", "sort", "page", "x"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(path=st.sampled_from(API), params=st.dictionaries(st.sampled_from(PARAMS), TEXT, max_size=4))
def test_fuz003_every_api_endpoint_survives_random_parameters(fuzz_client, path, params):
    started = time.perf_counter()
    r = fuzz_client.get(path, query_string=params)
    _check(r, f"GET {path} {params!r}", started)
    assert r.status_code in (200, 400, 404, 413), (path, params, r.status_code)
    if r.status_code == 400:
        assert r.get_json()["parameter"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(path=st.sampled_from(["/", "/challenges", "/challenges/digital", "/indicators", "/indicators/ec-ict-ict-1c",
                             "/compare", "/data", "/finance", "/about", "/nope"]),
       params=st.dictionaries(st.sampled_from(PARAMS), TEXT, max_size=4))
def test_fuz004_page_urls_with_random_parameters_render(fuzz_client, path, params):
    """The page shell is served for any query; the layout itself comes through the pages callback."""
    from urllib.parse import urlencode

    started = time.perf_counter()
    r = fuzz_client.get(path, query_string=params)
    _check(r, f"GET {path} {params!r}", started)
    deps = _deps(fuzz_client)
    pages_cb = next(d for d in deps if "_pages_content" in d["output"])
    body = {
        "output": pages_cb["output"],
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": i["id"], "property": i["property"],
                    "value": path if i["property"] == "pathname" else "?" + urlencode(params)}
                   for i in pages_cb["inputs"]],
        "state": [{"id": s["id"], "property": s["property"], "value": None} for s in pages_cb["state"]],
        "changedPropIds": ["_pages_location.pathname"],
    }
    started = time.perf_counter()
    r = fuzz_client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    _check(r, f"layout {path} {params!r}", started)
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "Siden kunne ikke vises" not in text and "could not be shown" not in text, (path, params)
