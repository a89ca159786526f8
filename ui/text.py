"""The one way the dashboard shows text holding anything from a user, a file or a link (a
configuration's ``# name:`` line, a file name, a link value, a problem message) in warnings,
errors, captions and spinners (st.info or st.toast would be added here the same way). Each
function takes our Markdown ``template`` and the foreign ``values`` for its ``{}`` slots; the
values are made inert by :func:`services.text.fill`. A template without values must be ours
alone, or Markdown already filled by ``fill`` (e.g. the link problems of
:mod:`services.view_state`)."""

from __future__ import annotations

from contextlib import AbstractContextManager

import streamlit as st

from services.text import fill, inert


def _markdown(template: str, values: tuple[object, ...]) -> str:
    return fill(template, *values) if values else template


def warning(template: str, *values: object) -> None:
    st.warning(_markdown(template, values))


def error(template: str, *values: object) -> None:
    st.error(_markdown(template, values))


def caption(template: str, *values: object) -> None:
    st.caption(_markdown(template, values))


def spinner(template: str, *values: object) -> AbstractContextManager:
    return st.spinner(_markdown(template, values))


def link_box(link: str, title: str = "") -> None:
    """A link to copy (the share box, a saved draft's link), whole and inert: a code span in
    Markdown, which the browser draws with the page's own code, where ``st.code`` would first
    fetch and parse Streamlit's 1.5 MB syntax highlighter (~0.5 s before a first map)."""
    st.markdown((f"**{title}**\n\n" if title else "") + inert(link, max_chars=len(link)))
