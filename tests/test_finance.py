"""fin: the finance data and the /finance view."""

import pytest

from data import DEFAULT_CATALOGUE
from data.queries import finance_view
from data.repository import Repository
from layouts import finance as finance_layout


def _text(component) -> str:
    """All text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_fin001_view_pairs_mnok_and_percent_per_year_and_keeps_entities_apart(data_dir, cache_dir):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    v = finance_view(ds)
    r2018 = v.rows[(v.rows["year"] == 2018)].iloc[0]
    assert (r2018["result_mnok"], r2018["result_pct"], r2018["basis"]) == (192, 3.8, "kommunekasse")
    y2019 = v.rows[v.rows["year"] == 2019]
    assert sorted(y2019["municipality_code"]) == ["0220", "3203"]  # old Asker and the merged sum: two rows
    assert v.norm_pct == 1.75 and "TBU" in v.norm_source


@pytest.mark.parametrize("lang,expected", [("nb", ["192", "3,8\u00a0%", "1,75\u00a0%", "47 MNOK"]),
                                           ("en", ["192", "3.8\u00a0%", "1.75\u00a0%", "47 MNOK"])])
def test_fin002_layout_text_in_both_languages(data_dir, cache_dir, lang, expected):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    text = _text(finance_layout.layout(finance_view(ds), lang, -47.0))
    for e in expected:
        assert e in text, e


def test_fin003_sentences_are_generated_from_the_data(data_dir, cache_dir):
    path = data_dir / "finance.csv"
    repo = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir, check_interval=0)
    before = _text(finance_layout.layout(finance_view(repo.snapshot()), "en", None))
    assert "lowest in 2018 at 192 MNOK" in before
    path.write_text(path.read_text(encoding="utf-8").replace(",2018,net_operating_result,192,", ",2018,net_operating_result,150,"),
                    encoding="utf-8")
    import os
    import time
    os.utime(path, (time.time() + 5, time.time() + 5))
    after = _text(finance_layout.layout(finance_view(repo.snapshot()), "en", None))
    assert "lowest in 2018 at 150 MNOK" in after
