"""Search as you type, tolerant of typos (services/search.py), on a hand-made list of areas."""

from __future__ import annotations

import pandas as pd
import pytest

from services.search import SearchIndex, normalise

AREAS = pd.DataFrame([  # in tie order: ICB, place, council, PCN, ward
    ("icb", "E54000057", "NHS Greater Manchester Integrated Care Board", "QOP"),
    ("place", "Bolton", "Bolton", None),
    ("lad", "E08000001", "Bolton", None),
    ("lad", "E06000005", "Darlington", None),
    ("lad", "E07000146", "King's Lynn and West Norfolk", None),
    ("pcn", "U65316", "BOLTON CENTRAL PCN", None),
    ("ward", "E05000001", "Belton", None),
    ("ward", "E05000002", "Burythorpe", None),
    ("ward", "E05000003", "Bury", None),
], columns=["layer", "code", "name", "ods_code"]).assign(icb_code="E54000057",
                                                       icb_name="Greater Manchester")


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(AREAS)


def _found(index: SearchIndex, query: str) -> list[tuple[str, str]]:
    return [(hit.layer, hit.name) for hit in index.search(query)]


def test_normalise_drops_case_accents_apostrophes_and_punctuation() -> None:
    assert normalise("King's Lynn & West-Norfolk, Bórough") == "kings lynn and west norfolk borough"


def test_a_typo_finds_the_name(index: SearchIndex) -> None:
    """bolten/bolton: 5 letters in common, ratio 2·5/12 = 83 % ≥ 75 %; belton only 4
    (2·4/12 = 67 %); the PCN has two more words: 2 points off."""
    assert _found(index, "bolten") == [("place", "Bolton"), ("lad", "Bolton"),
                                       ("pcn", "BOLTON CENTRAL PCN")]
    assert _found(index, "darlinton") == [("lad", "Darlington")]  # 2·9/19 = 95 %


def test_as_you_type_a_word_begun_matches(index: SearchIndex) -> None:
    assert _found(index, "manch") == [("icb", "NHS Greater Manchester Integrated Care Board")]
    assert _found(index, "bolte")[:2] == [("place", "Bolton"), ("lad", "Bolton")]  # bolto: 80 %
    assert _found(index, "bury") == [("ward", "Bury"), ("ward", "Burythorpe")]  # whole first


def test_every_word_must_match(index: SearchIndex) -> None:
    assert _found(index, "bolton central") == [("pcn", "BOLTON CENTRAL PCN")]
    assert _found(index, "kings lynn") == [("lad", "King's Lynn and West Norfolk")]
    assert _found(index, "bolton zzzz") == []


def test_codes_match_whole_or_by_their_start(index: SearchIndex) -> None:
    assert _found(index, "e08000001") == [("lad", "Bolton")]
    assert _found(index, "QOP") == [("icb", "NHS Greater Manchester Integrated Care Board")]
    assert _found(index, "E0800") == [("lad", "Bolton")]


def test_short_or_unlike_queries_find_nothing(index: SearchIndex) -> None:
    assert _found(index, "") == [] and _found(index, "  ") == []
    assert _found(index, "zz") == [] and _found(index, "xylophone") == []


def test_a_hit_shows_type_name_and_icb(index: SearchIndex) -> None:
    hit = index.search("darlinton")[0]
    assert (hit.layer, hit.code, hit.name, hit.icb_name) == ("lad", "E06000005", "Darlington",
                                                             "Greater Manchester")
    assert hit.score == pytest.approx(2 * 9 / 19 * 100)
