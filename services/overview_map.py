"""The England overview's map: every ICB filled by the share of its people living in places
coterminous with one HWB area (population-based, exact), from the store's simplified copies."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from services.backdrop import Backdrop, add_backdrop
from services.map_access import OneKeyboardStop
from services.map_view import LEAFLET_CSS, LEAFLET_JS, escaped_geojson
from services.workspace import Workspace

#: (lowest share, fill): ColorBrewer YlGnBu, sequential and colour-blind safe, light = worst.
SHARE_BINS = ((0.99, "#253494"), (0.9, "#2c7fb8"), (0.75, "#41b6c4"), (0.5, "#a1dab4"),
              (0.0, "#ffffcc"))
MEASURE = ("Share of the ICB's people living in places coterminous with one HWB area "
           "(population-based: Census 2021 summed over whole LSOAs, exact)")


def share_colour(share: float) -> str:
    return next(colour for low, colour in SHARE_BINS if share >= low)


def legend_rows() -> list[tuple[str, str]]:
    """(label, fill) for each bin, best first: "99% or more", "90% to 99%", …"""
    rows, high = [], None
    for low, colour in SHARE_BINS:
        label = f"{low:.0%} or more" if high is None else f"{low:.0%} to under {high:.0%}"
        rows.append((label, colour))
        high = low
    return rows


def overview_features(ws: Workspace, table: pd.DataFrame, key: tuple) -> gpd.GeoDataFrame:
    """The ICBs' map copies (EPSG:4326) with name, share and headline; cached in the workspace
    under ``key`` (what the overview table was made from)."""
    def make() -> gpd.GeoDataFrame:
        rows = table.set_index("icb_code")
        frame = ws.store.map_layers["icb"][["code", "geometry"]].copy()
        frame["name"] = frame["code"].map(rows["icb_name"])
        frame["share"] = frame["code"].map(rows["coterminous_share"]).fillna(0.0)
        frame["share_text"] = frame["share"].map(lambda share: f"{share:.1%}")
        frame["headline"] = frame["code"].map(rows["headline"])
        return frame
    return ws.memo(("overview features", *key), make)


def overview_map(features: gpd.GeoDataFrame, *, basemap: bool = True,
                 backdrop: Backdrop | None = None) -> folium.Map:
    """Click an ICB to open it (the page reads the clicked feature's code)."""
    fmap = folium.Map(tiles="OpenStreetMap" if basemap else None, control_scale=True)
    OneKeyboardStop(f"Map of England's {len(features)} ICBs, filled by the share of their people "
                    "in coterminous places; the table below lists them.").add_to(fmap)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    if backdrop is not None and not basemap:
        add_backdrop(fmap, backdrop)
    folium.GeoJson(
        escaped_geojson(features),
        name="ICBs",
        style_function=lambda feature: {
            "color": "#1d3557", "weight": 1.5, "fillOpacity": 0.75,
            "fillColor": share_colour(feature["properties"]["share"])},
        highlight_function=lambda _: {"weight": 4},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "share_text", "headline"],
            aliases=["ICB", "People in coterminous places", "In short"], labels=True),
    ).add_to(fmap)
    minx, miny, maxx, maxy = features.total_bounds
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap
