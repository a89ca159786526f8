"""A draft's codes checked against the store before it is saved (squares, tests/squares.py), and
the parent the Save draft control names."""

from __future__ import annotations

import pandas as pd
import pytest

from services.draft_checks import check_codes
from services.drafts import make_draft
from services.io.place_files import PlaceFileError
from services.places import PlaceConfig
from tests.squares import squares_store
from ui.draft_save import parent_of

STORE = squares_store({"X1": 1, "X2": 2, "X3": 3, "X4": 4})
ID = "0123456789abcdef"


def test_known_codes_pass_in_any_tier() -> None:
    check_codes(make_draft("place", "2026", [("West", "lad", "L"), ("East", "lsoa", "X2")], "ok"),
                STORE, "ok.csv")
    check_codes(make_draft("icb", "2026", [("Big", "sub_icb", "S")], "ok"), STORE, "ok.csv")


def test_every_unknown_code_is_listed() -> None:
    draft = make_draft("place", "2026", [("West", "lad", "L"), ("West", "lad", "NOPE"),
                                         ("East", "lsoa", "X9")], "bad")
    with pytest.raises(PlaceFileError) as caught:
        check_codes(draft, STORE, "bad.csv")
    problems = caught.value.problems
    assert sorted(problems["code"]) == ["NOPE", "X9"]
    assert problems["problem"].str.startswith("unknown ").all()


def test_the_parent_is_the_draft_opened_or_edited_from() -> None:
    blocks = pd.DataFrame(columns=["place", "block_type", "code"])
    assert parent_of(f"draft:{ID}", PlaceConfig("GM", f"draft:{ID}", blocks)) == ID
    assert parent_of("edit: GM (edited)", PlaceConfig(
        "GM (edited)", f"edited from edited from draft:{ID}", blocks)) == ID
    assert parent_of("greater_manchester", PlaceConfig("GM", "published", blocks)) is None
