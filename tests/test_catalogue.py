"""cat: the KPI catalogue (indicators.csv)."""

import csv
import re

from data import DEFAULT_CATALOGUE
from data.catalogue import kpi_slug, normalise_code
from data.taxonomy import CATEGORIES, SUB_DIMENSIONS


def test_cat001_91_official_codes_and_112_scored_units(catalogue):
    assert len(catalogue) == 91
    assert catalogue.unit_count == 112
    codes = [k.code for k in catalogue]
    assert len(set(codes)) == 91
    for code in codes:
        assert re.fullmatch(r"(EC|EN|SC): (ICT|P|I|EN|E|EH|SH): [A-Z]{1,3}: \d{1,2}[CA]", code), code


def test_cat002_structure_3_dimensions_7_subdimensions_22_category_names(catalogue):
    assert {k.dimension for k in catalogue} == {"EC", "EN", "SC"}
    assert {k.sub_dimension_code for k in catalogue} == set(SUB_DIMENSIONS)
    names = {CATEGORIES[k.category_code][0] for k in catalogue}
    assert len(names) == 22
    # Water and Sanitation exists under three sub-dimensions and stays three categories
    assert {k.category_code for k in catalogue if k.category == "WS"} == {"EC: ICT: WS", "EC: I: WS", "EN: EN: WS"}


def test_cat003_codes_match_whitespace_insensitively_and_through_aliases(catalogue):
    assert catalogue.resolve("SC: EH: ED:1C").code == "SC: EH: ED: 1C"
    assert catalogue.resolve("sc:eh:ed:1c").code == "SC: EH: ED: 1C"
    assert catalogue.resolve("EC: ICT: ICT: 5A").code == "EC: ICT: ICT: 5C"
    assert catalogue.resolve("SC: EH: H: 6A").code == "SC: EH: ED: 5A"
    assert catalogue.resolve("EC: ICT: ICT: 9C") is None
    # KS's mislabelled Wastewater Treatment "3C" is a real, different KPI: no alias
    assert catalogue.resolve("EN: EN: WS: 3C").name_en == "Freshwater Consumption"


def test_cat004_bokmal_names_are_reviewed_not_machine_drafts(catalogue):
    nb = {k.code: k.name_nb for k in catalogue}
    assert nb["SC: SH: HO: 1C"].startswith("Uformelle bosettinger")
    assert nb["EC: P: EM: 2C"] == "Ungdomsledighet"
    assert nb["SC: EH: H: 5A"] != nb["SC: EH: H: 4A"]
    drafts = {"Uformelle oppgjør", "ungdom Arbeidsledighet", "Inntrengning av etterspørselssvar", "Transportmodus Del",
              "Strømfrekvens for elektrisitetssystem", "Inntekts egenkapital", "Residentialt termisk energiforbruk"}
    assert not drafts & set(nb.values())
    for k in catalogue:
        assert k.name_nb and k.name_en and k.name_nb[0].isupper(), k.code


def test_cat005_every_kpi_is_defined_and_says_whose_wording_it_is(catalogue):
    """ITU's definition where its sources give one; elsewhere the project's own wording, marked as such."""
    for k in catalogue:
        assert k.definition_en and k.definition_nb, k.code
        assert k.definition_by in ("itu", "project"), k.code
    assert catalogue["EC: ICT: ICT: 1C"].definition_en == "Percentage of households with Internet access"
    assert catalogue["EC: ICT: ICT: 1C"].definition_by == "itu"
    assert catalogue["EC: P: EM: 1C"].definition_by == "project"  # none published: our wording, said to be ours
    assert sum(k.definition_by == "project" for k in catalogue) == 28


def test_cat006_every_kpi_and_data_point_has_a_direction_and_units(catalogue):
    for k in catalogue:
        assert k.direction in ("higher", "lower", "none")
        for dp in k.data_points:
            assert dp.direction in ("higher", "lower", "none")
        assert k.unit_en and k.unit_nb
    mode = catalogue["EC: I: T: 4A"]
    assert mode.direction_of("personal") == "lower" and mode.direction_of("public") == "higher"
    assert catalogue["EC: P: EM: 1C"].direction == "lower"


def test_cat007_sdg_links_carry_their_provenance(catalogue):
    k = catalogue["EC: ICT: ICT: 1C"]
    assert k.sdg_itu == ("17.8.1",) and k.sdg_goals_ks == ("17",)
    assert catalogue["EC: I: T: 1C"].sdg_itu == ()  # ITU gives none: only KS's mapping
    assert catalogue["EC: I: T: 1C"].sdg_targets_ks == ("11.2",)


def test_cat008_slugs_follow_the_route_contract(catalogue):
    assert kpi_slug("EC: ICT: ICT: 1C") == "ec-ict-ict-1c"
    assert catalogue.by_slug("ec-ict-ict-1c").code == "EC: ICT: ICT: 1C"
    assert normalise_code(" EN: EN: AQ: 2C ") == "EN:EN:AQ:2C"


def test_cat009_file_is_plain_utf8_csv_with_one_row_per_kpi():
    with open(DEFAULT_CATALOGUE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 91
