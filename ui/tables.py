"""Tables for the pages: engine results for the current view, cached, and styled by class."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from layers import layers_with
from services.coterminosity import layer_summary
from services.coverage import Coverage
from services.geography import Geography, lsoa_geometry_union
from ui import context as ui
from ui.shared_styles import shared

CLASS_BACKGROUND = {"coterminous": "#d8f3dc", "within": "#dbe9ff", "contains": "#e0f4f8",
                    "straddles": "#ffe5cc", "none": "#eeeeee", "a within b": "#dbe9ff",
                    "b within a": "#e0f4f8", "sliver": "#f1f1f1"}
COLUMNS = {"a_name": "Area", "a_code": "Code", "population": "Population",
           "best_b_name": "Best match", "population_share_of_a": "Pop. share of A in B",
           "population_share_of_b": "Pop. share of B in A", "population_jaccard": "Pop. Jaccard",
           "population_class": "Class (population)", "partners": "Partners",
           "area_share_of_a": "Area share of A in B", "area_share_of_b": "Area share of B in A",
           "area_class": "Class (area)", "population_method": "Population method"}


@dataclass(frozen=True)
class Comparison:
    """One layer's areas in the ICB against another layer, as the pages show them: computed
    once per server for each view and shared by every session (read-only)."""
    table: pd.DataFrame  # display column names (COLUMNS), sorted by name
    summary: pd.DataFrame  # people and areas by class (services.coterminosity.layer_summary)
    matrix: pd.DataFrame  # population share of each area (rows) in each other area (columns)
    styled: Styler = field(repr=False)  # the table and the matrix as shown, marshalled once
    styled_matrix: Styler = field(repr=False)  # (ui/shared_styles.py)


def subject_codes(layer_id: str) -> pd.Index:
    return _codes_in_icb(ui.geography(layer_id), ui.icb_code(), ui.view().sliver)


def _codes_in_icb(geography: Geography, icb: str, sliver: float) -> pd.Index:
    if geography.id == "place":
        return geography.areas.index[geography.areas["icb_code"] == icb]
    return ui.workspace().codes_in_icb(geography, icb, sliver)


def comparison_for(subject: str, other: str) -> Comparison:
    a, b, view = ui.geography(subject), ui.geography(other), ui.view()
    return _comparison(a, a.key, b, b.key, ui.icb_code(), view.threshold, view.sliver)


@st.cache_resource(show_spinner=False, max_entries=128)
def _comparison(_a: Geography, a_key: str, _b: Geography, b_key: str, icb: str,
                threshold: float, sliver: float) -> Comparison:
    ws, codes = ui.workspace(), _codes_in_icb(_a, icb, sliver)
    rows = ws.coterminosity(_a, _b, threshold=threshold, sliver=sliver, codes=codes)
    pairs = ws.pairs(_a, _b, threshold=threshold, sliver=sliver, area=False)
    pairs = pairs[pairs["a_code"].isin(codes)]
    pairs = pairs.assign(a_label=_labels(pairs, "a"), b_label=_labels(pairs, "b"))
    matrix = pairs.pivot_table(index="a_label", columns="b_label",
                               values="population_share_of_a", aggfunc="sum", fill_value=0.0)
    table = _renamed(rows)
    return Comparison(table, layer_summary(rows), matrix, shared(class_styled(table)),
                      shared(matrix_styled(matrix, threshold)))


def coterminosity_for(subject: str, other: str) -> pd.DataFrame:
    """Per area of ``subject`` in the ICB, with display column names."""
    return comparison_for(subject, other).table


def _renamed(table: pd.DataFrame) -> pd.DataFrame:
    return table[list(COLUMNS)].rename(columns=COLUMNS).sort_values(["Area", "Code"],
                                                                    ignore_index=True)


def matrix_styled(matrix: pd.DataFrame, threshold: float) -> Styler:
    return matrix.style.format("{:.1%}").map(
        lambda v: "background-color: #d8f3dc" if v >= threshold else "")


def class_styled(table: pd.DataFrame) -> Styler:
    shares = [c for c in table.columns if "share" in c or "Jaccard" in c]
    classes = [c for c in table.columns if c.startswith("Class")]
    return (table.style.format({c: "{:.1%}" for c in shares} | {"Population": "{:,}"},
                               na_rep="–")
            .map(lambda v: f"background-color: {CLASS_BACKGROUND.get(v, '')}", subset=classes))


def coverage_for(layer: str, code: str, other: str) -> Coverage:
    a, b = ui.geography(layer), ui.geography(other)
    return _coverage(a, a.key, code, b, b.key)


@st.cache_resource(show_spinner=False, max_entries=256)
def _coverage(_a: Geography, a_key: str, code: str, _b: Geography, b_key: str) -> Coverage:
    """Shared by every session (read-only)."""
    return ui.workspace().coverage(code, _a, _b)


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
