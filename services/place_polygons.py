"""Place polygons (an uploaded GeoJSON of places) turned into a configuration of whole LSOAs.

An LSOA goes wholly to the polygon holding its population-weighted centroid (ONS best fit), so
the configuration's figures stay exact sums over the spine; the LSOAs a polygon edge cuts are
listed beside it with the share of their area inside, as their people are then only
approximately placed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from services.io.place_files import PlaceFileError, problems_frame
from services.io.store import Store
from services.places import PlaceConfig


def config_from_polygons(polygons: gpd.GeoDataFrame, store: Store,
                         name: str = "uploaded polygons") -> tuple[PlaceConfig, pd.DataFrame]:
    """LSOA blocks for place polygons (EPSG:27700), each LSOA to the polygon holding its
    population-weighted centroid (ONS best fit), and the LSOAs a polygon edge cuts, whose people
    are then only approximately placed: columns lsoa21_code, place, share_of_lsoa_area_inside,
    assigned_to."""
    spine = store.spine
    points = gpd.GeoDataFrame(
        spine[["lsoa21_code"]],
        geometry=gpd.points_from_xy(spine["centroid_easting_m"], spine["centroid_northing_m"]),
        crs=27700)
    polygons = polygons.reset_index(drop=True)
    hits = gpd.sjoin(points, polygons, how="inner", predicate="within")
    problems = [{"line": position + 1, "place": polygons.at[position, "place"],
                 "problem": f"feature {position + 1} ({polygons.at[position, 'place']}) holds no "
                            "LSOA population-weighted centroid in England; enlarge it or drop it"}
                for position in polygons.index.difference(hits["index_right"])]
    places_per_lsoa = hits.groupby(level=0)["place"].nunique()
    clashes = hits.loc[places_per_lsoa.index[places_per_lsoa > 1]]
    for (first, second), count in clashes.groupby(level=0)["place"].agg(
            lambda p: tuple(sorted(set(p))[:2])).value_counts().sort_index().items():
        problems.append({"line": 1, "place": f"{first} / {second}", "problem": f"the polygons "
                         f"of {first} and {second} overlap: {count} LSOA centroid(s) lie in both"})
    if problems:
        raise PlaceFileError(name, problems_frame(problems))
    hits = hits[~hits.index.duplicated(keep="first")]
    blocks = pd.DataFrame({"place": hits["place"].to_numpy(), "block_type": "lsoa",
                           "code": hits["lsoa21_code"].to_numpy()})
    blocks = blocks.sort_values(["place", "code"], ignore_index=True)
    lsoa = store.layer("lsoa")
    lsoa_pos, polygon_pos, share = _edge_shares(lsoa, polygons.geometry)
    cut = pd.DataFrame({"lsoa21_code": lsoa["code"].to_numpy()[lsoa_pos],
                        "place": polygons["place"].to_numpy()[polygon_pos],
                        "share_of_lsoa_area_inside": share.round(3)})
    cut = cut[(cut["share_of_lsoa_area_inside"] > 0.01)
              & (cut["share_of_lsoa_area_inside"] < 0.99)]
    cut["assigned_to"] = cut["lsoa21_code"].map(
        hits.set_index("lsoa21_code")["place"]).to_numpy()
    cut = cut.sort_values(["place", "lsoa21_code"], ignore_index=True)
    return PlaceConfig(name, "uploaded polygons", blocks), cut


def _edge_shares(lsoa: gpd.GeoDataFrame,
                 polygons: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(LSOA positions, polygon positions, share of the LSOA's area inside) for each LSOA that a
    polygon touches without holding it wholly. Work stays bounded for a polygon of many vertices
    (a 2 MB upload holds ~85,000): each polygon is prepared once and queried against the LSOA
    tree, LSOAs it holds wholly need no overlay, and a cut LSOA is overlaid only with the part
    of the polygon inside its bounding box (an 85,000-vertex outline: ~1 s, not ~57 s)."""
    shapes = polygons.to_numpy()
    polygon_pos, lsoa_pos = lsoa.sindex.query(shapes, predicate="intersects")
    held_polygon, held_lsoa = lsoa.sindex.query(shapes, predicate="contains_properly")
    pairs = pd.MultiIndex.from_arrays([polygon_pos, lsoa_pos])
    cut = ~pairs.isin(pd.MultiIndex.from_arrays([held_polygon, held_lsoa]))
    polygon_pos, lsoa_pos = polygon_pos[cut], lsoa_pos[cut]
    areas = lsoa.geometry.to_numpy()[lsoa_pos]
    near = [shapely.make_valid(shapely.clip_by_rect(shapes[p], *bounds)) for p, bounds in
            zip(polygon_pos, shapely.bounds(areas), strict=True)]
    inside = shapely.area(shapely.intersection(areas, np.array(near, dtype=object)))
    return lsoa_pos, polygon_pos, inside / lsoa["area_m2"].to_numpy()[lsoa_pos]
