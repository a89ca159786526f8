"""The backdrop drawn when there is no basemap: England's outline and its regions, from the
store's map copy of the ONS regions (coverage-simplified, so the regions share borders and
their union is England's outline). Not interactive: no hover, no click, no keyboard stop."""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
import geopandas as gpd
import shapely
from jinja2 import Template

from services.workspace import Workspace

LAND_FILL = "#ffffff"
SEA_FILL = "#dbe4ec"  # the map's own background, around England
REGION_LINE = "#9aa3ab"
OUTLINE = "#5c6670"


#: Simplification of the regions' map copy, degrees (~1 km): a backdrop, not a boundary.
TOLERANCE_DEG = 0.01
_STYLES = {"england": {"color": OUTLINE, "weight": 1.5, "fillColor": LAND_FILL,
                       "fillOpacity": 1.0},
           "regions": {"color": REGION_LINE, "weight": 1.0, "fill": False}}


@dataclass(frozen=True)
class Backdrop:
    """England's outline and the regions' borders as GeoJSON text (EPSG:4326), made once and
    written into every map as it is: folium's own GeoJson layer would walk every coordinate
    again per map (~0.6 s per Map page render)."""

    england: str
    regions: str


def backdrop(ws: Workspace) -> Backdrop:
    """Made once per workspace (kept by :meth:`Workspace.memo`)."""
    def make() -> Backdrop:
        regions = ws.store.map_layers["region"]
        shapes = shapely.coverage_simplify(regions.geometry.to_numpy(), TOLERANCE_DEG)
        england = gpd.GeoDataFrame({"code": ["E92000001"]}, crs=regions.crs,
                                   geometry=[shapely.union_all(shapes)])
        borders = gpd.GeoDataFrame({"code": regions["code"].to_numpy()}, crs=regions.crs,
                                   geometry=shapes)
        return Backdrop(england.to_json(drop_id=True), borders.to_json(drop_id=True))
    return ws.memo(("backdrop",), make)


class _BackdropLayer(folium.MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data }}, {interactive: false, style: {{ this.style }}})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: str, style: dict) -> None:
        super().__init__()
        self._name = "Backdrop"
        self.data, self.style = data, json.dumps(style)


def add_backdrop(fmap: folium.Map, drawn: Backdrop) -> None:
    """Draw the backdrop under everything else on ``fmap`` (call before adding layers)."""
    fmap.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container{{background:{SEA_FILL}}}</style>"))
    _BackdropLayer(drawn.england, _STYLES["england"]).add_to(fmap)
    _BackdropLayer(drawn.regions, _STYLES["regions"]).add_to(fmap)
