"""Slide-ready maps: the Map page's view drawn statically as PNG (1920×1080), SVG or PDF.

The renderer draws the features the Map page draws (:func:`services.map_view.map_features`)
in the page's own styles (:func:`services.map_view.feature_style`, from the layer declarations
in ``layers``), the selected area outlined, with a title, a legend naming each layer's vintage,
a scale bar, the generation, a date and the data's attribution (the manifest's lines, as every
page ends with). No basemap: a slide must not depend on tiles, and rooms are often offline.

Deterministic: the same :class:`SlideMap` gives the same bytes in every format (no creation
dates, fixed SVG ids, fonts shipped with matplotlib), so ``placemap map`` and the dashboard's
download give the same file. Matplotlib reads its settings from one global dict when a figure is
drawn, and the dashboard renders in threads, so each render holds a lock. Agg, SVG and PDF
canvases only: pyplot (and a GUI backend) is never loaded.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from layers import LAYERS, MAP_ORDER
from services.geography import Geography
from services.io.sources import load_manifest
from services.map_view import (
    CLASS_COLOURS,
    SELECTED_COLOUR,
    SELECTED_WEIGHT,
    feature_style,
)
from services.workspace import Workspace

#: Format → MIME type: what ``placemap map --out`` and the download buttons offer.
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
#: A full-HD slide; SVG and PDF get the same layout at 19.2 × 10.8 inches.
SIZE_PX = (1920, 1080)
DPI = 100
#: Leaflet line weights and dashes are screen pixels; matplotlib's are points.
PT_PER_PX = 72 / DPI
#: What the legend says each place fill means (the Map page's caption, one row per class).
CLASS_LABELS = {"coterminous": "Place coterminous with one HWB area",
                "within": "Place within one HWB area",
                "contains": "Place a union of whole HWB areas",
                "straddles": "Place straddles HWB areas",
                "none": "Place, no class"}
MAP_BOX = (0.02, 0.13, 0.71, 0.74)  # left, bottom, width, height (figure fractions)
LEGEND_WRAP_CHARS = 40
_METADATA = {"png": {"Software": None}, "svg": {"Date": None},
             "pdf": {"CreationDate": None, "ModDate": None}}
_SETTINGS = {"svg.hashsalt": "placemap", "svg.fonttype": "none", "pdf.fonttype": 42,
             "font.family": "DejaVu Sans", "lines.scale_dashes": False,
             "text.parse_math": False}  # names come from files: "$" is text, never TeX
_LOCK = threading.Lock()


@dataclass(frozen=True)
class SlideMap:
    """Everything one slide map shows. ``features``: per layer, WGS84 areas with ``code``,
    ``name``, ``class`` and ``flagged`` as :func:`services.map_view.map_features` gives them;
    ``layer_labels``: each layer's legend label with its vintage."""

    features: dict[str, gpd.GeoDataFrame]
    title: str
    subtitle: str
    layer_labels: dict[str, str]
    generation: str
    date: str
    attribution: tuple[str, ...]
    selected: str = ""


def slide_map(ws: Workspace, icb_code: str, places: Geography,
              features: dict[str, gpd.GeoDataFrame], selected: str = "",
              date: str | None = None) -> SlideMap:
    """The slide of one ICB's map view. ``date`` defaults to the store's build date, so the same
    store and view always give the same slide."""
    drawn = {layer_id: frame for layer_id, frame in features.items() if len(frame)}
    if not drawn:
        raise ValueError("Nothing to draw: none of the chosen layers has an area in this ICB; "
                         f"choose layers among {', '.join(MAP_ORDER[::-1])}.")
    chosen = selected_area(drawn, selected)
    subtitle = [f"Boundaries as at {ws.generation.label}"]
    if "place" in drawn:
        subtitle.append(places.title)
    if chosen is not None:
        subtitle.append(f"Selected: {chosen['name'].iloc[0]} ({selected})")
    labels = {layer_id: (f"{LAYERS['place'].title}, configuration of {places.vintage} codes"
                         if layer_id == "place" else ws.generation.layer(layer_id).label)
              for layer_id in drawn}
    built = str(ws.store.meta.get("built_at", ""))[:10]
    return SlideMap(
        features=drawn, title=ws.geography("icb").names()[icb_code], subtitle=" · ".join(subtitle),
        layer_labels=labels,
        generation=(f"Boundaries as at {ws.generation.label}. Population: Census 2021 usual "
                    "residents over the LSOA 2021 spine."),
        date=date if date is not None else (f"Store built {built}." if built else ""),
        attribution=tuple(load_manifest().attribution.values()),
        selected=selected if chosen is not None else "")


def selected_area(features: dict[str, gpd.GeoDataFrame], code: str) -> gpd.GeoDataFrame | None:
    """The selected area's row, from the topmost layer drawn that has it (a unitary council is
    both a LAD and an HWB area, with one shape)."""
    for layer_id in MAP_ORDER[::-1]:
        frame = features.get(layer_id)
        if code and frame is not None and (frame["code"] == code).any():
            return frame[frame["code"] == code]
    return None


def render(slide: SlideMap, fmt: str) -> bytes:
    """The slide as a PNG, SVG or PDF file's bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown map format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    with _LOCK, matplotlib.rc_context(_SETTINGS):
        figure = Figure(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_axes(MAP_BOX)
        _draw_areas(axes, slide)
        _scale_bar(axes)
        _legend(figure, slide)
        _texts(figure, slide)
        out = io.BytesIO()
        figure.savefig(out, format=fmt, dpi=DPI, metadata=_METADATA[fmt], facecolor="white")
    return out.getvalue()


def _draw_areas(axes, slide: SlideMap) -> None:
    """Each layer in the map's draw order and style (British National Grid, so the scale bar
    is in metres), the selected area's outline on top, framed as the map frames it."""
    projected = {layer_id: frame.to_crs(27700) for layer_id, frame in slide.features.items()}
    for rank, layer_id in enumerate(MAP_ORDER):
        if layer_id in projected:
            axes.add_collection(_collection(layer_id, projected[layer_id], rank))
    chosen = selected_area(projected, slide.selected)
    if chosen is not None:
        axes.add_collection(PatchCollection(
            [_patch(g) for g in chosen.geometry], facecolors="none",
            edgecolors=SELECTED_COLOUR, linewidths=SELECTED_WEIGHT * PT_PER_PX,
            zorder=len(MAP_ORDER) + 1))
    framed = [chosen] if chosen is not None else [projected["icb"]] if "icb" in projected \
        else list(projected.values())
    bounds = np.array([frame.total_bounds for frame in framed])
    _fit(axes, np.r_[bounds[:, :2].min(axis=0), bounds[:, 2:].max(axis=0)])
    axes.set_axis_off()


def _fit(axes, bounds: np.ndarray) -> None:
    """Frame ``bounds`` (metres) with a margin, widened to the map box's shape, so one metre is
    as long across as up and the box is filled."""
    minx, miny, maxx, maxy = bounds
    margin_m = 0.04 * max(maxx - minx, maxy - miny, 1.0)
    width_m, height_m = maxx - minx + 2 * margin_m, maxy - miny + 2 * margin_m
    box_ratio = (MAP_BOX[2] * SIZE_PX[0]) / (MAP_BOX[3] * SIZE_PX[1])
    width_m, height_m = max(width_m, height_m * box_ratio), max(height_m, width_m / box_ratio)
    centre_x, centre_y = (minx + maxx) / 2, (miny + maxy) / 2
    axes.set_xlim(centre_x - width_m / 2, centre_x + width_m / 2)
    axes.set_ylim(centre_y - height_m / 2, centre_y + height_m / 2)
    axes.set_aspect("equal", adjustable="box")


def _collection(layer_id: str, frame: gpd.GeoDataFrame, rank: int) -> PatchCollection:
    """One layer's areas, each styled as the Map page styles it (class fill, flag dashes)."""
    style = feature_style(layer_id)
    styles = [_matplotlib_style(style({"properties": {"class": c, "flagged": f}}))
              for c, f in zip(frame["class"], frame["flagged"], strict=True)]
    return PatchCollection([_patch(g) for g in frame.geometry],
                           facecolors=[s["facecolor"] for s in styles],
                           edgecolors=[s["edgecolor"] for s in styles],
                           linewidths=[s["linewidth"] for s in styles],
                           linestyles=[s["linestyle"] for s in styles], zorder=rank)


def _matplotlib_style(leaflet: dict) -> dict:
    """A Leaflet path style (colour, weight, opacity, fill, dashArray) in matplotlib's terms."""
    dash = leaflet.get("dashArray")
    return {"edgecolor": to_rgba(leaflet["color"], leaflet.get("opacity", 1.0)),
            "facecolor": (to_rgba(leaflet["fillColor"], leaflet["fillOpacity"])
                          if leaflet.get("fill") else "none"),
            "linewidth": leaflet["weight"] * PT_PER_PX,
            "linestyle": ((0, tuple(float(n) * PT_PER_PX for n in dash.split())) if dash
                          else "solid")}


def _patch(geometry) -> PathPatch:
    """A (multi)polygon as one compound path: exteriors anticlockwise, holes clockwise, so the
    non-zero fill rule leaves the holes empty."""
    rings = [ring for part in shapely.get_parts(shapely.orient_polygons(geometry))
             if isinstance(part, shapely.Polygon) for ring in (part.exterior, *part.interiors)]
    paths = [Path(np.asarray(ring.coords)[:, :2], closed=True) for ring in rings]
    return PathPatch(Path.make_compound_path(*paths) if paths else Path(np.zeros((1, 2))))


def nice_length_m(span_m: float) -> float:
    """The scale bar's length: the longest 1, 2 or 5 × 10^k metres at most a fifth of the map's
    width (100 km wide → 20 km)."""
    power = 10 ** math.floor(math.log10(span_m / 5))
    return max(step * power for step in (1, 2, 5) if step * power <= span_m / 5)


def _scale_bar(axes) -> None:
    minx, maxx = axes.get_xlim()
    length_m = nice_length_m(maxx - minx)
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    axes.add_artist(AnchoredSizeBar(axes.transData, length_m, label, "lower left", pad=0.6,
                                    borderpad=0.8, sep=6, frameon=True,
                                    size_vertical=(maxx - minx) / 250, fontproperties={
                                        "size": 14}))
    axes.annotate("N", xy=(0.975, 0.97), xytext=(0.975, 0.88), xycoords="axes fraction",
                  ha="center", va="center", fontsize=16, weight="bold",
                  arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 2})


def _legend(figure: Figure, slide: SlideMap) -> None:
    """A row per layer drawn (top layer first, as the page's legend), the selected area, the
    place classes present and the flag dash when anything is flagged."""
    handles = [Line2D([], [], color=LAYERS[layer_id].colour,
                      linewidth=LAYERS[layer_id].line_weight * PT_PER_PX,
                      label=_wrap(slide.layer_labels[layer_id]))
               for layer_id in MAP_ORDER[::-1] if layer_id in slide.features]
    if slide.selected:
        handles.append(Line2D([], [], color=SELECTED_COLOUR,
                              linewidth=SELECTED_WEIGHT * PT_PER_PX, label="Selected area"))
    if "place" in slide.features:
        present = set(slide.features["place"]["class"].str.split(" vs ").str[0])
        style = feature_style("place")
        handles += [Patch(label=_wrap(label), **{key: value for key, value in _matplotlib_style(
            style({"properties": {"class": f"{name} vs HWB areas", "flagged": ""}})).items()
            if key != "linestyle"}) for name, label in CLASS_LABELS.items()
            if name in present and name in CLASS_COLOURS]
    flagged = [i for i in MAP_ORDER[::-1] if i in slide.features
               and (slide.features[i]["flagged"] == "yes").any()]
    if flagged:
        dashed = _matplotlib_style(feature_style(flagged[0])(
            {"properties": {"class": "", "flagged": "yes"}}))
        handles.append(Line2D([], [], color="#333333", linewidth=dashed["linewidth"],
                              linestyle=dashed["linestyle"], label="Flagged (dashed outline)"))
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.75, 0.87),
                  frameon=False, fontsize=13, title="Legend", title_fontsize=15,
                  alignment="left", handlelength=2.6, labelspacing=0.9)


def _wrap(label: str) -> str:
    return textwrap.fill(label, LEGEND_WRAP_CHARS)


def _texts(figure: Figure, slide: SlideMap) -> None:
    """Title and subtitle above the map; generation, date and attribution below it; each line
    made smaller until it fits the slide's width (the longest ICB name is 77 characters)."""
    _fitted(figure.text(0.02, 0.965, slide.title, fontsize=30, weight="bold", va="top"))
    _fitted(figure.text(0.02, 0.905, slide.subtitle, fontsize=16, va="top", color="#333333"))
    lines = [" ".join(part for part in (slide.generation, slide.date) if part),
             *slide.attribution]
    for row, line in enumerate(lines):
        _fitted(figure.text(0.02, 0.095 - 0.027 * row, line, fontsize=11, va="top",
                            color="#333333"))


def _fitted(text, width_frac: float = 0.96, smallest_pt: float = 6.0) -> None:
    """Shrink ``text`` in 5% steps until it is at most ``width_frac`` of the figure wide."""
    figure = text.get_figure()
    renderer = figure.canvas.get_renderer()
    while (text.get_window_extent(renderer).width > width_frac * figure.bbox.width
           and text.get_fontsize() > smallest_pt):
        text.set_fontsize(text.get_fontsize() * 0.95)
