"""Results per view, shared by every session and never copied (``st.cache_resource``), so each
is computed once per server: treat them as read-only."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from services.backdrop import backdrop
from services.flags import misalignment_flags
from services.geography import Geography
from services.highlight import highlighted
from services.map_access import area_table
from services.map_labels import choose_labels
from services.map_view import map_features
from services.neighbourhoods import NEIGHBOURHOOD_BAND, PopulationBand
from ui import basemap, context, neighbourhood_draft
from ui.map_widget import RETURNED_OBJECTS, RenderedMap, render_map
from ui.shared_styles import shared_frame


@st.cache_resource(show_spinner="Checking alignment…", max_entries=64)
def flags(_places: Geography, places_key: str, icb: str, threshold: float, sliver: float,
          _hoods: Geography | None = None, hoods_key: str = "",
          band: PopulationBand = NEIGHBOURHOOD_BAND) -> tuple[pd.DataFrame, pd.DataFrame]:
    return misalignment_flags(context.workspace(), _places, icb, threshold=threshold, sliver=sliver,
                              neighbourhoods=_hoods, band=band)


@st.cache_resource(show_spinner="Preparing the map…", max_entries=64)
def features(_places: Geography, places_key: str, icb: str, layers: tuple[str, ...],
             threshold: float, sliver: float) -> dict[str, gpd.GeoDataFrame]:
    flagged = frozenset(flags(_places, places_key, icb, threshold, sliver)[0]["code"])
    return map_features(context.workspace(), icb, _places, layers, flagged, threshold=threshold,
                        sliver=sliver)


@st.cache_resource(show_spinner=False, max_entries=64)
def areas_table(_places: Geography, places_key: str, icb: str, layers: tuple[str, ...],
                threshold: float, sliver: float) -> pd.DataFrame:
    """The areas the map draws as a table (services.map_access.area_table), converted once."""
    return shared_frame(area_table(features(_places, places_key, icb, layers, threshold,
                                            sliver)))


@st.cache_resource(show_spinner="Drawing the map…", max_entries=64)
def rendered_map(_places: Geography, places_key: str, icb: str, layers: tuple[str, ...],
                 threshold: float, sliver: float, selected: str, basemap: bool,
                 key: str, highlight: tuple[str, ...] = (), labels: bool = False) -> RenderedMap:
    """The map as the widget sends it, drawn once per server (ui/map_widget.py)."""
    drawn = features(_places, places_key, icb, layers, threshold, sliver)
    shown = highlighted(context.workspace(), _places, highlight)[0] if highlight else None
    return render_map(drawn, selected=selected, basemap=basemap, key=key,
                      returned_objects=RETURNED_OBJECTS, highlight=shown,
                      backdrop=None if basemap else backdrop(context.workspace()),
                      labels=choose_labels(drawn) if labels else None)


def current_flags() -> tuple[pd.DataFrame, pd.DataFrame]:
    v, geography = context.view(), context.places()
    hoods = neighbourhood_draft.geography(context.workspace(), v)
    if hoods is None:  # called as features() calls it (the cache keys by the arguments given)
        return flags(geography, geography.key, context.icb_code(), v.threshold, v.sliver)
    return flags(geography, geography.key, context.icb_code(), v.threshold, v.sliver, hoods,
                 hoods.key, neighbourhood_draft.band(v))


def current_map(key: str, labels: bool = False) -> RenderedMap:
    v, geography = context.view(), context.places()
    return rendered_map(geography, geography.key, context.icb_code(), v.layers, v.threshold,
                        v.sliver, v.area, basemap.shown(), key, v.highlight, labels)


def current_features() -> dict[str, gpd.GeoDataFrame]:
    """The areas the current view's map draws (for the table beside it)."""
    return features(*_view_args())


def current_areas_table() -> pd.DataFrame:
    """The current view's map's areas as a table (for the text beside the map)."""
    return areas_table(*_view_args())


def _view_args() -> tuple:
    """What :func:`features` and :func:`areas_table` are keyed by, for the current view."""
    v, geography = context.view(), context.places()
    return geography, geography.key, context.icb_code(), v.layers, v.threshold, v.sliver
