"""A flag's numbers read out as text and the areas it names, on hand-made flags (answers worked
by hand) and on every flag the four squares of tests/test_slivers.py raise."""

from __future__ import annotations

from services.flag_details import OTHER_LAYER, AreaRef, DetailRow, flag_areas, flag_details
from services.flags import RULES, misalignment_flags
from services.places import DEFAULT_SCHEME
from tests.test_slivers import _workspace

NAMES = {"E54000044": "Bucks", "E54000059": "Northants", "E10000014": "Hampshire",
         "E54000067": "Hampshire and the Isle of Wight", "E54000064": "Thames Valley"}


def _name(ref: AreaRef) -> str:
    return NAMES.get(ref.code, ref.code)


def test_every_rule_declares_the_layer_of_the_areas_it_names() -> None:
    assert set(OTHER_LAYER) == {rule.id for rule in RULES}


def test_a_place_crossing_its_icb_names_the_place_and_both_icbs() -> None:
    flag = {"rule": "place_crosses_icb", "layer": "place", "code": "Oxfordshire (QOX)",
            "numbers": {"icb_code": "E54000044", "population_outside": 6331,
                        "population_share_outside": 0.0091, "other_icbs": {"E54000059": 6331}}}
    assert flag_areas(flag) == (AreaRef("place", "Oxfordshire (QOX)"),
                                AreaRef("icb", "E54000044"), AreaRef("icb", "E54000059"))
    assert flag_details(flag, _name) == [
        DetailRow("Its ICB", "Bucks (E54000044)"), DetailRow("People outside its ICB", "6,331"),
        DetailRow("Share of its people outside its ICB", "0.9%"),
        DetailRow("In Northants (E54000059)", "6,331 people")]


def test_an_hwb_area_split_across_icbs_gives_a_row_per_icb() -> None:
    flag = {"rule": "hwb_split_across_icbs", "layer": "hwb", "code": "E10000014",
            "numbers": {"area_count": 2,
                        "population_share_by_area": {"E54000067": 0.75, "E54000064": 0.25},
                        "population_by_area": {"E54000067": 900, "E54000064": 300}}}
    assert [ref.key for ref in flag_areas(flag)] == ["hwb:E10000014", "icb:E54000067",
                                                     "icb:E54000064"]
    assert flag_details(flag, _name) == [
        DetailRow("Areas it is split across", "2"),
        DetailRow("In Hampshire and the Isle of Wight (E54000067)",
                  "900 people, 75.0% of its people"),
        DetailRow("In Thames Valley (E54000064)", "300 people, 25.0% of its people")]


def test_a_place_splitting_a_council_names_the_council() -> None:
    flag = {"rule": "place_splits_lad", "layer": "place", "code": "North",
            "numbers": {"lad_code": "E07000001", "population_in_both": 1200,
                        "share_of_lad": 0.4, "share_of_place": 0.125}}
    assert flag_areas(flag) == (AreaRef("place", "North"), AreaRef("lad", "E07000001"))
    assert [row.value for row in flag_details(flag, _name)] == ["E07000001",
                                                               "1,200", "40.0%", "12.5%"]


def test_a_gap_names_its_icb_and_a_vintage_flag_names_nothing() -> None:
    gap = {"rule": "places_leave_gap", "layer": "icb", "code": "E54000044",
           "numbers": {"population": 12, "population_share": 0.5}}
    assert flag_areas(gap) == (AreaRef("icb", "E54000044"),)
    assert flag_details(gap, _name) == [DetailRow("People", "12"),
                                        DetailRow("Share of the ICB's people", "50.0%")]
    vintage = {"rule": "vintage_mismatch", "layer": "info", "code": "ward~place",
               "numbers": {"vintages": ["2022", "configuration"]}}
    assert flag_areas(vintage) == ()
    assert flag_details(vintage, _name) == [DetailRow("Vintages compared",
                                                      "2022 and configuration")]


def test_an_unknown_number_is_shown_not_dropped() -> None:
    flag = {"rule": "places_overlap", "layer": "icb", "code": "I",
            "numbers": {"people_twice": 3}}
    assert flag_details(flag, _name) == [DetailRow("People twice", "3")]


def test_every_flag_of_the_squares_reads_as_text_and_names_areas_that_exist() -> None:
    ws = _workspace()
    places = ws.places(DEFAULT_SCHEME)
    flags, _ = misalignment_flags(ws, places)
    assert len(flags) > 5
    for flag in flags.to_dict(orient="records"):
        rows = flag_details(flag, _name)
        assert rows and all(row.value and "{" not in row.value for row in rows), flag
        for ref in flag_areas(flag):
            geography = places if ref.layer == "place" else ws.geography(ref.layer)
            assert ref.code in geography.names(), (flag["rule"], ref)
