"""The Places page's "Save draft" control: this ICB's places as they are now, saved as a place
draft (vintage = the view's generation, ICB = the view's ICB, parent = the draft they were
opened or edited from), then shown by id and link. The view then uses the draft, so the address
bar holds ``draft=<id>``. If the database is unreachable the draft waits in the session
(:mod:`ui.draft_session`) and the page says so."""

from __future__ import annotations

import re
from dataclasses import replace

import streamlit as st

from services.drafts import DRAFT_ID_HEX, DRAFT_REF_PREFIX, make_draft
from services.io.drafts_faults import SaveResult
from services.places import PlaceConfig
from ui import context as ui
from ui import draft_session, editing, text
from ui.keys import Key

_DRAFT_IN_SOURCE = re.compile(rf"{DRAFT_REF_PREFIX}([0-9a-f]{{{DRAFT_ID_HEX}}})")


def parent_of(config_name: str, config: PlaceConfig) -> str | None:
    """The draft this configuration was opened from, or edited from (an edit's source names
    what it was edited from: ``edited from draft:<id>``)."""
    found = _DRAFT_IN_SOURCE.findall(f"{config_name} {config.source}")
    return found[0] if found else None


def save_control() -> None:
    """The control, and what the last save said."""
    v, icb = ui.view(), ui.icb_code()
    config = editing.current_config()
    parent = parent_of(v.places, config)
    try:
        draft_session.retry()  # drafts waiting for the database, saved once it is back
    except draft_session.OPEN_ERRORS as error:
        st.error("A draft waiting to be saved was refused: " + draft_session.whole(error))
    draft_session.show_waiting()
    _say_saved()
    with st.expander("Save draft", icon=":material/save:", expanded=False), \
            st.form(Key.DRAFT_FORM, border=False):
        name = st.text_input("Draft name", value=config.name, max_chars=200)
        author = st.text_input("Author label", max_chars=100, placeholder="e.g. your initials")
        st.caption(f"Saves the places of {ui.icb_name(icb)} as they are now, as at "
                   f"{ui.workspace().generation.label}"
                   + (f", with draft {parent} as its parent." if parent else "."))
        submitted = st.form_submit_button("Save draft", icon=":material/save:")
    if submitted:
        _save(config, icb, name, author, parent)


def _save(config: PlaceConfig, icb: str, name: str, author: str, parent: str | None) -> None:
    """Save (or queue) the draft, switch the view to it and rerun; a draft that cannot be made
    says why and nothing changes (the form keeps what was typed)."""
    rows = list(editing.icb_blocks(config, icb).itertuples(index=False, name=None))
    try:
        draft = make_draft("place", ui.view().vintage, rows, name or config.name, author=author,
                           icb=icb)
        if parent and parent != draft.id:
            draft = replace(draft, parent_id=parent)
        result = draft_session.save(draft)
    except draft_session.OPEN_ERRORS as error:
        st.error("The draft was not saved: " + draft_session.whole(error))
        return
    st.session_state[Key.DRAFT_SAVED] = (draft.id, _status(result))
    ui.update(places=f"{DRAFT_REF_PREFIX}{draft.id}", area="")
    st.rerun()


def _status(result: SaveResult | None) -> str:
    if result is None:
        return "waiting"
    return "created" if result.created else "existed"


def _say_saved() -> None:
    """What the last save did, once, with the draft's id and link."""
    saved = st.session_state.pop(Key.DRAFT_SAVED, None)
    if saved is None:
        return
    draft_id, status = saved
    said = {"created": f"Saved draft {draft_id}.",
            "existed": f"This draft was saved before, as {draft_id} (same blocks, same id).",
            "waiting": f"Draft {draft_id} is kept in this session until the database is back; "
                       "its link opens it once it is saved."}[status]
    (st.warning if status == "waiting" else st.success)(said)
    text.link_box(ui.share_link(), "Link to it")
