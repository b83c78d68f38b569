"""sco: the published U4SSC scoring method, made exact."""

import math

import pandas as pd
import pytest

from data.observations import typed_frame
from data.scoring import achievement, band_of, roll_up, rollup_score, score_frame


def test_sco001_valencia_worked_example_education_is_56_25_percent_band_2():
    pct, band = rollup_score([1, 3, 4, 1])
    assert pct == 56.25 and band == 2


@pytest.mark.parametrize("a,band", [(0, 1), (32.999, 1), (33, 2), (65.999, 2), (66, 3), (94.999, 3), (95, 4), (250, 4)])
def test_sco002_band_edges(a, band):
    assert band_of(a) == band


def test_sco003_achievement_with_direction_and_zero_rules():
    assert achievement(50, 100, "higher") == 50
    assert achievement(4, 2, "lower") == 50          # target / value
    assert achievement(0, 2, "lower") == 100         # a value of 0 achieves the target
    assert achievement(3, 0, "lower") == 0           # target 0, value above it: 0 %
    assert achievement(0, 0, "higher") == 100        # a zero target is met by any value >= 0
    assert achievement(5, 10, "none") is None        # no direction: not comparable
    assert achievement(-1, 10, "higher") is None
    # edge protection: 33 % exactly stays band 2 despite float error
    assert band_of(achievement(0.33, 1, "higher")) == 2


def _obs(rows):
    cols = {c: [] for c in ("municipality_code", "municipality_name", "year", "kpi_code", "data_point", "value", "unit",
                            "target", "target_na", "band", "verified", "quality", "status", "source", "note")}
    for r in rows:
        base = {"municipality_code": "3203", "municipality_name": "Asker", "year": 2023, "data_point": "", "unit": "%",
                "target": math.nan, "target_na": False, "band": None, "verified": "", "quality": "",
                "status": "illustrative", "source": "test", "note": ""}
        base.update(r)
        for c in cols:
            cols[c].append(base[c])
    return typed_frame(cols)


def test_sco004_education_rollup_through_the_frame(catalogue):
    obs = _obs([
        {"kpi_code": "SC: EH: ED: 1C", "value": 10, "target": 100},   # 10 % -> 1
        {"kpi_code": "SC: EH: ED: 2C", "value": 70, "target": 100},   # 70 % -> 3
        {"kpi_code": "SC: EH: ED: 3C", "value": 100, "target": 100},  # 100 % -> 4
        {"kpi_code": "SC: EH: ED: 4C", "value": 20, "target": 100},   # 20 % -> 1
    ])
    scored = score_frame(obs, catalogue)
    assert list(scored["points"]) == [1, 3, 4, 1]
    cat = roll_up(scored, catalogue, "category").set_index("group")
    assert cat.loc["SC: EH: ED", "score_pct"] == 56.25
    assert cat.loc["SC: EH: ED", "band"] == 2
    assert cat.loc["SC: EH: ED", "points"] == 9 and cat.loc["SC: EH: ED", "max_points"] == 16


def test_sco005_reported_band_wins_and_output_says_which(catalogue):
    obs = _obs([
        {"kpi_code": "EC: P: EM: 1C", "value": 2, "target": 2, "band": 1},  # computed 4, reported 1
        {"kpi_code": "EC: P: EM: 2C", "value": 10, "target": 5},           # lower is better: 50 % -> 2
    ])
    s = score_frame(obs, catalogue)
    assert list(s["band_used"]) == [1, 2]
    assert list(s["band_source"]) == ["reported", "computed"]
    assert s["band_computed"].iloc[0] == 4


def test_sco006_each_data_point_counts_once_and_exclusions_are_counted(catalogue):
    obs = _obs([
        {"kpi_code": "EC: ICT: ICT: 4C", "data_point": "3g", "value": 100, "target": 100},
        {"kpi_code": "EC: ICT: ICT: 4C", "data_point": "4g", "value": 50, "target": 100},
        {"kpi_code": "EC: ICT: ICT: 1C", "value": math.nan, "status": "not_reported"},
        {"kpi_code": "EC: ICT: ICT: 2C", "value": 80, "target_na": True},      # benchmark n/a
        {"kpi_code": "EC: ICT: ICT: 3C", "value": 80},                          # target unknown
    ])
    s = score_frame(obs, catalogue)
    cat = roll_up(s, catalogue, "category").set_index("group").loc["EC: ICT: ICT"]
    assert cat["scored"] == 2 and cat["points"] == 6 and cat["score_pct"] == 75.0 and cat["band"] == 3
    assert cat["not_reported"] == 1 and cat["no_benchmark"] == 2


def test_sco007_categories_roll_up_within_their_sub_dimension(catalogue):
    obs = _obs([
        {"kpi_code": "EC: I: WS: 1C", "value": 100, "target": 100},
        {"kpi_code": "EN: EN: WS: 1C", "value": 10, "target": 100},
    ])
    cats = roll_up(score_frame(obs, catalogue), catalogue, "category").set_index("group")
    assert cats.loc["EC: I: WS", "score_pct"] == 100 and cats.loc["EN: EN: WS", "score_pct"] == 25
    dims = roll_up(score_frame(obs, catalogue), catalogue, "dimension").set_index("group")
    assert set(dims.index) == {"EC", "EN"}


def test_sco008_challenge_area_rollup_keeps_digital_parts_apart(catalogue):
    ch = pd.DataFrame({"kpi_code": ["EC: ICT: ICT: 1C", "EC: ICT: PS: 3A"], "area": ["digital", "digital"],
                       "part": ["infrastructure", "utilisation"], "rationale_nb": ["", ""], "rationale_en": ["", ""]})
    obs = _obs([
        {"kpi_code": "EC: ICT: ICT: 1C", "value": 99, "target": 100},
        {"kpi_code": "EC: ICT: PS: 3A", "value": 20, "target": 100},
    ])
    r = roll_up(score_frame(obs, catalogue), catalogue, "challenge_area", ch).set_index("group")
    assert r.loc["digital/infrastructure", "band"] == 4
    assert r.loc["digital/utilisation", "band"] == 1
    assert r.loc["digital", "score_pct"] == 62.5
