"""chl: challenge areas: roll-ups, trend, position, generated summaries."""

import os
import time

import pandas as pd

from data import DEFAULT_CATALOGUE
from data.queries import area_units, challenge_summaries, trend_of
from data.repository import Repository
from layouts.challenges import summary_sentences


def _repo(data_dir, cache_dir):
    return Repository(data_dir, DEFAULT_CATALOGUE, cache_dir, check_interval=0)


def test_chl001_four_areas_with_scores_and_the_digital_parts_apart(data_dir, cache_dir):
    ds = _repo(data_dir, cache_dir).snapshot()
    s = {x.area: x for x in challenge_summaries(ds, "3203", 2023)}
    assert list(s) == ["transport", "inequality", "consumption", "digital"]
    infra, use = s["digital"].parts["infrastructure"], s["digital"].parts["utilisation"]
    assert infra[1] == 4 and use[1] <= 2  # shaped like the published finding: good infrastructure, weak use
    for area in ("transport", "inequality", "consumption"):
        assert s[area].band <= 2


def test_chl002_trend_thresholds():
    assert trend_of(None) == "unknown" and trend_of(2.5) == "improving"
    assert trend_of(-2.5) == "worsening" and trend_of(1.0) == "stagnating"


def test_chl003_units_weakest_first_with_position_among_cities(data_dir, cache_dir):
    ds = _repo(data_dir, cache_dir).snapshot()
    u = area_units(ds, "3203", 2023, "digital")
    pts = list(u["points"].astype("Float64").fillna(99))
    assert pts == sorted(pts)
    row = u[(u["kpi_code"] == "EC: ICT: ICT: 2C")].iloc[0]
    # Asker's value is illustrative, Karmøy's published: they are never ranked against each other
    assert pd.isna(row["rank"]) and row["rank_note"] == "other_kind"
    # the same value reported by the municipality is a published value: then it is ranked
    path = data_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [ln.replace(",,,illustrative,", ",,,reported,") if ln.startswith("3203,Asker,2023,EC: ICT: ICT: 2C,")
             else ln for ln in lines]
    path.write_text("".join(lines), encoding="utf-8")
    u = area_units(_repo(data_dir, cache_dir).snapshot(), "3203", 2023, "digital")
    row = u[(u["kpi_code"] == "EC: ICT: ICT: 2C")].iloc[0]
    assert row["status"] == "reported"
    assert int(row["peers"]) == 2  # Asker and Karmøy's published value
    assert int(row["rank"]) == (1 if row["value"] >= 84.51 else 2) and row["rank_note"] == ""


def test_chl004_summary_sentences_follow_the_data(data_dir, cache_dir):
    repo = _repo(data_dir, cache_dir)
    ds = repo.snapshot()
    before = {s.area: s for s in challenge_summaries(ds, "3203", 2023)}["transport"]
    text_before = " ".join(summary_sentences(before, ds.catalogue, "en", 2023))
    assert text_before.startswith("Transport and mobility earns")
    weakest_code = before.weakest[0][0]
    weakest_name = ds.catalogue[weakest_code].name_en
    assert weakest_name in text_before
    # lift the weakest KPI to its target in a copy of the data: the sentence must change
    path = data_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for line in lines:
        parts = line.split(",")
        if parts[0] == "3203" and parts[2] == "2023" and parts[3] == weakest_code and parts[4] == before.weakest[0][1]:
            parts[8] = "4"  # a reported band wins
        out.append(",".join(parts))
    path.write_text("".join(out), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    ds2 = repo.snapshot()
    after = {s.area: s for s in challenge_summaries(ds2, "3203", 2023)}["transport"]
    text_after = " ".join(summary_sentences(after, ds2.catalogue, "en", 2023))
    assert after.score > before.score and text_after != text_before
    assert (weakest_code, before.weakest[0][1]) not in after.weakest


def test_chl005_norwegian_summary_uses_decimal_comma(data_dir, cache_dir):
    ds = _repo(data_dir, cache_dir).snapshot()
    s = {x.area: x for x in challenge_summaries(ds, "3203", 2023)}["digital"]
    text = " ".join(summary_sentences(s, ds.catalogue, "nb", 2023))
    assert text.startswith("Utnyttelse av den gode digitale infrastrukturen får") and "Infrastrukturen får 100,0" in text
