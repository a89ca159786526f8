"""Hostile strings pushed into every page through a link and through an uploaded configuration
(its file name and ``# name:`` line) are shown as typed, in a code span, and never as a link,
HTML, LaTeX, emoji or directive; the view is left as the clean part of the link made it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services.places import session_key, session_label
from services.text import SHOWN_MAX_CHARS, inert
from tests.hostile import CORPUS
from tests.pages.links import shown_link

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM, DORSET = "E54000057", "E54000041"
PAGES = ("map", "coterminosity", "coverage", "flags", "places", "export", "data")
GROUPS = [CORPUS[i:i + 6] for i in range(0, len(CORPUS), 6)]  # each joined stays < 200 chars
CODE_SPAN = re.compile(r"(`+) .*? (?<!`)\1(?!`)", re.DOTALL)
MARKDOWN_FIELDS = ("body", "label", "help", "caption", "placeholder")
PLAIN_TEXT = frozenset({"text", "json"})  # st.text and st.json never read Markdown


def _elements(node) -> Iterator:
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for child in children.values():
        yield from _elements(child)


def _assert_inert(app: AppTest, group: tuple[str, ...]) -> None:
    """No element renders any hostile string as Markdown: each appears only inside a code span,
    never in Markdown that allows HTML, only escaped in HTML, and no LaTeX element holds it."""
    for element in _elements(app._tree):
        proto = getattr(element, "proto", None)
        if proto is None or element.type in PLAIN_TEXT:
            continue
        names = {field.name for field in proto.DESCRIPTOR.fields}
        for field in MARKDOWN_FIELDS:
            if field not in names or not isinstance(text := getattr(proto, field), str):
                continue
            if element.type == "html":  # HTML, no Markdown (no autolink, emoji or LaTeX):
                for hostile in group:  # a value is inert there once escaped
                    assert hostile == escape(hostile) or hostile not in text, text
                continue
            outside = CODE_SPAN.sub("", text)
            html = getattr(proto, "allow_html", False) or element.type == "latex"
            for hostile in group:
                assert hostile not in (text if html else outside), (element.type, text)


def _open(page: str, query: dict) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "map":
        app.switch_page(f"pages/{page}.py")
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: f"corpus{CORPUS.index(g[0])}")
@pytest.mark.parametrize("page", PAGES)
def test_hostile_link_values_are_shown_as_typed_on_every_page(maps, page: str,
                                                              group: tuple[str, ...]) -> None:
    """Each hostile string as an unknown key, a repeated ICB, the area and the configuration."""
    query = {**{hostile: "1" for hostile in group}, "icb": [*group, GM],
             "area": " ".join(group), "places": group[0]}
    app = _open(page, query)
    warning = app.warning[0].value
    assert warning.startswith("The link was not used in full:")
    for hostile in group:
        assert inert(hostile, 60) in warning  # the literal text, as a code span
    assert f"area {inert(' '.join(group))} is not a code" in warning
    assert f"place configuration {inert(group[0])} is not known here" in warning
    _assert_inert(app, group)
    assert dict(app.query_params) == {"icb": GM}  # nothing else of the view changed


def _upload(app: AppTest, group: tuple[str, ...], rows: str) -> AppTest:
    name = " ".join(group)
    assert len(name) < SHOWN_MAX_CHARS
    csv = f"# name: {name}\n# source: {group[-1]}\nplace,block_type,code\n{rows}"
    app.get("file_uploader")[0].set_value((f"{group[0]}.csv", csv.encode(), "text/csv"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: f"corpus{CORPUS.index(g[0])}")
def test_an_uploaded_configuration_name_is_shown_as_typed_on_every_page(
        maps, group: tuple[str, ...]) -> None:
    name = " ".join(group)
    app = _upload(_open("places", {"icb": DORSET, "places": "dorset"}), group,
                  f'"{group[1]}",hwb,E06000059\n"Bournemouth, Christchurch & Poole",hwb,'
                  "E06000058\n")
    key = session_key("upload", name)  # uploads live in their own namespace
    assert app.query_params["places"] == key
    assert any(inert(session_label(key, name)) in c.value for c in app.caption)
    for page in PAGES:
        app.switch_page(f"pages/{page}.py")
        app.run()
        assert not app.exception, (page, [e.value for e in app.exception])
        _assert_inert(app, group)
        assert app.query_params["places"] == key and app.query_params["icb"] == DORSET


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: f"corpus{CORPUS.index(g[0])}")
def test_an_upload_with_bad_rows_names_the_file_and_configuration_as_typed(
        maps, group: tuple[str, ...]) -> None:
    app = _upload(_open("places", {"icb": DORSET, "places": "dorset"}), group,
                  f'"{group[1]}",hwb,E99999999\n')
    errors = " ".join(e.value for e in app.error)
    assert inert(" ".join(group)) in errors or inert(f"{group[0]}.csv") in errors, errors
    _assert_inert(app, group)
    assert app.query_params["places"] == "dorset"  # nothing was applied


def test_a_link_of_repeated_keys_1001_parameters_and_a_100_kb_value(maps) -> None:
    """Capped before any widget or the share box sees it: the page shows the linked ICB, one
    warning names each ignored part, and the share box holds only what was used."""
    query = {"icb": ["E54000050", GM], "area": "A" * 100_000,
             **{f"k{i}": "1" for i in range(1001 - 3)}}
    app = _open("map", query)
    assert app.title[0].value == "NHS Greater Manchester Integrated Care Board"
    warning = app.warning[0].value
    for part in ("` icb ` was given 2 times: the last, ` E54000057 `, was used and "
                 "` E54000050 ` ignored",
                 "the value of ` area ` is longer than 2,000 characters and was ignored",
                 "a link holds at most 50 parameters: the 951 after them were ignored"):
        assert part in warning
    assert len(warning) < 2_000
    assert shown_link(app.sidebar, "Share this view").endswith("?icb=E54000057")
    assert dict(app.query_params) == {"icb": GM}
