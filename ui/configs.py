"""The place configurations a session can choose: built-in schemes, published files and its own
uploads and edits (kept in the session, never on the server)."""

from __future__ import annotations

import streamlit as st

from services.io.place_files import published_configurations
from services.places import SCHEMES, PlaceConfig, session_label
from ui.keys import Key


def custom_configs() -> dict[str, PlaceConfig]:
    return st.session_state.setdefault(Key.CUSTOM_PLACES, {})


def config_names() -> list[str]:
    return [*SCHEMES, *published_configurations(), *custom_configs()]


def config_label(name: str) -> str:
    if name in SCHEMES:
        return f"Scheme: {SCHEMES[name]}"
    if name in custom_configs():
        return session_label(name, custom_configs()[name].name)
    return f"Published: {name.replace('_', ' ').title()}"
