"""The frame around every page: the sidebar (find, ICB, places, layers, thresholds, map options,
share box), presentation mode, the link's problems and the closing attribution."""

from __future__ import annotations

import streamlit as st

from layers import GENERATIONS, LATEST, LAYERS
from services.coterminosity import DEFAULT_SLIVER
from services.io.place_files import PlaceFileError
from services.view_state import MAP_LAYERS, SLIVER_RANGE, THRESHOLD_RANGE, ViewState
from services.vintages import successors
from services.workspace import Workspace
from ui import basemap as ui_basemap
from ui import context, find, icb_draft, rooms, text
from ui.configs import config_label, config_names, custom_configs
from ui.keys import Key
from ui.shared import FIRST_PAGE_SHOWN, shared_attribution


def link_problems() -> None:
    """What could not be restored from the link this session was opened with."""
    problems = st.session_state.get(Key.LINK_PROBLEMS, [])
    if problems:  # one warning, each problem already inert (services.text.fill)
        text.warning("The link was not used in full:\n" + "".join(f"\n- {problem}."
                                                                for problem in problems))


def finish_run(page_id: str) -> None:
    """After every page: the link holds the view, the share box shows it, and the map knows
    whether its next run is a return to it (see :func:`_start_position`)."""
    context.sync_url()
    show_share_link()
    rooms.publish(page_id)
    st.session_state[Key.LAST_PAGE] = page_id
    FIRST_PAGE_SHOWN.set()


#: Presentation mode: no sidebar, little padding, and the map as tall as the screen leaves room
#: for (the controls, title and legend above it), so the page fits 1366×768 and 1920×1080.
PRESENT_CSS = ("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']"
               "{display:none}[data-testid='stMainBlockContainer']{padding-top:1.5rem;"
               "padding-bottom:1rem}h1{font-size:1.9rem !important;padding:0 !important}"
               "iframe[title='streamlit_folium.st_folium']"
               "{height:calc(100vh - {offset}px) !important}</style>")
#: What sits above the map in presentation mode (title, legend, controls), and the live room's
#: bar above it while presenting or following (two lines at 1366 px), so the map ends on screen
#: at 1366×768 and 1920×1080 (tests/browser/test_presentation_fit.py).
PRESENT_MAP_OFFSET_PX = 290
ROOM_BAR_PX = 90


def presentation_frame() -> None:
    """Presentation mode on every page: no sidebar, a copy-link control and one way back."""
    offset = PRESENT_MAP_OFFSET_PX + (ROOM_BAR_PX if rooms.presenting() or context.view().room
                                      else 0)
    st.markdown(PRESENT_CSS.replace("{offset}", str(offset)), unsafe_allow_html=True)
    back, link, _rest = st.columns([2, 2, 5], vertical_alignment="center")
    if back.button("Exit presentation mode", icon=":material/close_fullscreen:"):
        context.update(present=False)
        st.rerun()
    with link.popover("Copy link", icon=":material/link:"):
        share_slot()


def attribution() -> None:
    """Every page ends with the vintage of what it showed and the data's attribution."""
    st.caption(_vintages(context.workspace()))
    st.caption(shared_attribution())


def sidebar() -> None:
    """The one sidebar: find, ICB, places, layers, thresholds, map options, share, data."""
    ws, v = context.workspace(), context.view()
    with st.sidebar:
        _boundaries_as_at(v)
        icb_draft.sidebar_notice(v)
        find.find()
        icbs = context.icb_names()
        codes = list(icbs)
        chosen = st.selectbox("ICB", codes, index=codes.index(context.icb_code()),
                              format_func=icbs.get)
        changes: dict = {}
        if chosen != v.icb:
            changes.update(icb=chosen, area="", lat=None, lon=None, zoom=None)
        names = config_names()
        labels = {name: config_label(name) for name in names}  # read the session now
        name = st.selectbox("Places", names, index=names.index(v.places) if v.places in names
                            else 0, format_func=labels.__getitem__)
        if name != v.places:  # the selected area stays if the new configuration has it
            changes.update(places=name, area=_area_kept(ws, name))
        available = [i for i in MAP_LAYERS if ws.has(i)]
        layers = st.multiselect("Layers", available, default=[i for i in v.layers
                                                              if i in available],
                                format_func=lambda i: LAYERS[i].title)
        threshold, sliver = _thresholds(v)
        basemap = ui_basemap.toggle(v.basemap)
        present = st.toggle("Presentation mode", v.present)
        settings = {"layers": tuple(layers), "threshold": threshold, "sliver": sliver,
                    "basemap": basemap, "present": present}
        changes.update({key: value for key, value in settings.items()
                        if getattr(v, key) != value})
        if changes:  # rerun at once, so the page and the frame never show the old view
            context.update(**changes)
            st.rerun()
        share_slot()
        rooms.sidebar_controls()
        st.caption(_vintages(ws))


def _thresholds(v: ViewState) -> tuple[float, float]:
    """The coterminosity and sliver thresholds, in a popover labelled with their values. A
    popover's content is drawn when it is opened, so a first page does not wait for the browser
    to fetch and mount two sliders and their number-formatting scripts."""
    label = f"Thresholds: coterminous ≥ {v.threshold:.3f}, sliver < {v.sliver:.3f}"
    with st.popover(label, icon=":material/tune:", width="stretch"):
        threshold = st.slider("Coterminous when both population shares ≥", *THRESHOLD_RANGE,
                              v.threshold, 0.005, format="%.3f")
        sliver = st.slider("Sliver below (share of the smaller area)", *SLIVER_RANGE, v.sliver,
                           0.001, format="%.3f", help=f"Default {DEFAULT_SLIVER}")
    return threshold, sliver


def _area_kept(ws: Workspace, places_name: str) -> str:
    try:
        return context.area_kept(ws.places(custom_configs().get(places_name, places_name)))
    except (KeyError, PlaceFileError):
        return ""  # the page then says why the configuration cannot be used


def _boundaries_as_at(v: ViewState) -> None:
    """The generation choice. Switching keeps the map where it is and the ICB that holds most of
    the current ICB's people in the other generation (Frimley → its largest receiver)."""
    labels = {g.id: g.label + (" (current)" if g.id == LATEST else "")
              for g in GENERATIONS.values()}
    chosen = st.selectbox("Boundaries as at", list(labels), index=list(labels).index(v.vintage),
                          format_func=labels.get,
                          help="Codes are never joined across generations: each is compared "
                               "through the LSOA 2021 population spine.")
    if chosen != v.vintage:
        icb = successors(context.workspace().store, "icb", v.vintage, chosen).get(v.icb, "")
        context.update(vintage=chosen, icb=icb, area="", icbs="")  # a draft is of one generation
        st.rerun()


def share_slot() -> None:
    """Where the share box goes on this page (filled by :func:`show_share_link`)."""
    st.session_state[Key.SHARE_SLOT] = st.empty()


def show_share_link() -> None:
    """Fill the sidebar's share box with the view as it is now: called after the page has run
    and from the map fragment after a pan, so the copied link is never a step behind."""
    slot = st.session_state.get(Key.SHARE_SLOT)
    if slot is None:
        return
    with slot.container():
        text.link_box(context.share_link(), "Share this view")


def _vintages(ws: Workspace) -> str:
    parts = [f"{layer.title}: {layer.vintage.label}" for layer in ws.generation.stored_layers()
             if ws.has(layer.id)]
    return (f"Boundaries as at {ws.generation.label}. " + "; ".join(parts)
            + f". Store built {ws.store.meta['built_at']}.")
