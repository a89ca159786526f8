"""Foreign text becomes one Markdown code span showing it exactly as typed."""

from __future__ import annotations

import re

import pytest

from services.text import (
    SHOWN_MAX_CHARS,
    WORD_JOINER,
    fill,
    inert,
    printable,
    shorten,
    visible,
)
from tests.hostile import CORPUS


def _span(markdown: str) -> tuple[str, str]:
    """(fence, content) of a Markdown string that must be exactly one code span."""
    match = re.fullmatch(r"(`+) (.*) \1", markdown, flags=re.DOTALL)
    assert match, markdown
    return match.group(1), match.group(2)


@pytest.mark.parametrize("hostile", CORPUS)
def test_each_hostile_string_is_one_code_span_holding_it_as_typed(hostile: str) -> None:
    fence, content = _span(inert(hostile))
    assert content.replace(WORD_JOINER, "") == hostile
    assert fence not in content  # nothing inside can close the span early
    assert "\n" not in content


@pytest.mark.parametrize("hostile", CORPUS)
def test_fill_keeps_the_template_and_makes_each_value_inert(hostile: str) -> None:
    assert fill("Link: {} was ignored, {} too.", hostile, "x") == (
        f"Link: {inert(hostile)} was ignored, ` x ` too.")


def test_backticks_in_the_value_get_a_longer_fence() -> None:
    assert inert("a`b``c") == "``` a`b``c ```"
    assert inert("`") == "`` ` ``"


def test_line_breaks_and_bidi_controls_are_shown_not_obeyed() -> None:
    """A blank line would end the span (and start a heading); U+202E would reverse the text."""
    assert inert("line\n\n# heading") == "` line\\u000a\\u000a# heading `"
    assert inert("\u202egnp.exe") == "` \\u202egnp.exe `"
    assert visible("tab\there\u2028") == "tab\\u0009here\\u2028"


def test_streamlits_material_icon_rewrite_is_defeated() -> None:
    """Streamlit's browser code replaces ':material/' even in code; the word joiner stops it."""
    assert inert(":material/warning:") == f"` :{WORD_JOINER}material/warning: `"


def test_long_values_are_cut_and_their_length_given() -> None:
    value = "a" * 100_000
    assert shorten(value, 5) == "aaaaa… (100,000 characters)"
    assert len(inert(value)) < SHOWN_MAX_CHARS + 40


def test_empty_and_non_string_values() -> None:
    assert inert("") == "(empty)"
    assert inert(ValueError("bad <b>")) == "` bad <b> `"


def test_fill_refuses_a_template_that_does_not_match_its_values() -> None:
    with pytest.raises(ValueError, match="2 slots for 1 values"):
        fill("{} and {}", "x")


def test_terminal_text_keeps_its_lines_and_shows_escapes() -> None:
    """The CLI's table: a name holding ESC [2J would clear the reviewer's terminal."""
    assert printable("\x1b[2JBolton\nBury\u202e") == "\\u001b[2JBolton\nBury\\u202e"
