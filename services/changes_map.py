"""Two maps side by side, kept in step: the ICBs of the old generation (left) and of the new one
(right), with the areas whose ICB changed filled on both.

Drawn from the store's simplified WGS84 copies. The changed areas are dissolved per (old ICB,
new ICB) pair from the LSOA copies (17 polygons for England, ~0.15 MB, never 10,000 LSOAs), so
the two maps stay near 1 MB of GeoJSON. The maps follow each other with a few lines of script
served in the page (folium's DualMap loads Leaflet.Sync from a CDN, which an offline room lacks).
Text properties are HTML-escaped because folium tooltips insert them as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import shapely
from jinja2 import Template

from services.backdrop import Backdrop, add_backdrop
from services.changes import Changes, vintage_column
from services.map_access import OneKeyboardStop
from services.map_view import LEAFLET_CSS, LEAFLET_JS, escaped_geojson
from services.workspace import Workspace

OUTLINE = {"color": "#1d3557", "weight": 2.5, "opacity": 0.9, "fill": False}
CHANGED = {"color": "#d62828", "weight": 1, "opacity": 0.8, "fillOpacity": 0.45}
#: Changed areas are filled by the ICB they went to, so each new ICB's sources read together.
FILLS = ("#f77f00", "#2a9d8f", "#8338ec", "#e9c46a", "#3a86ff", "#ff006e", "#90be6d", "#bc6c25")


@dataclass(frozen=True)
class ChangeMap:
    """What each side draws (EPSG:4326): the ICBs of its generation and the changed areas."""

    old_icbs: gpd.GeoDataFrame
    new_icbs: gpd.GeoDataFrame
    changed: gpd.GeoDataFrame
    old_label: str
    new_label: str


def change_map(old: Workspace, new: Workspace, result: Changes) -> ChangeMap:
    """The ICBs the result names (every ICB for England) and its flows as dissolved areas."""
    codes = set(result.icbs["icb_code"])
    return ChangeMap(old_icbs=_icbs(old, codes, result), new_icbs=_icbs(new, codes, result),
                     changed=_changed_areas(old, new, result),
                     old_label=old.generation.label, new_label=new.generation.label)


def _icbs(ws: Workspace, codes: set[str], result: Changes) -> gpd.GeoDataFrame:
    frame = ws.store.map_layers["icb"]
    frame = frame[frame["code"].isin(codes)].sort_values("code")
    names = ws.geography("icb").names()
    change = result.icbs.set_index("icb_code")["change"]
    return gpd.GeoDataFrame({
        "code": frame["code"].to_numpy(),
        "name": names.reindex(frame["code"]).to_numpy(),
        "vintage": f"ICB, {ws.generation.label}",
        "change": change.reindex(frame["code"]).fillna("").to_numpy(),
    }, geometry=frame.geometry.to_numpy(), crs=4326)


def _changed_areas(old: Workspace, new: Workspace, result: Changes) -> gpd.GeoDataFrame:
    """One polygon per flow: the union of the LSOAs (simplified copies) that moved between the
    pair of ICBs."""
    icb_old = old.store.spine["icb_code"].to_numpy()
    icb_new = new.store.spine["icb_code"].to_numpy()
    lsoa = old.store.map_layers["lsoa"].geometry.to_numpy()
    flows = result.flows.rename(columns={
        vintage_column(f"icb_{which}_{part}", result.old, result.new): f"{which}_{part}"
        for which in ("old", "new") for part in ("code", "name")})
    shapes = [shapely.union_all(lsoa[np.flatnonzero((icb_old == a) & (icb_new == b))])
              for a, b in zip(flows["old_code"], flows["new_code"], strict=True)]
    receiving = sorted(set(flows["new_code"]))
    return gpd.GeoDataFrame({
        "fill": [FILLS[receiving.index(c) % len(FILLS)] for c in flows["new_code"]],
        "from": [f"{n} ({c}), {old.generation.label}"
                 for c, n in zip(flows["old_code"], flows["old_name"], strict=True)],
        "to": [f"{n} ({c}), {new.generation.label}"
               for c, n in zip(flows["new_code"], flows["new_name"], strict=True)],
        "people": [f"{p:,}" for p in flows["people"]],
        "lsoas": [f"{n:,}" for n in flows["lsoas"]],
    }, geometry=shapes, crs=4326)


class SyncedMaps(folium.plugins.DualMap):
    """folium's DualMap with its two maps kept in step by a script in the page (no CDN)."""

    default_js: ClassVar[list] = []
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (a, b) {
            var moving = false;
            function follow(source, target) {
                return function () {
                    if (moving) { return; }
                    moving = true;
                    target.setView(source.getCenter(), source.getZoom(), {animate: false});
                    moving = false;
                };
            }
            a.on("move zoomend", follow(a, b));
            b.on("move zoomend", follow(b, a));
        })({{ this.m1.get_name() }}, {{ this.m2.get_name() }});
        {% endmacro %}
    """)


def build_dual_map(features: ChangeMap, *, basemap: bool = True,
                   backdrop: Backdrop | None = None) -> SyncedMaps:
    """Old ICBs on the left, new on the right, changed areas filled on both, fitted to them;
    without a basemap, the backdrop (if given) underneath."""
    fmap = SyncedMaps(tiles="OpenStreetMap" if basemap else None, control_scale=True)
    for side, icbs, label in ((fmap.m1, features.old_icbs, features.old_label),
                              (fmap.m2, features.new_icbs, features.new_label)):
        side.default_js = [("leaflet", LEAFLET_JS)]
        side.default_css = [("leaflet_css", LEAFLET_CSS)]
        OneKeyboardStop(f"Maps of the ICBs as at {features.old_label} (left) and "
                        f"{features.new_label} (right), areas that changed ICB filled; the "
                        "tables below list them.").add_to(side)
        if backdrop is not None and not basemap:
            add_backdrop(side, backdrop)
        if len(features.changed):
            folium.GeoJson(escaped_geojson(features.changed), name="Changed ICB",
                           style_function=_changed_style,
                           tooltip=folium.GeoJsonTooltip(
                               fields=["from", "to", "people", "lsoas"],
                               aliases=["From", "To", "People (Census 2021)", "LSOAs"],
                               localize=False)).add_to(side)
        folium.GeoJson(escaped_geojson(icbs), name=f"ICBs, {label}",
                       style_function=lambda _: OUTLINE, highlight_function=lambda _: {"weight": 5},
                       tooltip=folium.GeoJsonTooltip(
                           fields=["vintage", "code", "name", "change"],
                           aliases=["Layer", "Code", "Name", "Change"],
                           localize=False)).add_to(side)
    shown = features.changed if len(features.changed) else features.new_icbs
    if len(shown):
        minx, miny, maxx, maxy = shown.total_bounds
        for side in (fmap.m1, fmap.m2):
            side.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def _changed_style(feature: dict) -> dict:
    return {**CHANGED, "fillColor": feature["properties"]["fill"]}


def geojson_bytes(features: ChangeMap) -> int:
    """The GeoJSON both maps carry (the changed areas are drawn on each side)."""
    frames = (features.old_icbs, features.new_icbs, features.changed, features.changed)
    return sum(len(frame.to_json(drop_id=True).encode()) for frame in frames)
