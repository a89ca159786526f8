"""A neighbourhood draft within the view's place configuration (``ViewState.neighbourhoods =
"draft:<id>"``, in a link ``neighbourhoods=draft:<id>``): its flags (crossing a place, council or
ICB; outside the guidance band, adjustable here; people of a place in no neighbourhood or two)
join the Flags page, checked all the way down: neighbourhood ⊂ place ⊂ ICB."""

from __future__ import annotations

import streamlit as st

from services.drafts import DRAFT_REF_PREFIX
from services.geography import Geography
from services.io.place_files import PlaceFileError
from services.neighbourhoods import PopulationBand
from services.places import PlaceConfig, load_config
from services.view_state import ViewState
from services.workspace import Workspace
from ui import context, draft_session, text
from ui.keys import Key

#: What a neighbourhood draft that cannot be used raises (each message says what to do).
OPEN_ERRORS = (*draft_session.OPEN_ERRORS, PlaceFileError, KeyError)
NESTING = ("Neighbourhoods are checked all the way down: neighbourhood ⊂ place ⊂ ICB (a "
           "neighbourhood crossing its place, council or ICB, a place's people in no "
           "neighbourhood or in two, a neighbourhood outside the guidance band).")


def config_of(ws: Workspace, ref: str) -> PlaceConfig:
    """The neighbourhood draft ``ref`` names, of the view's generation (kept in the session)."""
    kept: dict[tuple, PlaceConfig] = st.session_state.setdefault(Key.NEIGHBOURHOOD_DRAFTS, {})
    key = (ref, ws.store.generation_id)
    if key not in kept:
        kept[key] = load_config(ws.store, ref, tier="neighbourhood")
    return kept[key]


def geography(ws: Workspace, state: ViewState) -> Geography | None:
    """The view's neighbourhoods resolved, or None; one that cannot be used is said and left."""
    if not state.neighbourhoods:
        return None
    try:
        return ws.places(config_of(ws, state.neighbourhoods))
    except OPEN_ERRORS as error:
        text.warning("Neighbourhood draft {} cannot be used ({}); the flags leave it out.",
                     state.neighbourhoods.removeprefix(DRAFT_REF_PREFIX),
                     draft_session.whole(error))
        return None


def band(state: ViewState) -> PopulationBand:
    return PopulationBand(state.band_low, state.band_high)


def controls(state: ViewState) -> ViewState:
    """On the Flags page: which neighbourhoods, the nesting rule, the band (adjustable) and a
    way to leave them; returns the view with any change."""
    if not state.neighbourhoods:
        return state
    st.caption(NESTING)
    low, high, leave = st.columns([2, 2, 1])
    band_low = low.number_input("Band: fewest people", 0, 1_000_000, state.band_low, 1_000)
    band_high = high.number_input("Band: most people", 0, 1_000_000, state.band_high, 1_000)
    if leave.button("Leave the neighbourhoods", key=f"{Key.NEIGHBOURHOOD_DRAFTS}-leave"):
        return state.with_(neighbourhoods="")
    if band_low > band_high:
        st.warning("The band's fewest people is above its most: give a lower bound not above "
                   "the upper one; the band is unchanged.")
        return state
    return state.with_(band_low=int(band_low), band_high=int(band_high))


def offer_controls() -> None:
    """The controls of :func:`controls` for this session's view; a change is kept in the view
    (and the link) and the page reruns with it."""
    state = context.view()
    changed = controls(state)
    if changed != state:
        context.update(neighbourhoods=changed.neighbourhoods, band_low=changed.band_low,
                       band_high=changed.band_high)
        st.rerun()
