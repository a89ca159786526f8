"""What the map of one ICB shows: each layer's features (simplified WGS84 copies, clipped to the
areas that matter to the ICB) with their properties, and the folium map drawn from them.

Only what is visible is sent: features of the chosen layers that hold more than a sliver of the
ICB's people, from the store's coverage-simplified copies, so an ICB view stays well under 2 MB
of GeoJSON. Every text property is HTML-escaped when the map is drawn, because folium tooltips
insert property values as HTML (a place named ``<img onerror=...>`` must stay text).
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import xyzservices
from geopandas.array import from_shapely

from layers import LAYERS, MAP_ORDER
from services import folium_text
from services.backdrop import Backdrop, add_backdrop
from services.geography import Geography
from services.geojson_text import LayerGeoJson, feature_properties, geojson_bytes
from services.map_access import OneKeyboardStop, map_label
from services.map_labels import Labels, add_labels
from services.map_panes import SELECTED_PANE, add_layer_panes, layer_pane
from services.palette import CLASS_COLOURS
from services.place_shapes import place_rows, shape_key, union_shape
from services.workspace import Workspace

SELECTED_COLOUR = "#ffd60a"
#: Line weight (screen pixels) of the selected area's outline.
SELECTED_WEIGHT = 6
#: Leaflet served by this app (see Makefile `assets`), so maps work without internet.
LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
#: Layers drawn without a class: their features are the same for every place configuration
#: (bar the flagged outline).
UNCLASSED_LAYERS = frozenset({"icb", "sub_icb", "ward"})
#: The basemap's tiles: folium looks a provider's name up through all of xyzservices' (~10 ms
#: a map), so the one folium's "OpenStreetMap" names is looked up once.
OSM_TILES = xyzservices.providers.query_name("OpenStreetMap Mapnik")
#: The map's coordinates, one CRS object for every frame (making one per frame costs more
#: than the frame's rows).
WGS84 = pyproj.CRS.from_epsg(4326)
folium_text.install()  # the map's layers are written from their kept GeoJSON text


def map_features(ws: Workspace, icb_code: str, places: Geography, layer_ids: tuple[str, ...],
                 flagged: frozenset[str] = frozenset(), *, threshold: float,
                 sliver: float) -> dict[str, gpd.GeoDataFrame]:
    """Per layer, the WGS84 features relevant to the ICB with code, name, population, class and
    whether a flag names them."""
    features = {}
    for layer_id in layer_ids:
        if layer_id not in MAP_ORDER or not ws.has(layer_id):
            continue
        if layer_id == "place":
            geography = places
            codes = places.areas.index[places.areas["icb_code"] == icb_code]
            shapes = _place_shape_array(ws, places, codes)
        else:
            geography = ws.geography(layer_id)
            codes = _codes(ws, geography, layer_id, icb_code, sliver)
            shapes = _map_shapes(ws, layer_id, codes)
        population = ws.totals(geography)["population"].reindex(codes).to_numpy()
        features[layer_id] = gpd.GeoDataFrame({  # built once: inserting columns costs more
            "code": list(codes), "geometry": from_shapely(shapes, crs=WGS84),
            "name": geography.names().reindex(codes).astype(str).to_numpy(),
            "population": population, "population_text": [f"{p:,}" for p in population],
            "class": _classes(ws, geography, places, layer_id, codes, threshold, sliver),
            "flagged": ["yes" if c in flagged else "" for c in codes],
            "vintage": _vintage_label(ws, geography),
            "population_method": geography.population_method}, geometry="geometry")
    return features


def _vintage_label(ws: Workspace, geography: Geography) -> str:
    """The vintage beside every tooltip: the layer's edition and the generation shown."""
    if geography.id == "place":
        return f"configuration ({geography.vintage}), {ws.generation.label}"
    return f"{ws.generation.layer(geography.id).vintage.label} ({ws.generation.label})"


def _codes(ws: Workspace, geography: Geography, layer_id: str, icb_code: str,
           sliver: float) -> pd.Index:
    if layer_id == "icb":
        return pd.Index([icb_code])
    if layer_id == "sub_icb":
        sub = geography.areas
        return sub.index[sub["icb_code"] == icb_code]
    codes = ws.codes_in_icb(geography, icb_code, sliver)
    if layer_id == "ward":  # wards smaller than any LSOA: no best-fit population, keep by council
        lads = ws.codes_in_icb(ws.geography("lad"), icb_code, sliver)
        empty = geography.areas[(geography.areas["population"] == 0)
                                & geography.areas["lad_code"].isin(lads)].index
        codes = codes.union(empty)
    return codes


def _map_shapes(ws: Workspace, layer_id: str, codes: pd.Index) -> np.ndarray:
    """The store's map copies of ``codes`` (None where it has none), found by position in the
    layer's codes (indexing the whole layer by code for each view copied it: ~10 ms a layer)."""
    layer_codes, shapes = ws.memo(("map shapes", layer_id), lambda: (
        pd.Index(ws.store.map_layers[layer_id]["code"]),
        ws.store.map_layers[layer_id].geometry.to_numpy()))
    at = layer_codes.get_indexer(codes)
    found = shapes[np.maximum(at, 0)] if len(shapes) else np.full(len(at), None, dtype=object)
    found[at < 0] = None
    return found


def _place_shapes(ws: Workspace, places: Geography, codes: pd.Index) -> gpd.GeoSeries:
    """Places drawn as unions of the store's simplified LSOA copies, so they share borders with
    every other layer on the map. Each union is kept per set of LSOAs (``ws.memo``): an edit
    unites again only the places it changed."""
    return gpd.GeoSeries(_place_shape_array(ws, places, codes), index=codes, crs=WGS84)


def _place_shape_array(ws: Workspace, places: Geography, codes: pd.Index) -> np.ndarray:
    """:func:`_place_shapes` as an array, in the order of ``codes``: the store's shape of the
    same LSOAs when the build made one (services/place_shapes.py), else united here."""
    lsoa = ws.store.map_layers["lsoa"].geometry.to_numpy()
    members = places.membership[places.membership["code"].isin(codes)]
    shapes = {}
    for code, rows in place_rows(members).items():
        key = shape_key(rows)
        shapes[code] = ws.store.place_shapes.get(key) or ws.memo(
            ("place shape", key), lambda rows=rows: union_shape(lsoa, rows))
    found = np.empty(len(codes), dtype=object)
    found[:] = [shapes[c] for c in codes]
    return found


def _classes(ws: Workspace, geography: Geography, places: Geography, layer_id: str,
             codes: pd.Index, threshold: float, sliver: float) -> list[str]:
    if layer_id in UNCLASSED_LAYERS:
        return [""] * len(codes)
    other = ws.geography("hwb") if layer_id == "place" else places
    label = "HWB areas" if layer_id == "place" else "places"
    classes = ws.area_classes(geography, other, threshold=threshold, sliver=sliver, codes=codes)
    return [f"{area_class} vs {label}" for area_class in classes.tolist()]


def geojson_size_bytes(features: dict[str, gpd.GeoDataFrame]) -> int:
    """The bytes of every layer's ``to_json``, counted without dumping them again."""
    return sum(geojson_bytes(frame) for frame in features.values())


def build_map(features: dict[str, gpd.GeoDataFrame], *, selected: str = "",
              basemap: bool = True, highlight: gpd.GeoDataFrame | None = None,
              backdrop: Backdrop | None = None, labels: Labels | None = None,
              panes: bool = False) -> folium.Map:
    """The folium map, fitted to the ICB; the selected area outlined, flagged areas dashed;
    ``highlight`` (services/highlight.py), when given, outlined instead and fitted; without a
    basemap, the backdrop (if given) underneath; labels (if given) on top; ``panes``: each
    layer in its own pane (services/map_panes.py), so layers added later stack in order."""
    fmap = folium.Map(tiles=None, control_scale=True, zoom_control=True)
    if basemap:  # the layer folium.Map(tiles="OpenStreetMap") adds, the provider found once
        tiles = folium.TileLayer(tiles=OSM_TILES, name="openstreetmap")
        fmap.add_child(tiles, name=tiles.tile_name)
    OneKeyboardStop(map_label(features)).add_to(fmap)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    if backdrop is not None and not basemap:
        add_backdrop(fmap, backdrop)
    if panes:
        add_layer_panes(fmap)
    for layer_id in MAP_ORDER:
        if layer_id in features and not features[layer_id].empty:
            layer_geojson(layer_id, features[layer_id],
                          pane=layer_pane(layer_id) if panes else None).add_to(fmap)
    chosen = [frame[frame["code"] == selected] for frame in features.values()] if selected else []
    chosen = [frame for frame in chosen if len(frame)]
    if highlight is not None and len(highlight):
        chosen = [highlight]
    if chosen:
        _FramedGeoJson(map_geojson(chosen[0]), _latlon_bounds(chosen[0]), name="Selected",
                       style_function=lambda f: {"color": SELECTED_COLOUR, "fill": False,
                                                 "weight": f["properties"].get(
                                                     "weight", SELECTED_WEIGHT),
                                                 "dashArray": f["properties"].get("dash")},
                       pane=SELECTED_PANE if panes else None).add_to(fmap)
    if labels is not None:
        add_labels(fmap, labels)
    bounds = (chosen[0] if chosen else features.get("icb", next(iter(features.values()), None)))
    if bounds is not None and len(bounds):
        minx, miny, maxx, maxy = bounds.total_bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    # no folium LayerControl: its toggles never reach the server, so a link could not hold them;
    # the sidebar's Layers (kept in the link) is the one layer switch
    return fmap


def layer_geojson(layer_id: str, frame: gpd.GeoDataFrame, pane: str | None = None
                  ) -> folium.GeoJson:
    """One layer's features, styled, with their tooltip (in Leaflet's ``pane`` if given)."""
    return _FramedGeoJson(
        map_geojson(frame), _latlon_bounds(frame),
        name=LAYERS[layer_id].title,
        style_function=feature_style(layer_id),
        highlight_function=lambda _: {"weight": 5},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "code", "vintage", "population_text", "class"],
            aliases=[LAYERS[layer_id].title, "Code", "Vintage",
                     f"Population (Census 2021, {frame['population_method'].iloc[0]})",
                     "Class"],
            localize=False, labels=True),
        pane=pane)


class _FramedGeoJson(folium.GeoJson):
    """folium's GeoJson layer whose bounds are its frame's (shapely, vectorised): st_folium asks
    the map for its bounds, and folium's own walk visits every coordinate in Python (~0.2 s of
    an ICB map with all layers)."""

    def __init__(self, data: dict, bounds: list[list[float]], **kwargs) -> None:
        super().__init__(data, **kwargs)
        self._frame_bounds = bounds

    def _get_self_bounds(self) -> list[list[float]]:
        return self._frame_bounds


def _latlon_bounds(frame: gpd.GeoDataFrame) -> list[list[float]]:
    """[[south, west], [north, east]], as folium gives bounds."""
    minx, miny, maxx, maxy = (float(value) for value in frame.total_bounds)
    return [[miny, minx], [maxy, maxx]]


def map_geojson(frame: gpd.GeoDataFrame) -> LayerGeoJson:
    """:func:`escaped_geojson` as the map's folium layers take it: each geometry's text kept
    for the process (services/geojson_text.py)."""
    properties = [_escaped(feature) for feature in feature_properties(frame)]
    return LayerGeoJson(properties, frame.geometry.to_numpy())


def escaped_geojson(frame: gpd.GeoDataFrame) -> dict:
    """GeoJSON with every text property HTML-escaped: folium tooltips insert them as HTML. The
    mapping ``to_json`` would dump, taken as it is (not dumped and parsed back)."""
    collection = frame.to_geo_dict(drop_id=True)
    for feature in collection["features"]:
        feature["properties"] = _escaped(feature["properties"])
    return collection


def _escaped(properties: dict) -> dict:
    """A feature's properties with every text HTML-escaped (tooltips insert them as HTML)."""
    return {key: html.escape(value) if isinstance(value, str) else value
            for key, value in properties.items()}


def feature_style(layer_id: str):
    """A layer's Leaflet style of one feature (its class and flag): the map's, and the slide
    map's (services/slide_map.py) translated to matplotlib."""
    layer = LAYERS[layer_id]

    def style(feature: dict) -> dict:
        properties = feature["properties"]
        flagged = properties.get("flagged") == "yes"
        base = {"color": layer.colour, "weight": layer.line_weight, "opacity": 0.9,
                "fill": layer_id == "place", "dashArray": "6 4" if flagged else None}
        if layer_id == "place":
            area_class = properties.get("class", "").split(" vs ")[0]
            base.update(fillColor=CLASS_COLOURS.get(area_class, CLASS_COLOURS["none"]),
                        fillOpacity=0.4)
        return base

    return style


def legend_rows(layer_ids: tuple[str, ...]) -> list[tuple[str, str, float]]:
    """(title, colour, line weight) for each layer shown, for a legend beside the map."""
    return [(LAYERS[i].title, LAYERS[i].colour, LAYERS[i].line_weight) for i in MAP_ORDER[::-1]
            if i in layer_ids]
