"""An ICB draft as the view's ICBs (``ViewState.icbs = "draft:<id>"``, in a link
``icbs=draft:<id>``): every page runs over the generation's view with the draft applied
(:func:`services.icb_drafts.apply_icb_draft`), and its flags add the ICB tier's rules.

The drafted workspace is made once per server per generation and draft id (a draft is
immutable: one id is one set of blocks on every server) and a few are kept
(:data:`DRAFTED_VIEWS_KEPT`). The draft comes from this session (opened before), its queue of
saves waiting for the database, or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from layers import GENERATIONS
from services.drafts import (
    DRAFT_REF_PREFIX,
    DraftConfig,
    DraftError,
    SavedDraft,
    check_draft_id,
    check_tier,
    draft_config,
)
from services.icb_drafts import DraftedIcbs, apply_icb_draft
from services.io.place_files import PlaceFileError
from services.text import fill
from services.view_state import ViewState
from services.workspace import Workspace
from ui import draft_session
from ui.keys import Key
from ui.shared import shared_store, shared_workspace

#: Drafted views a server keeps (each is one generation's ICB layer, overlaps and geographies).
DRAFTED_VIEWS_KEPT = 4
#: What an ICB draft that cannot be used raises (each message says what to do).
OPEN_ERRORS = (*draft_session.OPEN_ERRORS, PlaceFileError)


@dataclass(frozen=True)
class Drafted:
    """An ICB draft applied: what changed (``icbs``) and the engine over the drafted view."""

    icbs: DraftedIcbs
    workspace: Workspace


def config_of(ref: str) -> DraftConfig:
    """The ICB draft ``ref`` names; another tier's draft is refused saying where it opens."""
    kept: dict[str, DraftConfig] = st.session_state.setdefault(Key.ICB_DRAFTS, {})
    if ref in kept:
        return kept[ref]
    draft_id = check_draft_id(ref)
    waiting = next((d for d in draft_session.pending().pending if d.id == draft_id), None)
    saved = (SavedDraft(draft_id, waiting, datetime.now(UTC)) if waiting is not None
             else draft_session.pending().db.load(draft_id))
    check_tier(saved.draft.tier, "icb", f"draft {draft_id}")
    kept[ref] = config = draft_config(saved)
    return config


@st.cache_resource(show_spinner="Drawing the drafted ICBs…", max_entries=DRAFTED_VIEWS_KEPT)
def _drafted(_config: DraftConfig, vintage: str, draft_id: str) -> Drafted:
    """Keyed by generation and draft id (the config is that id's blocks); read-only."""
    icbs = apply_icb_draft(shared_store().generation(vintage), _config)
    return Drafted(icbs, Workspace(icbs.store))


def drafted(state: ViewState) -> Drafted:
    """The view's ICB draft applied; raises :data:`OPEN_ERRORS` (a draft of another
    generation, of another tier, unknown here, or with codes its generation lacks)."""
    config = config_of(state.icbs)
    if config.vintage != state.vintage:
        raise DraftError(f"ICB draft {config.draft_id} uses the codes of the "
                         f"{GENERATIONS[config.vintage].label} boundaries: choose "
                         f"{GENERATIONS[config.vintage].label} under Boundaries as at to use it")
    return _drafted(config, state.vintage, config.draft_id)


def workspace(state: ViewState) -> Workspace:
    """The engine the view runs over: the generation's, or its drafted view."""
    return drafted(state).workspace if state.icbs else shared_workspace(state.vintage)


def opened(state: ViewState) -> tuple[ViewState, list[str]]:
    """The view with its ICB draft usable: a draft of another generation switches the view to
    that generation (said); one that cannot be used is named and the published ICBs shown."""
    if not state.icbs:
        return state, []
    problems = []
    try:
        vintage = config_of(state.icbs).vintage
        if vintage != state.vintage:
            problems.append(f"the ICB draft uses the codes of the {GENERATIONS[vintage].label} "
                            f"boundaries: switched to them (the link asked for "
                            f"{GENERATIONS[state.vintage].label})")
            state = state.with_(vintage=vintage, icb="")
        drafted(state)
    except OPEN_ERRORS as error:
        return state.with_(icbs=""), [f"the ICB draft {state.icbs.removeprefix(DRAFT_REF_PREFIX)}"
                                      f" cannot be opened ({draft_session.whole(error)}); "
                                      "showing the published ICBs"]
    return state, problems


def sidebar_notice(state: ViewState) -> None:
    """Say plainly that the ICBs are a draft (name, id, what changed), with a way back."""
    if not state.icbs:
        return
    applied = drafted(state).icbs
    label = GENERATIONS[state.vintage].label
    st.info(fill(f"**ICBs: draft** {{}} ({{}}) over the {label} boundaries: "
                 f"{len(applied.icbs)} ICB(s) changed. Every page shows the drafted ICBs.",
                 applied.name, applied.draft_id), icon=":material/edit_note:")
    if st.button("Back to the published ICBs", key=f"{Key.ICB_DRAFTS}-back"):
        published = set(shared_workspace(state.vintage).store.layer("icb")["code"])
        st.session_state[Key.VIEW] = state.with_(
            icbs="", icb=state.icb if state.icb in published else "", area="")
        st.rerun()
