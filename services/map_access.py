"""What makes a folium map usable from the keyboard and by a screen reader: one keyboard stop
(the map itself, never each polygon), an accessible name for the map and for the frame the
dashboard shows it in, and the areas drawn as a text table to read beside it.

Chromium puts every interactive SVG path of Leaflet in the tab order (500+ stops with all
layers on); each path Leaflet adds is given ``tabindex=-1`` as it is added, so Tab goes from
the map to what follows it. Arrow keys still pan the focused map.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import pandas as pd
from jinja2 import Template

from layers import LAYERS, MAP_ORDER


class OneKeyboardStop(folium.MacroElement):
    """Add to a map before its layers: its paths leave the tab order, and the map and its frame
    are named ``label``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, label) {
            map.on("layeradd", function (event) {
                var path = event.layer && event.layer._path;
                if (path) { path.setAttribute("tabindex", "-1"); }
            });
            var box = map.getContainer();
            box.setAttribute("role", "region");
            box.setAttribute("aria-label", label);
            try {
                if (window.frameElement) { window.frameElement.setAttribute("aria-label", label); }
            } catch (e) {}
        })({{ this._parent.get_name() }}, {{ this.label_json }});
        {% endmacro %}
    """)

    def __init__(self, label: str) -> None:
        super().__init__()
        self._name = "OneKeyboardStop"
        self.label_json = json.dumps(label)


class MapName(folium.MacroElement):
    """Rename a map already drawn (and its frame) ``label``: added with layers sent after the
    map (ui/edit_redraw.py), in a feature group on the map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (box, label) {
            box.setAttribute("aria-label", label);
            try {
                if (window.frameElement) { window.frameElement.setAttribute("aria-label", label); }
            } catch (e) {}
        })({{ this._parent._parent.get_name() }}.getContainer(), {{ this.label_json }});
        {% endmacro %}
    """)

    def __init__(self, label: str) -> None:
        super().__init__()
        self._name = "MapName"
        self.label_json = json.dumps(label)


def map_label(features: dict[str, gpd.GeoDataFrame]) -> str:
    """The map's accessible name: what it shows and where the same areas are listed as text."""
    counts = [f"{len(features[i]):,} {LAYERS[i].title}" for i in MAP_ORDER[::-1]
              if i in features and len(features[i])]
    shown = "; ".join(counts) if counts else "no areas"
    return f"Map: {shown}. The table 'Areas on the map' below lists them."


def area_table(features: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Every area drawn, top layer first: name, code, layer, class, population."""
    frames = [pd.DataFrame({"name": features[i]["name"], "code": features[i]["code"],
                            "layer": LAYERS[i].title, "class": features[i]["class"],
                            "population": features[i]["population"]})
              for i in MAP_ORDER[::-1] if i in features]
    columns = ["name", "code", "layer", "class", "population"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


#: The areas table's columns: (area_table column, heading); population is right-aligned.
AREA_COLUMNS = (("name", "Name"), ("code", "Code"), ("layer", "Layer"), ("class", "Class"),
                ("population", "People"))


def area_summary(table: pd.DataFrame) -> str:
    return f"{len(table):,} areas: name, code, layer and class"


def area_table_html(table: pd.DataFrame) -> str:
    """``table`` (:func:`area_table`) as a plain HTML table, every value escaped: a real table a
    screen reader walks by row and column, drawn by the browser itself (a data grid would first
    load ~1.2 MB of script, ~0.4 s before a first map)."""
    head = "".join(f"<th scope='col'>{html.escape(title)}</th>" for _, title in AREA_COLUMNS)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row[column]))}</td>" for column, _ in
                         AREA_COLUMNS[:-1])
        + f"<td style='text-align:right'>{int(row['population']):,}</td></tr>"
        for row in table.to_dict("records"))
    caption = html.escape(area_summary(table))
    return (f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")
