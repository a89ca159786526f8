"""Slide-map benchmark: one ICB's map drawn as a 1920×1080 PNG (and SVG, PDF) by
services/slide_map.py, beside a naive baseline measured in the same run.

1. The renderer on the features the Map page draws (the store's coverage-simplified WGS84
   copies, places as unions of the simplified LSOAs): median of 3 renders per format.
2. Baselines: the same areas at full resolution (the store's EPSG:27700 layers, places as unions
   of the full LSOA polygons), as a renderer reading the store's own layers would draw them
   (the store's layers are already built from generalised (BSC) polygons, so the two differ
   little); and the simplified areas drawn the naive geopandas way, one ``GeoSeries.plot`` per
   area with its own style (pyplot, Agg; areas only: no legend, texts or scale bar; timed once).
3. The features themselves (flags and ``map_features``, cold workspace) for scale: the
   dashboard has them already, cached, when a download button is clicked.

Two views: Greater Manchester with the default layers, and the same with wards and PCNs.
Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_slide_map.py
(uses the store at PLACEMAP_STORE or geodata/store/, building it from the mirror if missing)
"""

from __future__ import annotations

import io
import statistics

import geopandas as gpd
import matplotlib
import shapely
from common import print_table, store_or_build, timed

from services.flags import misalignment_flags
from services.geography import Geography
from services.map_view import feature_style, map_features
from services.slide_map import DPI, FORMATS, SIZE_PX, SlideMap, render, slide_map
from services.workspace import Workspace

ICB = "E54000057"  # Greater Manchester
PLACES = "greater_manchester"
VIEWS = {"default layers": ("icb", "hwb", "lad", "place"),
         "with wards and PCNs": ("icb", "hwb", "lad", "pcn", "ward", "place")}
RENDER_TARGET_S = 2.0
RUNS = 3


def full_resolution(ws: Workspace, places: Geography,
                    features: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """The same features with the store's full-resolution geometry."""
    lsoa = ws.store.layers["lsoa"]
    if not (lsoa["code"].to_numpy() == ws.store.spine["lsoa21_code"].to_numpy()).all():
        raise RuntimeError("the LSOA layer is not in spine order")
    full = {}
    for layer_id, frame in features.items():
        if layer_id == "place":
            members = places.membership.groupby("code")["lsoa"]
            shapes = members.apply(lambda rows: shapely.union_all(
                lsoa.geometry.to_numpy()[rows.to_numpy()]))
            geometry = gpd.GeoSeries(shapes, crs=27700).reindex(frame["code"])
        else:
            geometry = ws.store.layers[layer_id].set_index("code").geometry.reindex(frame["code"])
        full[layer_id] = frame.set_geometry(geometry.to_crs(4326).to_numpy(), crs=4326)
    return full


def per_area_plot_png(slide: SlideMap) -> bytes:
    """The naive renderer: one geopandas plot call per area, in the page's styles."""
    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI)
    for layer_id, frame in slide.features.items():
        style = feature_style(layer_id)
        for area_class, flagged, shape in zip(frame["class"], frame["flagged"],
                                              frame.to_crs(27700).geometry, strict=True):
            look = style({"properties": {"class": area_class, "flagged": flagged}})
            gpd.GeoSeries([shape]).plot(
                ax=axes, edgecolor=look["color"], linewidth=look["weight"] * 72 / DPI,
                facecolor=look["fillColor"] if look["fill"] else "none",
                alpha=look.get("fillOpacity", 1.0) if look["fill"] else 1.0)
    axes.set_axis_off()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    pyplot.close(figure)
    return out.getvalue()


def _median(work) -> float:
    return statistics.median(timed(work) for _ in range(RUNS))


def _features(ws: Workspace, places: Geography, layers: tuple[str, ...]) -> dict:
    flagged = frozenset(misalignment_flags(ws, places, ICB)[0]["code"])
    return map_features(ws, ICB, places, layers, flagged, threshold=0.99, sliver=0.005)


def _vertices(features: dict[str, gpd.GeoDataFrame]) -> int:
    return sum(int(shapely.get_num_coordinates(f.geometry.to_numpy()).sum())
               for f in features.values())


def _view_rows(ws: Workspace, places: Geography, view: str,
               layers: tuple[str, ...]) -> list[list[str]]:
    cold = timed(lambda: _features(Workspace(ws.store.base), places, layers))
    drawn = _features(ws, places, layers)
    slide = slide_map(ws, ICB, places, drawn)
    naive = slide_map(ws, ICB, places, full_resolution(ws, places, drawn))
    print(f"{view}: {sum(len(f) for f in drawn.values()):,} areas, {_vertices(drawn):,} "
          f"vertices simplified, {_vertices(naive.features):,} at full resolution")
    rows, png_s = [], 0.0
    for fmt in FORMATS:
        fast = _median(lambda fmt=fmt: render(slide, fmt))
        slow = _median(lambda fmt=fmt: render(naive, fmt))
        png_s = fast if fmt == "png" else png_s
        rows.append([f"{view}: {fmt.upper()} ({len(render(slide, fmt)) / 1e6:.2f} MB; full "
                     f"resolution {len(render(naive, fmt)) / 1e6:.2f} MB)", f"{fast:.2f} s",
                     f"< {RENDER_TARGET_S:.0f} s", f"{slow:.2f} s full resolution",
                     f"{slow / fast:.1f}x", "PASS" if fast < RENDER_TARGET_S else "FAIL"])
    per_area = timed(lambda: per_area_plot_png(slide))  # ~50 s with wards: once
    rows.append([f"{view}: PNG, against one geopandas plot per area", f"{png_s:.2f} s",
                 f"< {RENDER_TARGET_S:.0f} s", f"{per_area:.2f} s per-area plots",
                 f"{per_area / png_s:.1f}x", "PASS" if png_s < RENDER_TARGET_S else "FAIL"])
    rows.append([f"{view}: features, cold workspace (untargeted)", f"{cold:.2f} s", "–", "–",
                 "–", "–"])
    return rows


def main() -> None:
    ws = Workspace(store_or_build())
    places = ws.places(PLACES)
    rows = [row for view, layers in VIEWS.items() for row in _view_rows(ws, places, view, layers)]
    print(f"Slide map of {ws.geography('icb').names()[ICB]}, places {PLACES}, "
          f"{ws.generation.label}; medians of {RUNS}")
    print_table(rows)


if __name__ == "__main__":
    main()
