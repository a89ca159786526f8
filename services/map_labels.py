"""Area names drawn on the map as labels, for the layers shown, capped in number.

A layer is labelled whole or not at all (half the wards named would read as if the others were
missing): layers are taken most useful first while the total stays within the cap, and the
ones left out are named beside the map. A name already labelled (a place that is also its HWB
area) is not drawn twice. Labels are text only: no hover, no click, no keyboard stop.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from layers import LAYERS

LABEL_LIMIT = 60
#: Layers that get labels, most useful first (the ICB and region are the page's own title).
LABELLED = ("place", "hwb", "lad", "sub_icb", "pcn", "ward")
_STYLE = ("<style>.pm-label{transform:translate(-50%,-50%);white-space:nowrap;font:600 12px/1.2 "
          "sans-serif;color:#111;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;"
          "pointer-events:none}</style>")


@dataclass(frozen=True)
class Labels:
    """Label points (layer, name, lat, lon) and the layers shown but not labelled."""

    points: pd.DataFrame
    skipped: tuple[str, ...]


def choose_labels(features: dict[str, gpd.GeoDataFrame], limit: int = LABEL_LIMIT) -> Labels:
    rows: list[tuple[str, str, float, float]] = []
    skipped: list[str] = []
    named: set[str] = set()
    for layer_id in LABELLED:
        frame = features.get(layer_id)
        if frame is None or frame.empty:
            continue
        new = [(name, point) for name, point in zip(frame["name"],
                                                    frame.geometry.representative_point(),
                                                    strict=True)
               if name.casefold() not in named]
        if len(rows) + len(new) > limit:
            skipped.append(layer_id)
            continue
        rows += [(layer_id, name, point.y, point.x) for name, point in new]
        named |= {name.casefold() for name, _ in new}
    return Labels(pd.DataFrame(rows, columns=["layer", "name", "lat", "lon"]), tuple(skipped))


def add_labels(fmap: folium.Map, labels: Labels) -> None:
    """Each label a text marker, out of the tab order; names HTML-escaped (they are data)."""
    fmap.get_root().header.add_child(folium.Element(_STYLE))
    group = folium.FeatureGroup(name="Labels", control=False)
    for row in labels.points.itertuples():
        folium.Marker([row.lat, row.lon], interactive=False, keyboard=False,
                      icon=folium.DivIcon(html=f'<div class="pm-label">{html.escape(row.name)}'
                                               "</div>", class_name="pm-label-icon",
                                          icon_size=(0, 0))).add_to(group)
    group.add_to(fmap)


def skipped_text(labels: Labels, limit: int = LABEL_LIMIT) -> str:
    """What the page says when layers went unlabelled ('' when none did)."""
    if not labels.skipped:
        return ""
    titles = ", ".join(LAYERS[i].title for i in labels.skipped)
    return f"Not labelled (more than {limit} labels in all): {titles}."
