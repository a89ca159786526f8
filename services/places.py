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

from layers import get_generation
from services.geography import Geography, lsoa_geometry_union
from services.io.place_files import (
    BLOCK_TYPES,
    HEADER,
    PlaceFileError,
    problems_frame,
    published_configurations,
    read_place_csv,
)
from services.io.store import Store
from services.vintages import code_elsewhere

SCHEMES = {
    "hwb_within_icb": "Upper-tier council (HWB area) within ICB",
    "sub_icb": "Sub-ICB locations",
}
DEFAULT_SCHEME = "hwb_within_icb"


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
    unknown code, block wholly outside its place's ICB and block named twice."""
    spine = store.spine
    blocks = config.blocks.copy()
    if blocks.empty:
        raise PlaceFileError(config.name, problems_frame([{
            "line": None, "problem": "the configuration has no building blocks: add at least one "
            "row place,block_type,code (e.g. Bolton,lad,E08000001)"}]))
    if "line" not in blocks:
        blocks["line"] = np.arange(2, len(blocks) + 2)
    blocks["row"] = np.arange(len(blocks))
    problems = []
    repeated = blocks.duplicated(["block_type", "code"], keep="first")
    for row in blocks[repeated].itertuples():
        first = blocks[(blocks["block_type"] == row.block_type) & (blocks["code"] == row.code)]
        problems.append(_problem(row, f"{row.block_type} {row.code} is already used on line "
                                      f"{first['line'].iloc[0]} ({first['place'].iloc[0]})"))
    for row in blocks[~blocks["block_type"].isin(BLOCK_TYPES)].itertuples():
        problems.append(_problem(row, f"block_type {row.block_type!r} is not one of "
                                      f"{', '.join(BLOCK_TYPES)}"))
    parts = []
    for block_type in BLOCK_TYPES:
        chosen = blocks[(blocks["block_type"] == block_type) & ~repeated]
        if chosen.empty:
            continue
        column = get_generation(store.generation_id).layer(block_type).spine_column
        lsoas = pd.DataFrame({"lsoa": np.arange(len(spine)), "code": spine[column].to_numpy()})
        matched = chosen.merge(lsoas, on="code", how="left")
        known = store.layer(block_type)["code"] if block_type != "lsoa" else spine[column]
        for row in chosen[~chosen["code"].isin(known)].itertuples():
            problems.append(_problem(row, f"unknown {block_type} code {row.code}"
                                          f"{_vintage_hint(store, block_type, row.code)}"))
        for row in chosen[chosen["code"].isin(known)
                          & ~chosen["code"].isin(spine[column].unique())].itertuples():
            problems.append(_problem(row, f"{block_type} {row.code} holds no LSOA by best fit "
                                          "(population 0), so it adds nobody: remove it or "
                                          "name the LSOAs you mean"))
        parts.append(matched.dropna(subset=["lsoa"]))
    members = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=[*blocks.columns, "lsoa"])
    members["lsoa"] = members["lsoa"].astype(np.int64)
    members["icb_code"] = spine["icb_code"].to_numpy()[members["lsoa"].to_numpy()]
    members["population"] = spine["population"].to_numpy()[members["lsoa"].to_numpy()]
    place_icb = _place_icbs(members, icb_code)
    members["place_icb"] = members["place"].map(place_icb)
    inside = members["icb_code"] == members["place_icb"]
    block_inside = inside.groupby(members["row"]).any()
    for position in block_inside.index[~block_inside.to_numpy()]:
        row = blocks.iloc[position]
        problems.append(_problem(row, f"{row['block_type']} {row['code']} lies wholly outside "
                                      f"{row['place']}'s ICB {place_icb[row['place']]}"))
    if problems:
        raise PlaceFileError(config.name, problems_frame(problems).sort_values("line"))
    membership = (members[["lsoa", "place"]].rename(columns={"place": "code"})
                  .drop_duplicates().sort_values(["code", "lsoa"], ignore_index=True))
    areas = _place_areas(members, place_icb)
    vintages = sorted({_block_vintage(store, t) for t in blocks["block_type"]})
    return Geography(
        id="place", title=f"Places: {config.name}", vintage=" + ".join(vintages),
        lsoa_built=True, membership=membership, areas=areas,
        geometry_factory=lambda: lsoa_geometry_union(store, membership),
    )


def _problem(row, problem: str) -> dict:
    get = row.get if isinstance(row, pd.Series) else row._asdict().get
    return {"line": get("line"), "place": get("place"), "block_type": get("block_type"),
            "code": get("code"), "problem": problem}


def _block_vintage(store: Store, block_type: str) -> str:
    """How a block's codes are dated in the place's vintage label ("2021 LSOAs + 2024")."""
    vintage = get_generation(store.generation_id).layer(block_type).vintage
    if block_type in ("ward", "lsoa"):
        return f"{vintage.id} {block_type}s".replace("lsoas", "LSOAs")
    return vintage.id


def _vintage_hint(store: Store, block_type: str, code: str) -> str:
    """Why a code is unknown: another generation's code (and its successor here), or the codes
    this generation expects, with an example."""
    elsewhere = code_elsewhere(store, block_type, code)
    if elsewhere:
        return elsewhere
    layer = get_generation(store.generation_id).layer(block_type)
    example = store.layer(block_type)["code"].iloc[0]
    return f" ({layer.title} codes of {layer.vintage.label}, e.g. {example})"


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
    areas["blocks"] = blocks.groupby("place").apply(
        lambda g: ", ".join(f"{t}:{c}" for t, c in zip(g["block_type"], g["code"], strict=True)),
        include_groups=False).reindex(areas.index).to_numpy()
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
    lsoa_pos, polygon_pos = polygons.sindex.query(lsoa.geometry.to_numpy(),
                                                  predicate="intersects")
    inside = lsoa.geometry.iloc[lsoa_pos].intersection(
        polygons.geometry.iloc[polygon_pos], align=False).area.to_numpy()
    share = inside / lsoa["area_m2"].to_numpy()[lsoa_pos]
    cut = pd.DataFrame({"lsoa21_code": lsoa["code"].to_numpy()[lsoa_pos],
                        "place": polygons["place"].to_numpy()[polygon_pos],
                        "share_of_lsoa_area_inside": share.round(3)})
    cut = cut[(cut["share_of_lsoa_area_inside"] > 0.01)
              & (cut["share_of_lsoa_area_inside"] < 0.99)]
    cut["assigned_to"] = cut["lsoa21_code"].map(
        hits.set_index("lsoa21_code")["place"]).to_numpy()
    cut = cut.sort_values(["place", "lsoa21_code"], ignore_index=True)
    return PlaceConfig(name, "uploaded polygons", blocks), cut
