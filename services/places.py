"""Place configurations: named places built from building blocks, resolved to LSOAs.

Places have no official boundary file, so a configuration is data: rows ``place,block_type,code``
where a block is a lower-tier council (``lad``, LAD24CD), an upper-tier council / HWB area
(``hwb``, UTLA23CD), a sub-ICB location (``sub_icb``, SICBL24CD), an electoral ward (``ward``,
WD22CD, by ONS best fit) or an ``lsoa`` (LSOA21CD). Every block resolves to whole LSOAs through the
spine, so a place is built exactly like a store layer and its population figures are exact.

Each place belongs to one ICB: the ICB named by the caller, or else the ICB holding most of the
place's population. A block wholly outside that ICB is an error; a block partly outside is not (the
place then crosses its ICB boundary, which the flags report).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers import get_generation
from services.geography import Geography, lsoa_geometry_union
from services.io.place_files import (
    BLOCK_TYPES,
    HEADER,
    PlaceFileError,
    problems_frame,
    published_configurations,
    read_place_csv,
    too_many_rows,
)
from services.io.store import Store
from services.limits import CONFIG_ROWS_MAX, SESSION_CONFIGS_MAX
from services.vintages import unknown_code_hints

SCHEMES = {
    "hwb_within_icb": "Upper-tier council (HWB area) within ICB",
    "sub_icb": "Sub-ICB locations",
}
DEFAULT_SCHEME = "hwb_within_icb"
#: Configurations made in a session (uploads, edits) are kept under keys ``"<kind>: <name>"``,
#: a namespace no scheme or published configuration (identifiers, file stems) can be in, so a
#: file named ``hwb_within_icb`` or ``greater_manchester`` never replaces the real one. Values:
#: how the dashboard labels each kind.
SESSION_KINDS = {"upload": "Your upload", "edit": "Your edit", "draft": "Saved draft"}


@dataclass(frozen=True)
class PlaceConfig:
    """A named configuration; ``blocks`` has columns place, block_type, code (and ``line`` when
    read from a file)."""

    name: str
    source: str
    blocks: pd.DataFrame
    #: The generation whose codes the file says it uses (``# vintage: 2024``), if it says.
    vintage: str | None = None

    @property
    def place_count(self) -> int:
        return self.blocks["place"].nunique()

    def facts(self) -> dict[str, str]:
        return {"name": self.name, "source": self.source,
                **({"vintage": self.vintage} if self.vintage else {})}


def session_key(kind: str, name: str) -> str:
    """The session key of an upload or edit named ``name`` (one line, spaces collapsed)."""
    if kind not in SESSION_KINDS:
        raise KeyError(f"Unknown session configuration kind {kind!r}")
    return f"{kind}: {' '.join(name.split())}"


def session_label(key: str, name: str) -> str:
    """How the dashboard names a session configuration: its kind, then its own name."""
    return f"{SESSION_KINDS[key.partition(':')[0]]}: {name}"


def keep_session_config(configs: dict[str, PlaceConfig], key: str,
                        config: PlaceConfig) -> list[str]:
    """Keep ``config`` under ``key`` as the newest of a session's configurations; the oldest
    beyond ``SESSION_CONFIGS_MAX`` are removed and their labels returned, to be said."""
    configs.pop(key, None)
    configs[key] = config
    dropped = list(configs)[:max(len(configs) - SESSION_CONFIGS_MAX, 0)]
    return [session_label(old, configs.pop(old).name) for old in dropped]


def scheme_config(store: Store, scheme: str = DEFAULT_SCHEME) -> PlaceConfig:
    """A built-in scheme over all of England.

    ``hwb_within_icb``: one place per HWB area ∩ ICB, as whole HWB areas where they lie in one
    ICB, else whole LADs, else LSOAs. ``sub_icb``: one place per sub-ICB location.
    """
    if scheme not in SCHEMES:
        raise KeyError(f"Unknown place scheme {scheme!r}: choose one of {', '.join(SCHEMES)}, "
                       "a published configuration or a CSV file.")
    spine = store.spine
    if scheme == "sub_icb":
        names = store.layer("sub_icb").set_index("code")["name"]
        codes = sorted(spine["sub_icb_code"].unique())
        blocks = pd.DataFrame({"place": [names[c] for c in codes], "block_type": "sub_icb",
                               "code": codes})
        return PlaceConfig(SCHEMES[scheme], "built-in scheme", blocks)
    hwb_names = store.layer("hwb").set_index("code")["name"]
    icb_ods = store.layer("icb").set_index("code")["ods_code"]
    hwb_icbs = spine.groupby("hwb_code")["icb_code"].nunique()
    lad_icbs = spine.groupby("lad_code")["icb_code"].nunique()
    rows = []
    for (hwb, icb), part in spine.groupby(["hwb_code", "icb_code"], sort=True):
        if hwb_icbs[hwb] == 1:
            rows.append((hwb_names[hwb], "hwb", hwb))
            continue
        place = f"{hwb_names[hwb]} ({icb_ods[icb]})"
        for lad, lad_part in part.groupby("lad_code", sort=True):
            if lad_icbs[lad] == 1:
                rows.append((place, "lad", lad))
            else:
                rows.extend((place, "lsoa", code) for code in lad_part["lsoa21_code"])
    blocks = pd.DataFrame(rows, columns=HEADER)
    return PlaceConfig(SCHEMES[scheme], "built-in scheme", blocks)


def load_config(store: Store, name: str, *, files: bool = False) -> PlaceConfig:
    """A scheme id, a published configuration (file stem in geodata/places) or, only when
    ``files`` is true (the CLI), a CSV path: a name arriving in a shared link must never make the
    server read an arbitrary file."""
    if name in SCHEMES:
        return scheme_config(store, name)
    published = published_configurations()
    path = published.get(name)
    if path is None:
        known = ", ".join([*SCHEMES, *published])
        if not files:
            raise KeyError(f"No place configuration {name!r}: choose one of {known}, or upload "
                           "a CSV on the Places page.")
        path = Path(name)
        if not path.is_file():
            raise KeyError(f"No place configuration {name!r}: give a CSV file or one of {known}.")
    facts, blocks = read_place_csv(path)
    return PlaceConfig(facts.get("name", path.stem), facts.get("source", str(path)), blocks,
                       facts.get("vintage"))


def resolve(config: PlaceConfig, store: Store, icb_code: str | None = None) -> Geography:
    """The configuration as a geography over the spine, or :class:`PlaceFileError` listing every
    unknown code, block wholly outside its place's ICB and block named twice. Linear in the rows
    (repeated blocks are grouped, never rescanned): 100,000 rows take well under 2 s."""
    spine = store.spine
    blocks = _numbered(config)
    repeated, problems = _repeats(blocks)
    members = _members(blocks[~repeated], store, problems)
    members["lsoa"] = members["lsoa"].astype(np.int64)
    members["icb_code"] = spine["icb_code"].to_numpy()[members["lsoa"].to_numpy()]
    members["population"] = spine["population"].to_numpy()[members["lsoa"].to_numpy()]
    place_icb = _place_icbs(members, icb_code)
    members["place_icb"] = members["place"].map(place_icb)
    inside = members["icb_code"] == members["place_icb"]
    block_inside = inside.groupby(members["row"]).any()
    outside = blocks.iloc[block_inside.index[~block_inside.to_numpy()]]
    problems.append(_problems(outside, outside["block_type"] + " " + outside["code"]
                              + " lies wholly outside " + outside["place"] + "'s ICB "
                              + outside["place"].map(place_icb).astype(str)))
    problems = pd.concat([frame for frame in problems if len(frame)] or [problems_frame([])],
                         ignore_index=True)
    if len(problems):
        raise PlaceFileError(config.name, problems.sort_values("line", kind="stable"))
    membership = (members[["lsoa", "place"]].rename(columns={"place": "code"})
                  .drop_duplicates().sort_values(["code", "lsoa"], ignore_index=True))
    areas = _place_areas(members, place_icb)
    vintages = sorted({_block_vintage(store, t) for t in blocks["block_type"]})
    return Geography(
        id="place", title=f"Places: {config.name}", vintage=" + ".join(vintages),
        lsoa_built=True, membership=membership, areas=areas,
        geometry_factory=lambda: lsoa_geometry_union(store, membership),
        generation=store.view_id,
    )


def _numbered(config: PlaceConfig) -> pd.DataFrame:
    """The blocks with their file ``line`` (as in a CSV when none is given) and ``row``
    position; none, or more than the row limit, is an error."""
    if config.blocks.empty:
        raise PlaceFileError(config.name, problems_frame([{
            "line": None, "problem": "the configuration has no building blocks: add at least one "
            "row place,block_type,code (e.g. Bolton,lad,E08000001)"}]))
    if len(config.blocks) > CONFIG_ROWS_MAX:
        raise too_many_rows(config.name)
    blocks = config.blocks.reset_index(drop=True)
    if "line" not in blocks:
        blocks["line"] = np.arange(2, len(blocks) + 2)
    return blocks.assign(row=np.arange(len(blocks)))


def _repeats(blocks: pd.DataFrame) -> tuple[np.ndarray, list[pd.DataFrame]]:
    """(rows naming a block an earlier row named, problems: those rows and unknown block
    types), found by one grouping of the table."""
    first = blocks.groupby(["block_type", "code"], sort=False)["row"].transform("first")
    repeated = (first != blocks["row"]).to_numpy()
    again, earlier = blocks[repeated], blocks.iloc[first[repeated].to_numpy()]
    problems = [_problems(again, again["block_type"] + " " + again["code"]
                          + " is already used on line " + earlier["line"].astype(str).to_numpy()
                          + " (" + earlier["place"].astype(str).to_numpy() + ")")]
    unknown_type = blocks[~blocks["block_type"].isin(BLOCK_TYPES)]
    problems.append(_problems(unknown_type, "block_type '" + unknown_type["block_type"]
                              + f"' is not one of {', '.join(BLOCK_TYPES)}"))
    return repeated, problems


def _members(blocks: pd.DataFrame, store: Store, problems: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per (block, LSOA) it holds; unknown codes and blocks holding no LSOA are added
    to ``problems``."""
    spine, parts = store.spine, []
    for block_type in BLOCK_TYPES:
        chosen = blocks[blocks["block_type"] == block_type]
        if chosen.empty:
            continue
        column = get_generation(store.generation_id).layer(block_type).spine_column
        lsoas = pd.DataFrame({"lsoa": np.arange(len(spine)), "code": spine[column].to_numpy()})
        known = _among(chosen["code"], store.layer(block_type)["code"]
                       if block_type != "lsoa" else spine[column])
        problems.append(_problems(chosen[~known], f"unknown {block_type} code "
                                  + chosen["code"]
                                  + unknown_code_hints(store, block_type, chosen["code"][~known])))
        empty = chosen[known & ~_among(chosen["code"], spine[column])]
        problems.append(_problems(empty, f"{block_type} " + empty["code"] + " holds no LSOA by "
                                  "best fit (population 0), so it adds nobody: remove it or "
                                  "name the LSOAs you mean"))
        parts.append(chosen.merge(lsoas, on="code", how="left").dropna(subset=["lsoa"]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=[*blocks.columns, "lsoa"])


def _among(codes: pd.Series, known: pd.Series) -> np.ndarray:
    """``codes.isin(known)`` by one hash lookup (Series.isin on Arrow strings loops in Python:
    ~0.4 s per 100,000 codes)."""
    return pd.Index(known.unique()).get_indexer(codes) >= 0


def _problems(rows: pd.DataFrame, problem: pd.Series | str) -> pd.DataFrame:
    """One problem row per row of ``rows`` (``problem`` indexed like them, or one text)."""
    frame = rows.reindex(columns=["line", "place", "block_type", "code"])
    if isinstance(problem, pd.Series):  # only the rows' own texts (an empty frame would
        problem = problem.reindex(rows.index).to_numpy()  # adopt the whole series' index)
    return frame.assign(problem=problem).reset_index(drop=True)


def _block_vintage(store: Store, block_type: str) -> str:
    """How a block's codes are dated in the place's vintage label ("2021 LSOAs + 2024")."""
    vintage = get_generation(store.generation_id).layer(block_type).vintage
    plural = {"ward": "wards", "lsoa": "LSOAs"}.get(block_type)
    return f"{vintage.id} {plural}" if plural else vintage.id


def _place_icbs(members: pd.DataFrame, icb_code: str | None) -> pd.Series:
    places = pd.Index(members["place"].unique())
    if icb_code is not None:
        return pd.Series(icb_code, index=places)
    by_icb = members.drop_duplicates(["place", "lsoa"]).groupby(["place", "icb_code"])[
        "population"].sum()
    return by_icb.sort_values(ascending=False, kind="stable").groupby(level=0).head(1) \
        .reset_index(level=1)["icb_code"].reindex(places)


def _place_areas(members: pd.DataFrame, place_icb: pd.Series) -> pd.DataFrame:
    unique = members.drop_duplicates(["place", "lsoa"])
    areas = pd.DataFrame({"name": sorted(unique["place"].unique())})
    areas.index = areas["name"].to_numpy()
    areas.insert(0, "code", areas.index)
    areas["icb_code"] = place_icb.reindex(areas.index).to_numpy()
    by_place = unique.groupby("place")
    areas["population"] = by_place["population"].sum().reindex(areas.index).to_numpy()
    areas["lsoa_count"] = by_place.size().reindex(areas.index).to_numpy()
    blocks = members.drop_duplicates(["place", "block_type", "code"])
    labels = blocks["block_type"] + ":" + blocks["code"]
    areas["blocks"] = labels.groupby(blocks["place"]).agg(", ".join).reindex(
        areas.index).to_numpy()
    return areas


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
