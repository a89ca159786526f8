"""Areas highlighted together on the map (a flag's areas: a place and the ICBs it crosses, an
HWB area and the ICBs it is split across), wherever they are: taken from the store's simplified
copies, not from what the ICB's map draws, so an area of a neighbouring ICB is shown too. The
first area (the flagged one) is drawn bold, the others it names thinner and dashed."""

from __future__ import annotations

import geopandas as gpd

from layers import LAYERS
from services.flag_details import AreaRef
from services.geography import Geography
from services.map_view import SELECTED_WEIGHT, _place_shapes
from services.workspace import Workspace


def highlighted(ws: Workspace, places: Geography,
                keys: tuple[str, ...]) -> tuple[gpd.GeoDataFrame, list[str]]:
    """(features in WGS84 with code, name and layer title, keys not found here). A key is
    "layer:code"; one not in this generation or configuration is returned, never dropped."""
    rows, shapes, missing = [], [], []
    for ref in map(AreaRef.from_key, keys):
        shape = _shape(ws, places, ref)
        if shape is None:
            missing.append(ref.key)
            continue
        geography = places if ref.layer == "place" else ws.geography(ref.layer)
        first = ref.key == keys[0]
        rows.append({"code": ref.code, "name": str(geography.names()[ref.code]),
                     "layer": LAYERS[ref.layer].title,
                     "weight": SELECTED_WEIGHT if first else SELECTED_WEIGHT / 2,
                     "dash": None if first else "8 6"})
        shapes.append(shape)
    frame = gpd.GeoDataFrame(rows, columns=["code", "name", "layer", "weight", "dash"],
                             geometry=shapes, crs=4326)
    return frame, missing


def _shape(ws: Workspace, places: Geography, ref: AreaRef):
    if ref.layer == "place":
        if ref.code not in places.areas.index:
            return None
        return _place_shapes(ws, places, places.areas.index[places.areas.index == ref.code]
                             ).iloc[0]
    if ref.layer not in LAYERS or not ws.has(ref.layer) or ref.layer not in ws.store.map_layers:
        return None
    layer = ws.store.map_layers[ref.layer]
    found = layer.geometry[layer["code"] == ref.code]
    return found.iloc[0] if len(found) else None
