"""Tables for the pages: engine results for the current view, cached, and styled by class."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from layers import layers_with
from services.coverage import Coverage
from services.geography import Geography, lsoa_geometry_union
from ui import context as ui

CLASS_BACKGROUND = {"coterminous": "#d8f3dc", "within": "#dbe9ff", "contains": "#e0f4f8",
                    "straddles": "#ffe5cc", "none": "#eeeeee", "a within b": "#dbe9ff",
                    "b within a": "#e0f4f8", "sliver": "#f1f1f1"}
COLUMNS = {"a_name": "Area", "a_code": "Code", "population": "Population",
           "best_b_name": "Best match", "population_share_of_a": "Pop. share of A in B",
           "population_share_of_b": "Pop. share of B in A", "population_jaccard": "Pop. Jaccard",
           "population_class": "Class (population)", "partners": "Partners",
           "area_share_of_a": "Area share of A in B", "area_share_of_b": "Area share of B in A",
           "area_class": "Class (area)", "population_method": "Population method"}


def subject_codes(layer_id: str) -> pd.Index:
    ws, icb, geography = ui.workspace(), ui.icb_code(), ui.geography(layer_id)
    if layer_id == "place":
        return geography.areas.index[geography.areas["icb_code"] == icb]
    return ws.codes_in_icb(geography, icb, ui.view().sliver)


@st.cache_data(show_spinner=False, max_entries=128)
def _coterminosity(_a: Geography, a_key: str, _b: Geography, b_key: str, codes: tuple[str, ...],
                   threshold: float, sliver: float) -> pd.DataFrame:
    return ui.workspace().coterminosity(_a, _b, threshold=threshold, sliver=sliver,
                                        codes=pd.Index(codes))


def coterminosity_for(subject: str, other: str) -> pd.DataFrame:
    """Per area of ``subject`` in the ICB, with display column names (the page's layer summary
    reads :func:`coterminosity_rows`, which keeps the engine's)."""
    return _renamed(coterminosity_rows(subject, other))


def coterminosity_rows(subject: str, other: str) -> pd.DataFrame:
    a, b, view = ui.geography(subject), ui.geography(other), ui.view()
    return _coterminosity(a, a.key, b, b.key, tuple(subject_codes(subject)), view.threshold,
                          view.sliver)


def _renamed(table: pd.DataFrame) -> pd.DataFrame:
    return table[list(COLUMNS)].rename(columns=COLUMNS).sort_values(["Area", "Code"],
                                                                    ignore_index=True)


def matrix_for(subject: str, other: str) -> Styler:
    a, b, view = ui.geography(subject), ui.geography(other), ui.view()
    pairs = ui.workspace().pairs(a, b, threshold=view.threshold, sliver=view.sliver, area=False)
    pairs = pairs[pairs["a_code"].isin(subject_codes(subject))]
    pairs = pairs.assign(a_label=_labels(pairs, "a"), b_label=_labels(pairs, "b"))
    matrix = pairs.pivot_table(index="a_label", columns="b_label",
                               values="population_share_of_a", aggfunc="sum", fill_value=0.0)
    return matrix.style.format("{:.1%}").map(
        lambda v: "background-color: #d8f3dc" if v >= view.threshold else "")


def class_styled(table: pd.DataFrame) -> Styler:
    shares = [c for c in table.columns if "share" in c or "Jaccard" in c]
    classes = [c for c in table.columns if c.startswith("Class")]
    return (table.style.format({c: "{:.1%}" for c in shares} | {"Population": "{:,}"},
                               na_rep="–")
            .map(lambda v: f"background-color: {CLASS_BACKGROUND.get(v, '')}", subset=classes))


def coverage_for(layer: str, code: str, other: str) -> Coverage:
    a, b = ui.geography(layer), ui.geography(other)
    return ui.workspace().coverage(code, a, b)


def coverage_bars(cover: Coverage) -> pd.Series:
    """Population per area of the other layer, one bar each (two wards may share a name)."""
    return pd.Series(cover.rows["population"].to_numpy(),
                     index=_labels(cover.rows, "b").to_numpy(), name="population")


def _labels(rows: pd.DataFrame, side: str) -> pd.Series:
    """Area names, with the code added where different areas share a name."""
    names, codes = rows[f"{side}_name"].astype(str), rows[f"{side}_code"].astype(str)
    areas = names[~codes.duplicated()]
    shared_names = set(areas[areas.duplicated(keep=False)])
    return names.where(~names.isin(shared_names), names + " (" + codes + ")")


def partner(layer_id: str) -> str:
    """What a layer is measured against on export: councils against places, others against
    HWB areas."""
    return "place" if layer_id in layers_with("council") else "hwb"


def export_layer(layer_id: str) -> gpd.GeoDataFrame:
    """The layer's areas in the ICB (store polygons, or places dissolved from LSOAs) with their
    population and best match against :func:`partner`, for GeoJSON export."""
    view = ui.view()
    return _export_layer(layer_id, ui.places().key, ui.icb_code(), view.threshold, view.sliver)


@st.cache_data(show_spinner="Preparing the export…", max_entries=32)
def _export_layer(layer_id: str, places_key: str, icb: str, threshold: float,
                  sliver: float) -> gpd.GeoDataFrame:
    geography, codes = ui.geography(layer_id), subject_codes(layer_id)
    if layer_id == "place":  # dissolve this ICB's places only, not England's (~1.4 s)
        membership = geography.membership[geography.membership["code"].isin(codes)]
        shapes = lsoa_geometry_union(ui.workspace().store, membership).reindex(codes)
    else:
        shapes = geography.geometry.reindex(codes)
    table = ui.workspace().coterminosity(geography, ui.geography(partner(layer_id)),
                                         threshold=threshold, sliver=sliver,
                                         codes=codes).set_index("a_code").reindex(codes)
    frame = gpd.GeoDataFrame(table.reset_index(names="code"), geometry=shapes.to_numpy(),
                             crs=27700)
    generation = ui.workspace().generation
    frame["vintage"] = (generation.layer(layer_id).vintage.label if layer_id != "place"
                        else f"configuration ({geography.vintage})")
    frame["generation"] = generation.label
    return frame.rename(columns={"a_name": "name"}).drop(columns=["best_b_name"])
