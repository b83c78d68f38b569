"""The peer finder's distance, checked on a small example computed by hand, and on the national-scale shape."""

import math

import numpy as np
import pandas as pd
import pytest

from data.peers import nearest, standardise


def example() -> pd.DataFrame:
    # every unit holds {0, 0, 2, 2}: mean 1, population standard deviation 1, so z = value - 1
    nan = np.nan
    return pd.DataFrame({"u1": [0, 2, 0, 2, nan], "u2": [0, 0, 2, 2, nan], "u3": [0, 2, nan, 2, 0]},
                        index=["A", "B", "C", "D", "E"], dtype=float)


def test_pee001_distance_by_hand():
    z = standardise(example())
    assert z.loc["A"].tolist() == [-1, -1, -1] and z.loc["D"].tolist() == [1, 1, 1]
    r = nearest(example(), "A")
    # A = (-1, -1, -1). B = (1, -1, 1): differences 2, 0, 2 -> sqrt((4 + 0 + 4) / 3) = sqrt(8/3) = 1.633
    # D = (1, 1, 1): differences 2, 2, 2 -> sqrt(12 / 3) = 2. C and E share only 2 and 1 units with A,
    # fewer than min_common = max(3, ceil(3 / 2)) = 3: not ranked, and counted.
    assert r.ranked["municipality_code"].tolist() == ["B", "D"]
    assert r.ranked["distance"].tolist() == pytest.approx([math.sqrt(8 / 3), 2.0])
    assert r.ranked["common"].tolist() == [3, 3]
    assert (r.unranked, r.target_units, r.min_common) == (2, 3, 3)


def test_pee002_missing_values_are_left_out_never_zero_and_flat_units_dropped():
    w = example()
    w["flat"] = 5.0  # no spread: cannot tell municipalities apart
    w["sparse"] = [1.0, np.nan, np.nan, 3.0, np.nan]  # two values: too few to standardise
    r = nearest(w, "A")
    assert r.units == ["u1", "u2", "u3"]
    assert r.ranked["distance"].tolist() == pytest.approx([math.sqrt(8 / 3), 2.0])
    # an identical municipality is at distance 0 and comes first
    w.loc["F"] = w.loc["A"]
    assert nearest(w, "A").ranked.iloc[0].tolist()[:2] == ["F", 0.0]


def test_pee003_a_municipality_without_data_gets_an_empty_answer():
    r = nearest(example(), "X")
    assert r.ranked.empty and r.target_units == 0


@pytest.mark.browser
def test_pee004_compare_page_shows_the_peer_finder_and_says_what_the_figures_are(live_server, page_factory):
    from playwright.sync_api import expect

    from tests.test_browser import axe_violations, open_page

    page = open_page(page_factory, f"{live_server.url}/compare?municipality=3203,1149,1103&dimension=EC,EN,SC")
    block = page.locator("#peers")
    expect(block.locator("#peers-sentence")).to_be_visible(timeout=20000)
    expect(block).to_contain_text("Kommuner som ligner mest på Asker")
    # Asker's values are illustrative: the finder says its answer is no statement about who really is alike
    expect(block).to_contain_text("ikke er målinger")
    assert axe_violations(page) == []


def test_pee005_the_callback_refuses_what_the_page_never_sends(client):
    import json

    def post(value):
        body = {"output": "peers-result.children", "outputs": {"id": "peers-result", "property": "children"},
                "inputs": [{"id": "peers-request", "property": "data", "value": value}], "state": [],
                "changedPropIds": ["peers-request.data"]}
        return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")

    ok = post({"municipality": "3203", "scope": "dimension:EC,EN,SC", "year_to": 2023, "lang": "en"})
    assert ok.status_code == 200 and "peers-sentence" in ok.get_data(as_text=True)
    for bad in ({"municipality": "0000", "scope": "dimension:EC", "year_to": 2023, "lang": "en"},
                {"municipality": "3203", "scope": "weather:x", "year_to": 2023, "lang": "en"},
                {"municipality": "3203", "scope": "dimension:EC", "year_to": "2023; drop", "lang": "en"}, "x"):
        r = post(bad)
        assert r.status_code in (200, 400)
        assert "peers-sentence" not in r.get_data(as_text=True)
