"""One row per layer of a loaded store, as ``placemap data check`` and the home page show it."""

from __future__ import annotations

import pandas as pd

from layers import LAYERS
from services.io.store import Store


def store_summary(store: Store) -> pd.DataFrame:
    rows = []
    for layer_id, layer in LAYERS.items():
        if layer_id not in store.meta["layer_info"]:
            continue
        info = store.meta["layer_info"][layer_id]
        rows.append({
            "layer": layer_id,
            "title": layer.title,
            "vintage": info["vintage"],
            "rows": info["rows"],
            "population": info["population"],
            "population_method": layer.population_method,
            "repaired_geometries": info["repaired_geometries"],
        })
    return pd.DataFrame(rows)
