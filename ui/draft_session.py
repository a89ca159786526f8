"""This session's saved drafts: the queue of saves waiting for the database (nothing is lost
while it is unreachable) and the drafts it uses as place configurations.

A draft used as the view's configuration (``places="draft:<id>"``) is kept with the session's
uploads and edits (``ui.configs.custom_configs``, key ``draft:<id>``), so every page finds it
the way it finds an upload; it comes from this session's queue if it is waiting there, else from
the database (drafts are immutable: the same id is the same blocks on every server).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from layers import GENERATIONS
from services.drafts import (
    DRAFT_REF_PREFIX,
    Draft,
    DraftError,
    SavedDraft,
    check_tier,
    is_draft_ref,
)
from services.io.drafts_faults import DraftNotFound, DraftsUnavailable, SaveResult
from services.io.pending_saves import PendingSaves
from services.places import PlaceConfig, keep_session_config
from services.text import fill, inert
from services.view_state import ViewState
from ui import text
from ui.configs import custom_configs
from ui.keys import Key

#: What a draft that cannot be opened raises (each message says what to do).
OPEN_ERRORS = (DraftError, DraftNotFound, DraftsUnavailable)


@dataclass(frozen=True)
class Opened:
    """A draft as this session uses it: its configuration and the generation of its codes."""

    ref: str
    config: PlaceConfig
    vintage: str
    icb: str | None


def whole(error: Exception) -> str:
    """Our error message in full, inert (it may hold a path or a value from a link); a
    KeyError's message comes quoted."""
    message = str(error).strip("'\"")
    return inert(message, max_chars=len(message))


def pending() -> PendingSaves:
    """This session's queue of drafts waiting for the database (one per session)."""
    queue = st.session_state.get(Key.PENDING_DRAFTS)
    if queue is None:
        from services.io.drafts_db import shared_db  # SQLAlchemy: once a draft is saved

        queue = st.session_state[Key.PENDING_DRAFTS] = PendingSaves(shared_db())
    return queue


def save(draft: Draft) -> SaveResult | None:
    """Save now, or queue it (None) when the database is unreachable; either way the session
    can use it at once."""
    result = pending().save(draft)
    if draft.tier == "place":
        _keep(draft if result is None else result.saved.draft, draft.id)
    return result


def retry() -> list[SaveResult]:
    """Save what waits (oldest first); called on each run of the drafts controls."""
    queue = pending()
    return queue.flush() if queue.pending else []


def config_of(draft: Draft) -> PlaceConfig:
    blocks = [(b.area, b.block_type, b.code) for b in draft.blocks]
    return PlaceConfig(draft.name, f"{DRAFT_REF_PREFIX}{draft.id}",
                       pd.DataFrame(blocks, columns=["place", "block_type", "code"]),
                       draft.vintage)


def _keep(draft: Draft, draft_id: str) -> Opened:
    ref = f"{DRAFT_REF_PREFIX}{draft_id}"
    config = config_of(draft)
    keep_session_config(custom_configs(), ref, config)
    st.session_state.setdefault(Key.DRAFT_ICBS, {})[ref] = draft.icb
    return Opened(ref, config, draft.vintage, draft.icb)


def open_draft(ref: str) -> Opened:
    """The draft ``ref`` names, from this session, its queue or the database; a draft that is
    not of the place tier is refused. Raises :data:`OPEN_ERRORS`."""
    waiting = next((d for d in pending().pending if DRAFT_REF_PREFIX + d.id == ref), None)
    known = custom_configs().get(ref)
    if known is not None:
        return Opened(ref, known, known.vintage or "", known_icb(ref))
    saved: SavedDraft | Draft = waiting or pending().db.load(ref.removeprefix(DRAFT_REF_PREFIX))
    draft = saved if isinstance(saved, Draft) else saved.draft
    check_tier(draft.tier, "place", f"draft {ref.removeprefix(DRAFT_REF_PREFIX)}")
    return _keep(draft, ref.removeprefix(DRAFT_REF_PREFIX))


def config_for(ref: str, vintage: str) -> PlaceConfig:
    """The draft as the configuration of a view with ``vintage``'s boundaries; a draft of
    another generation is refused with which one to choose. Raises :data:`OPEN_ERRORS`."""
    opened = open_draft(ref)
    if opened.vintage != vintage:
        raise DraftError(f"draft {ref.removeprefix(DRAFT_REF_PREFIX)} uses the codes of the "
                         f"{GENERATIONS[opened.vintage].label} boundaries: choose "
                         f"{GENERATIONS[opened.vintage].label} under Boundaries as at to use it")
    return opened.config


def known_icb(ref: str) -> str | None:
    """The ICB a draft of this session was saved for (kept when it was opened or saved)."""
    return st.session_state.setdefault(Key.DRAFT_ICBS, {}).get(ref)


def open_linked(state: ViewState) -> tuple[ViewState, list[str]]:
    """The view a link asks for, with its draft (``draft=<id>``) opened: a draft this database
    lacks, or that cannot be read now, is named and the default configuration shown; a draft of
    another generation switches the view to it, and says so."""
    if not is_draft_ref(state.places):
        return state, []
    try:
        opened = open_draft(state.places)
    except OPEN_ERRORS as error:
        return state.with_(places=ViewState().places), [
            f"the draft in the link cannot be opened ({whole(error)}); showing the default "
            "scheme"]
    problems = []
    if opened.vintage != state.vintage:
        problems.append(fill(f"draft {{}} uses the codes of the "
                             f"{GENERATIONS[opened.vintage].label} boundaries: switched to them "
                             f"(the link asked for {GENERATIONS[state.vintage].label})",
                             opened.ref.removeprefix(DRAFT_REF_PREFIX)))
        state = state.with_(vintage=opened.vintage, icb=opened.icb or "")
    elif opened.icb and not state.icb:
        state = state.with_(icb=opened.icb)
    return state, problems


def show_waiting() -> None:
    """Drafts waiting for the database: said plainly, with what to do and a retry button."""
    queue = pending()
    if not queue.pending:
        return
    ids = ", ".join(d.id for d in queue.pending)
    text.warning(f"{len(queue.pending)} draft(s) are not saved yet, because the drafts database "
                 "is unreachable: {}. They are kept in this session (and open here) and are "
                 "saved when the database is back: on the next save, the next run of this page "
                 "or with Retry. Keep this tab open, or download the draft as a file; drafts "
                 f"waiting: {ids}.", queue.last_error or "no answer")
    if st.button("Retry saving", icon=":material/sync:"):
        try:
            saved = retry()
        except OPEN_ERRORS as error:
            st.error("A waiting draft cannot be saved: " + whole(error))
            return
        if not pending().pending:
            st.success(f"Saved {len(saved)} waiting draft(s): "
                       f"{', '.join(r.saved.id for r in saved)}.")
