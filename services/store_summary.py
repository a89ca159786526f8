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


def pcn_lines(pcn_meta: dict | None) -> list[str]:
    """The PCN footprint method, each method's quality against list sizes, and the bad input."""
    if not pcn_meta:
        return []
    lines = [f"pcn method: {pcn_meta['method']}"]
    for method, quality in pcn_meta["quality"].items():
        england = quality["england"]
        lines.append(f"pcn quality ({method}): correlation with list size "
                     f"{england['correlation']:.3f}, median ratio to rescaled list size "
                     f"{england['median_ratio']:.3f} over {england['pcns']} PCNs")
    lines += [f"pcn bad input {line['rule']} ({line['source']}): {line['count']}"
              for line in pcn_meta["bad_input"]]
    return lines
