"""The backdrop drawn when there is no basemap: England's outline and its regions, from the
store's map copy of the ONS regions (coverage-simplified, so the regions share borders and
their union is England's outline). Not interactive: no hover, no click, no keyboard stop."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import shapely

from services.workspace import Workspace

LAND_FILL = "#ffffff"
SEA_FILL = "#dbe4ec"  # the map's own background, around England
REGION_LINE = "#9aa3ab"
OUTLINE = "#5c6670"


@dataclass(frozen=True)
class Backdrop:
    """England's outline and the regions' borders, EPSG:4326."""

    england: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame


def backdrop(ws: Workspace) -> Backdrop:
    """Made once per workspace (kept by :meth:`Workspace.memo`)."""
    def make() -> Backdrop:
        regions = ws.store.map_layers["region"][["code", "geometry"]].reset_index(drop=True)
        england = gpd.GeoDataFrame({"code": ["E92000001"]}, crs=regions.crs,
                                   geometry=[shapely.union_all(regions.geometry.to_numpy())])
        return Backdrop(england, regions)
    return ws.memo(("backdrop",), make)


def add_backdrop(fmap: folium.Map, drawn: Backdrop) -> None:
    """Draw the backdrop under everything else on ``fmap`` (call before adding layers)."""
    fmap.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container{{background:{SEA_FILL}}}</style>"))
    for frame, style in (
            (drawn.england, {"color": OUTLINE, "weight": 1.5, "fillColor": LAND_FILL,
                             "fillOpacity": 1.0}),
            (drawn.regions, {"color": REGION_LINE, "weight": 1.0, "fill": False})):
        folium.GeoJson(frame.to_json(drop_id=True), name="Backdrop", control=False,
                       interactive=False, style_function=lambda _, s=style: s).add_to(fmap)
