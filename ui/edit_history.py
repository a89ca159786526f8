"""Undo and redo of the session's edits (map clicks, table edits, uploads): the session keeps one
:class:`services.place_edits.EditHistory`, each step a configuration and the view key it is
shown under; undo or redo shows that step's configuration again, as it was."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services.place_edits import EditHistory, EditStep
from services.places import SESSION_KINDS, PlaceConfig, keep_session_config
from ui import configs, text
from ui import context as ui
from ui.keys import Key


def current(shown: PlaceConfig) -> EditHistory:
    """The session's history, if the view still shows its current step (``shown``: the
    configuration on screen); else a new history starting at what the view shows (another
    configuration was chosen in the sidebar)."""
    history: EditHistory | None = st.session_state.get(Key.EDIT_HISTORY)
    key, config = ui.view().places, shown
    if history is not None and history.current.places_key == key \
            and history.current.config is config:
        return history
    return EditHistory.start(EditStep(key, config, "start"))


def record(before: EditHistory, key: str, config: PlaceConfig, label: str) -> None:
    """``config``, just adopted under view key ``key``, is the newest step after ``before``
    (the history as it was before adopting)."""
    st.session_state[Key.EDIT_HISTORY] = before.push(EditStep(key, config, label))


def controls(shown: PlaceConfig) -> None:
    """Undo and redo buttons, each saying what it would take back or do again."""
    history = current(shown)
    undo_column, redo_column, said = st.columns([1, 1, 6], vertical_alignment="center")
    undo_column.button("Undo", icon=":material/undo:", disabled=not history.can_undo,
                       width="stretch", key=Key.EDIT_UNDO, on_click=_show,
                       args=(history.undo,))
    redo_column.button("Redo", icon=":material/redo:", disabled=not history.can_redo,
                       width="stretch", key=Key.EDIT_REDO, on_click=_show,
                       args=(history.redo,))
    with said:
        if history.can_undo:
            text.caption("Undo takes back: {}" + (". Redo: {}" if history.can_redo else ""),
                         history.undo_label, *([history.redo_label] if history.can_redo else []))
        elif history.can_redo:
            text.caption("Redo: {}", history.redo_label)


def _show(step_to: Callable[[], EditHistory]) -> None:
    """Show the step ``step_to`` gives (a button's callback, run before the page): its
    configuration back under its key (a session configuration is kept again; a scheme or
    published one is always there)."""
    history = step_to()
    step = history.current
    if step.places_key.partition(":")[0] in SESSION_KINDS:  # maybe dropped since: keep again
        keep_session_config(configs.custom_configs(), step.places_key, step.config)
    st.session_state[Key.EDIT_HISTORY] = history
    ui.update(places=step.places_key, area=ui.area_kept(ui.workspace().places(step.config)))
