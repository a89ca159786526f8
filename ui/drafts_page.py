"""The Drafts page: the drafts this database holds (name, tier, ICB, vintage, when, parent),
each to open (the view takes its ICB, generation and configuration), download (the draft file
format) or compare with another (people moved, flags added and removed); and a draft file to
save. The database gone is said plainly; drafts waiting for it stay in the session."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers import GENERATIONS
from services.draft_checks import check_codes
from services.draft_compare import DraftComparison, compare_drafts
from services.drafts import DRAFT_REF_PREFIX, Draft, DraftError, DraftSummary, SavedDraft
from services.flags import misalignment_flags
from services.io.draft_files import draft_csv_text, draft_from_file, read_draft_csv
from services.io.drafts_db import DraftsUnavailable, shared_db
from services.io.place_files import PlaceFileError, check_bytes
from services.limits import PROBLEMS_SHOWN_MAX, UPLOAD_MAX_MB
from services.text import fill
from ui import context as ui
from ui import draft_session, text
from ui.keys import Key
from ui.shared import shared_workspace

LIST_MAX = 500  # drafts listed, newest first
OPEN_PAGES = {"Map": "pages/map.py", "Places": "pages/places.py"}


def show() -> None:
    st.title("Drafts")
    st.caption("Saved place, ICB and neighbourhood drafts of " + shared_db().description
               + ". A draft never changes: an edit saved again is a new draft, with the one it "
               "was opened from as its parent.")
    try:
        draft_session.retry()
    except draft_session.OPEN_ERRORS as error:
        st.error("A draft waiting to be saved was refused: " + draft_session.whole(error))
    draft_session.show_waiting()
    try:
        listed = shared_db().list(limit=LIST_MAX)
    except DraftsUnavailable as error:
        st.error("The drafts database cannot be reached, so no drafts can be listed or opened "
                 f"now: {draft_session.whole(error)}. Drafts you save meanwhile stay in this "
                 "session and are saved when it is back; reload this page to try again.")
        return
    if not listed:
        st.info("No drafts saved yet: save one from the Places page (Save draft), upload a "
                "draft file below, or run `placemap drafts save FILE --name N`.")
    else:
        st.dataframe(_table(listed), hide_index=True, width="stretch")
        _one_draft(listed)
        _compare(listed)
    _upload()


def _table(listed: list[DraftSummary]) -> pd.DataFrame:
    names = {s.id: s.name for s in listed}
    return pd.DataFrame({
        "Name": [s.name for s in listed], "Tier": [s.tier for s in listed],
        "ICB": [_icb_label(s.icb, s.vintage) for s in listed],
        "Vintage": [GENERATIONS[s.vintage].label for s in listed],
        "Saved (UTC)": [s.created_at.strftime("%Y-%m-%d %H:%M") for s in listed],
        "Parent": [f"{names.get(s.parent_id, '')} ({s.parent_id})".lstrip() if s.parent_id
                   else "" for s in listed],
        "Author": [s.author for s in listed], "Blocks": [s.block_count for s in listed],
        "Id": [s.id for s in listed]})


def _icb_label(code: str | None, vintage: str) -> str:
    if not code:
        return ""
    names = shared_workspace(vintage).store.layer("icb").set_index("code")["name"]
    return f"{names[code]} ({code})" if code in names.index else code


def _label(summary: DraftSummary) -> str:
    return (f"{summary.name} · {summary.tier} · {GENERATIONS[summary.vintage].label} · "
            f"{summary.id}")


def _one_draft(listed: list[DraftSummary]) -> None:
    """Open or download the draft picked."""
    st.subheader("Open or download")
    by_id = {s.id: s for s in listed}
    picked = st.selectbox("Draft", list(by_id), format_func=lambda i: _label(by_id[i]),
                          key=Key.DRAFT_PICKED)
    saved = _load(picked)
    if saved is None:
        return
    columns = st.columns(len(OPEN_PAGES) + 1)
    for column, (page, path) in zip(columns, OPEN_PAGES.items(), strict=False):
        if column.button(f"Open on the {page} page", disabled=saved.draft.tier != "place",
                         key=f"{Key.DRAFT_PICKED}-open-{page}"):
            open_on(saved, path)
    columns[-1].download_button("Download (CSV)", draft_csv_text(saved.draft, saved.id),
                                file_name=f"draft_{saved.id}.csv", mime="text/csv")
    if saved.draft.tier != "place":
        st.caption(f"A {saved.draft.tier} draft opens from the command line for now "
                   f"(`placemap drafts show {saved.id}`); only place drafts open here.")


def _load(draft_id: str) -> SavedDraft | None:
    try:
        return shared_db().load(draft_id)
    except (DraftsUnavailable, KeyError) as error:
        st.error(f"Draft {draft_id} cannot be read now: " + draft_session.whole(error))
        return None


def open_on(saved: SavedDraft, page: str) -> None:
    """The view takes the draft's generation, ICB and configuration, and goes to ``page``."""
    ref = f"{DRAFT_REF_PREFIX}{saved.id}"
    try:
        opened = draft_session.open_draft(ref)
    except draft_session.OPEN_ERRORS as error:
        st.error(f"Draft {saved.id} cannot be opened: " + draft_session.whole(error))
        return
    ui.update(vintage=opened.vintage, icb=opened.icb or "", places=ref, area="", lat=None,
              lon=None, zoom=None)
    st.session_state.pop(Key.MAP_START, None)
    st.switch_page(page)


def _compare(listed: list[DraftSummary]) -> None:
    """Two place drafts of one generation side by side."""
    st.subheader("Compare two drafts")
    places = {s.id: s for s in listed if s.tier == "place"}
    if len(places) < 2:
        st.caption("Comparing needs two saved place drafts.")
        return
    ids = list(places)
    left, right = st.columns(2)
    first = left.selectbox("First draft", ids, index=1, format_func=lambda i: _label(places[i]),
                           key=Key.DRAFT_COMPARE_FIRST)  # newest first: the older of the two
    second = right.selectbox("Second draft", ids, index=0,
                             format_func=lambda i: _label(places[i]),
                             key=Key.DRAFT_COMPARE_SECOND)
    if places[first].vintage != places[second].vintage:
        st.warning("These drafts are of different generations: their codes are never joined. "
                   "Compare two drafts of one generation.")
        return
    pair = (_load(first), _load(second))
    if None in pair:
        return
    try:
        result = _comparison(*pair)
    except PlaceFileError as error:
        st.error("These drafts cannot be compared: " + draft_session.whole(error))
        return
    _show_comparison(result, *pair)


def _comparison(first: SavedDraft, second: SavedDraft) -> DraftComparison:
    v = ui.view()
    return _compared(first, second, first.id, second.id, str(shared_db().url), v.threshold,
                     v.sliver)


@st.cache_resource(show_spinner="Comparing the drafts…", max_entries=32)
def _compared(_first: SavedDraft, _second: SavedDraft, first_id: str, second_id: str,
              database: str, threshold: float, sliver: float) -> DraftComparison:
    """Computed once per server for a pair of drafts (immutable: an id is its blocks) and
    thresholds; treat as read-only."""
    first, second = _first, _second
    ws = shared_workspace(first.draft.vintage)
    geographies = [ws.places(draft_session.config_of(s.draft), s.draft.icb)
                   for s in (first, second)]
    flags = [misalignment_flags(ws, g, s.draft.icb, threshold=threshold, sliver=sliver)[0]
             for g, s in zip(geographies, (first, second), strict=True)]
    return compare_drafts(*geographies, ws.store.spine["population"].to_numpy(), *flags)


def _show_comparison(result: DraftComparison, first: SavedDraft, second: SavedDraft) -> None:
    text.caption(f"{result.people_moved:,} people are in another place in the second draft "
                 "({}) than in the first ({}), compared through the LSOAs.",
                 second.draft.name, first.draft.name)
    people, moves = st.columns(2)
    people.markdown("**People by place**")
    people.dataframe(result.populations.rename(columns={
        "area": "Place", "first": f"First: {first.draft.name}",
        "second": f"Second: {second.draft.name}",
        "change": "Change"}), hide_index=True, width="stretch")
    moves.markdown("**People moved**")
    moves.dataframe(result.moves.rename(columns=str.capitalize), hide_index=True,
                    width="stretch")
    added, removed = st.columns(2)
    added.markdown(f"**Flags added ({len(result.flags_added)})**")
    added.dataframe(result.flags_added, hide_index=True, width="stretch")
    removed.markdown(f"**Flags removed ({len(result.flags_removed)})**")
    removed.dataframe(result.flags_removed, hide_index=True, width="stretch")
    if len(result.flags_changed):
        st.markdown(f"**Flags raised by both, reworded ({len(result.flags_changed)})**")
        st.dataframe(result.flags_changed, hide_index=True, width="stretch")


def _upload() -> None:
    """A draft file (any tier) checked and saved: every bad row is listed, nothing is saved
    from a file with problems."""
    st.subheader("Save a draft file")
    upload = st.file_uploader("Draft file (CSV: icb|place|neighbourhood,block_type,code, "
                              "# name: lines first)", type=["csv"], max_upload_size=UPLOAD_MAX_MB,
                              key=Key.DRAFT_UPLOAD)
    if upload is None:
        return
    try:
        data = upload.getvalue()
        check_bytes(data, upload.name)
        file = read_draft_csv(data, upload.name)
        draft = draft_from_file(file, name=file.facts.get("name") or upload.name.rsplit(".", 1)[0],
                                default_vintage=ui.view().vintage)
        check_codes(draft, shared_workspace(draft.vintage).store, upload.name)
    except PlaceFileError as error:
        text.error(f"{{}}: {len(error.problems):,} problem(s), nothing saved; fix these rows "
                   "and upload the file again.", upload.name)
        st.dataframe(error.problems.head(PROBLEMS_SHOWN_MAX), hide_index=True, width="stretch")
        return
    except (DraftError, KeyError) as error:
        st.error(fill("{}: nothing saved: ", upload.name) + draft_session.whole(error))
        return
    if st.button(f"Save {draft.tier} draft {draft.name!r} ({draft.block_count:,} blocks)",
                 key=f"{Key.DRAFT_UPLOAD}-save"):
        _save_file(draft)


def _save_file(draft: Draft) -> None:
    try:
        result = draft_session.save(draft)
    except draft_session.OPEN_ERRORS as error:
        st.error("The draft was not saved: " + draft_session.whole(error))
        return
    if result is None:
        st.warning(f"Draft {draft.id} waits in this session for the database (see above).")
    else:
        st.success(f"Saved draft {result.saved.id}"
                   + ("." if result.created else " (saved before: same blocks, same id)."))
