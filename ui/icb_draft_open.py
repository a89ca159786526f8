"""Opening an ICB draft from the Drafts page: a saved one, or the April 2026 ICBs written as a
draft over April 2024 (one click, so a reviewer sees the merger is just another configuration)."""

from __future__ import annotations

import streamlit as st

from layers import GENERATIONS, LATEST
from services.drafts import DRAFT_REF_PREFIX, make_draft
from services.icb_drafts import generation_icb_rows
from services.view_state import ViewState
from ui import context, draft_session, icb_draft
from ui.keys import Key
from ui.shared import shared_store

#: The generation change the example shows: the latest ICBs over the generation before them.
EXAMPLE_OVER = next(g.id for g in GENERATIONS.values() if g.id != LATEST)


def open_icbs(ref: str, page: str) -> None:
    """The view takes the ICB draft (and its generation) and goes to ``page``; a draft that
    cannot be used is said, the view unchanged."""
    v = context.view()
    state = v.with_(icbs=ref, icb="", area="", lat=None, lon=None, zoom=None)
    try:
        vintage = icb_draft.config_of(ref).vintage
        if vintage != v.vintage:  # place drafts are of one generation: the default then
            state = state.with_(vintage=vintage, places=ViewState().places)
        icb_draft.drafted(state)
    except icb_draft.OPEN_ERRORS as error:
        st.error(f"ICB draft {ref.removeprefix(DRAFT_REF_PREFIX)} cannot be opened: "
                 + draft_session.whole(error))
        return
    st.session_state[Key.VIEW] = state
    st.session_state.pop(Key.MAP_START, None)
    st.switch_page(page)


def generation_example() -> None:
    """One click: the latest ICBs as a draft over the generation before, saved and opened."""
    target, over = GENERATIONS[LATEST], GENERATIONS[EXAMPLE_OVER]
    st.subheader("An ICB change as a draft")
    st.caption(f"The {target.label} ICBs written as an ICB draft over the {over.label} "
               "boundaries (the LSOAs whose ICB changed, by sub-ICB location where it moves "
               f"whole): every page then shows {over.label} with the {target.label} ICBs, and "
               "the flags re-evaluated over them.")
    if not st.button(f"Open {target.label} as a draft over {over.label}",
                     key=f"{Key.ICB_DRAFTS}-example"):
        return
    rows = generation_icb_rows(shared_store(), target.id, over.id)
    draft = make_draft("icb", over.id, rows, f"ICBs of {target.label} over {over.label}")
    try:
        draft_session.save(draft)  # queued in the session when the database is unreachable
    except draft_session.OPEN_ERRORS as error:
        st.error("The draft could not be saved: " + draft_session.whole(error))
        return
    open_icbs(DRAFT_REF_PREFIX + draft.id, "pages/map.py")
