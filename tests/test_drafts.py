"""Drafts without a database: ids, canonical form, the tiered draft file and its round trip."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from services.drafts import (
    Block,
    DraftError,
    SavedDraft,
    canonical_json,
    check_draft_id,
    draft_config,
    is_draft_ref,
    make_draft,
)
from services.io.draft_files import draft_csv_text, draft_from_file, read_draft_csv
from services.io.place_files import PlaceFileError

ROWS = [("Wigan", "lad", "E08000010"), ("Bolton", "lad", "E08000001"),
        ("Bolton", "ward", "E05000650")]


def test_canonical_json_is_sorted_compact_and_hashed_to_16_hex() -> None:
    draft = make_draft("place", "2024", ROWS, "GM")
    text = ('{"blocks":[["Bolton","lad","E08000001"],["Bolton","ward","E05000650"],'
            '["Wigan","lad","E08000010"]],"tier":"place","vintage":"2024"}')
    assert canonical_json(draft.tier, draft.vintage, draft.blocks) == text
    assert draft.id == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert draft.blocks[0] == Block("Bolton", "lad", "E08000001")
    assert draft.block_count == 3


def test_same_draft_same_id_whatever_the_row_order_case_or_spaces() -> None:
    first = make_draft("place", "2024", ROWS, "GM")
    shuffled = make_draft("place", "2024", [ROWS[2], ROWS[0], ROWS[1]], "GM")
    messy = make_draft("place", "2024", [(" Wigan ", "LAD", "e08000010"),
                                         ("Bolton", "lad ", "E08000001"),
                                         ("Bolton", "Ward", " e05000650")], "GM")
    assert first.id == shuffled.id == messy.id
    assert first.blocks == messy.blocks


def test_name_author_icb_and_parent_describe_but_do_not_change_the_id() -> None:
    plain = make_draft("place", "2024", ROWS, "GM")
    described = make_draft("place", "2024", ROWS, "Other name", author="JS", icb="e54000057",
                           parent_id="0123456789abcdef")
    assert described.id == plain.id
    assert described.icb == "E54000057"


def test_tier_vintage_and_blocks_each_change_the_id() -> None:
    ids = {make_draft("place", "2024", ROWS, "GM").id,
           make_draft("icb", "2024", [(a, "lad", c) for a, _, c in ROWS], "GM").id,
           make_draft("place", "2026", ROWS, "GM").id,
           make_draft("place", "2024", ROWS[:2], "GM").id,
           make_draft("place", "2024", [("Wigan", "lad", "E08000001"), *ROWS[1:]], "GM").id}
    assert len(ids) == 5


@pytest.mark.parametrize(("tier", "vintage", "rows", "name", "said"), [
    ("ccg", "2024", ROWS, "GM", "not one of icb, place, neighbourhood"),
    ("place", "2019", ROWS, "GM", "not a generation"),
    ("place", "2024", [("A", "pcn", "U1")], "GM", "'pcn' is not one of lad, hwb"),
    ("neighbourhood", "2024", [("N", "lad", "E08000001")], "GM", "'lad' is not one of ward"),
    ("place", "2024", [("", "lad", "E08000001")], "GM", "empty place name"),
    ("place", "2024", [], "GM", "no blocks"),
    ("place", "2024", ROWS, "  ", "needs a name"),
])
def test_bad_drafts_say_what_to_do(tier, vintage, rows, name, said) -> None:
    with pytest.raises(DraftError, match=said):
        make_draft(tier, vintage, rows, name)


def test_draft_ids_are_checked() -> None:
    assert check_draft_id("draft:0123456789ABCDEF") == "0123456789abcdef"
    assert is_draft_ref("draft:0123456789abcdef") and not is_draft_ref("greater_manchester")
    for bad in ("0123456789abcde", "0123456789abcdef0", "0123456789abcdeg", "../etc/passwd", ""):
        with pytest.raises(DraftError, match="is not a draft id: a draft id is 16 hex digits"):
            check_draft_id(bad)


def test_draft_csv_round_trips_to_the_same_draft() -> None:
    draft = make_draft("neighbourhood", "2026", [("Farnworth", "ward", "E05000651"),
                                                 ("Farnworth", "pcn", "U12345")], "Bolton N",
                       author="JS", icb="E54000057")
    text = draft_csv_text(draft, draft.id)
    assert text.splitlines()[:5] == ["# name: Bolton N", "# vintage: 2026", "# icb: E54000057",
                                     "# author: JS", f"# draft: {draft.id}"]
    again = draft_from_file(read_draft_csv(text))
    assert again == draft


def test_an_edited_export_has_its_draft_as_parent() -> None:
    draft = make_draft("place", "2024", ROWS, "GM")
    edited = draft_csv_text(draft, draft.id).replace("Wigan,lad", "Wigan North,lad")
    child = draft_from_file(read_draft_csv(edited))
    assert child.id != draft.id and child.parent_id == draft.id


def test_place_files_read_as_place_drafts_with_their_facts() -> None:
    text = "# name: GM\n# vintage: 2024\nplace,block_type,code\nBolton,lad,E08000001\n"
    draft = draft_from_file(read_draft_csv(text))
    assert (draft.tier, draft.vintage, draft.name) == ("place", "2024", "GM")
    assert draft_from_file(read_draft_csv(text), vintage="2024").id == draft.id
    with pytest.raises(DraftError, match="says '# vintage: 2024' but --vintage 2026"):
        draft_from_file(read_draft_csv(text), vintage="2026")


@pytest.mark.parametrize(("text", "said"), [
    ("ccg,block_type,code\nA,lad,E08000001\n", "line 1: header is ccg,block_type,code; it must "
                                               "be icb,block_type,code or place"),
    ("icb,block_type,code\nA,ward,E05000650\nB,lad\n", "2 problem"),
    ("place,block_type,code\n\n", "no rows"),
])
def test_bad_draft_files_name_their_lines(text, said) -> None:
    with pytest.raises(PlaceFileError, match=said):
        read_draft_csv(text)


def test_draft_config_has_the_tier_as_first_column() -> None:
    draft = make_draft("place", "2024", ROWS, "GM")
    config = draft_config(SavedDraft(draft.id, draft, datetime.now(UTC)))
    assert list(config.blocks.columns) == ["place", "block_type", "code"]
    assert (config.name, config.vintage, config.source) == ("GM", "2024", f"draft:{draft.id}")
    assert config.place_count == 2
