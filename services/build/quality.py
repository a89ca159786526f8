"""Data quality across boundary generations: where lookups overlap, report what disagrees.

Pure functions over DataFrames (no I/O), run at build time; each vintage is kept as published and
every disagreement is reported LSOA by LSOA, never "corrected".

- :func:`council_disagreements`: LSOA → council in each lookup vintage, and the LSOA's own polygon
  against the council polygons of one vintage. Codes of different vintages are never compared
  directly: an older code is carried forward through a crosswalk derived from the LSOAs themselves
  (its successor is the newer code holding most of its people), so a plain recode (Barnsley
  E08000016 → E08000038) or a merger into a unitary is not a disagreement, while an LSOA moved by a
  real boundary change, or coded to the wrong council in one vintage, is.
- ``services.build.quality_icb.icb_polygon_agreement``: ICBs dissolved from LSOAs against the
  official ICB polygons.

Both return dataclasses with a ``to_meta()`` dict ready for meta.json;
``services.quality_text.quality_lines`` formats those dicts for ``placemap data check``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from services.records import json_ready, records

#: The polygon test names a council only when it holds at least this share of the LSOA's area
#: (preferring the lookup's own council when it holds that much). Why area and not the
#: population-weighted centroid: on the generalised mirror polygons the centroid test puts 5 LSOAs
#: near borders in another council (noise) and puts E01027305's centroid in the 0.5% sliver of it
#: that lies in Cherwell, agreeing with the faulty 2024 lookup; the area test finds E01027305
#: (99.5% in West Northamptonshire) and no noise. Below half, generalisation slivers, coastline
#: and holes make the answer unreliable, so the polygon gives no verdict (counted, not hidden).
MAJORITY_AREA_SHARE = 0.5


BOUNDARY_CHANGE = "boundary change between vintages"
LOOKUP_DISAGREES = "lookup disagrees"
POLYGON_DISAGREES = "polygon disagrees with every lookup"


@dataclass(frozen=True)
class Source:
    """One statement of each LSOA's council: a lookup, or the council polygons, of a vintage."""
    kind: str  # "lookup" or "polygon"
    vintage: str  # "2024"; vintages order the sources in time as strings

    @property
    def id(self) -> str:
        return f"{self.kind}_{self.vintage}"


@dataclass
class CouncilCheck:
    """Every LSOA on which the council sources disagree, with the crosswalks and counts used."""
    disagreements: pd.DataFrame  # one row per LSOA: codes and names by source, odd one out, label
    crosswalks: pd.DataFrame  # old_vintage, old_code, new_vintage, new_code, people_share
    counts: dict

    def to_meta(self) -> dict:
        return {"counts": json_ready(self.counts), "crosswalks": records(self.crosswalks),
                "disagreements": records(self.disagreements)}


def council_disagreements(lsoas: pd.DataFrame, lookups: Mapping[str, pd.DataFrame],
                          lsoa_polygons: gpd.GeoDataFrame, council_polygons: gpd.GeoDataFrame,
                          polygon_vintage: str) -> CouncilCheck:
    """Compare LSOA → council across lookup vintages and against the council polygons.

    ``lsoas``: lsoa21_code, lsoa21_name, population (the spine: every LSOA is checked, and
    lookup rows of other LSOAs, e.g. Welsh ones, are not). ``lookups``: vintage → lsoa21_code,
    council_code, council_name (repeated rows for one LSOA, as in the LSOA11→LSOA21 file, are
    fine when they give the same council). ``lsoa_polygons`` (lsoa21_code) and
    ``council_polygons`` (code, name) in EPSG:27700; the council polygons are of
    ``polygon_vintage``, which must be one of the lookup vintages.
    """
    require_columns(lsoas, ("lsoa21_code", "lsoa21_name", "population"), "lsoas")
    require_unique(lsoas["lsoa21_code"], "lsoas")
    if polygon_vintage not in lookups:
        raise ValueError(f"polygon vintage {polygon_vintage!r} has no lookup among "
                         f"{sorted(lookups)}: pass the lookup of the polygons' own vintage.")
    spine = lsoas.set_index("lsoa21_code")
    codes, names = _lookup_codes(spine.index, lookups)
    polygon = polygon_councils(lsoa_polygons, council_polygons,
                               codes[Source("lookup", polygon_vintage).id])
    poly_id = Source("polygon", polygon_vintage).id
    codes[poly_id] = polygon["council_code"]
    names[poly_id] = polygon["council_code"].map(
        council_polygons.set_index("code")["name"].to_dict())
    sources = _time_order(list(lookups), polygon_vintage)
    crosswalks = _crosswalks(codes, spine["population"], sorted(lookups))
    agree = _agreement(codes, sources, crosswalks)
    disagreeing = agree.index[(agree == 0).any(axis=1)]
    rows = spine.loc[disagreeing, ["lsoa21_name", "population"]]
    for source in sources:
        rows[f"{source.id}_code"] = codes.loc[disagreeing, source.id]
        rows[f"{source.id}_name"] = names.loc[disagreeing, source.id]
    rows["polygon_area_share"] = polygon.loc[disagreeing, "area_share"]
    verdicts = [_classify(agree.loc[code].dropna(), sources) for code in disagreeing]
    rows["odd_one_out"] = [odd for odd, _ in verdicts]
    rows["label"] = [label for _, label in verdicts]
    rows = rows.rename_axis("lsoa21_code").reset_index().sort_values("lsoa21_code")
    counts = _council_counts(rows, codes, sources, polygon)
    return CouncilCheck(rows.reset_index(drop=True), _changed(crosswalks), counts)


def polygon_councils(lsoa_polygons: gpd.GeoDataFrame, council_polygons: gpd.GeoDataFrame,
                     lookup_codes: pd.Series) -> pd.DataFrame:
    """Per LSOA (index lsoa21_code, as ``lookup_codes``): the council its polygon names
    (``council_code``, NaN when none holds half its area), that council's ``area_share``, the
    share in the lookup's council, the naive majority council and a ``verdict`` saying why.

    Fast path, as most LSOAs lie wholly in their lookup council: a covers test, then one
    intersection with the lookup council for the rest; only an LSOA with less than half its area
    there is intersected with every council polygon it touches. Assumes council polygons do not
    overlap beyond slivers, so a council holding half an LSOA is its majority council.
    """
    require_columns(lsoa_polygons, ("lsoa21_code", "geometry"), "lsoa_polygons")
    require_columns(council_polygons, ("code", "name", "geometry"), "council_polygons")
    require_bng(lsoa_polygons, "lsoa_polygons")
    require_bng(council_polygons, "council_polygons")
    require_unique(council_polygons["code"], "council_polygons")
    lsoa = lsoa_polygons.set_index("lsoa21_code").geometry.reindex(lookup_codes.index)
    if lsoa.isna().any():
        missing = lsoa.index[lsoa.isna()]
        raise ValueError(f"{len(missing)} LSOAs have no polygon (e.g. {missing[0]}): pass the "
                         "LSOA boundaries of every LSOA in the spine.")
    councils = council_polygons.reset_index(drop=True)
    shapely.prepare(councils.geometry.to_numpy())
    own = lookup_codes.map(pd.Series(councils.index, index=councils["code"]))
    out = pd.DataFrame({"lookup_code": lookup_codes})
    out["covered"], out["lookup_share"] = _share_in_own(lsoa.to_numpy(), councils, own)
    unsure = out["lookup_share"] < MAJORITY_AREA_SHARE
    best = _majority(lsoa[unsure], councils)
    out["majority_code"] = lookup_codes.where(~unsure, best["code"])
    out["majority_share"] = out["lookup_share"].where(~unsure, best["share"])
    use_best = unsure & (out["majority_share"] >= MAJORITY_AREA_SHARE)
    out["council_code"] = lookup_codes.where(~unsure, out["majority_code"].where(use_best))
    out["area_share"] = out["lookup_share"].where(~unsure, out["majority_share"].where(use_best))
    out["verdict"] = np.select(
        [out["covered"], ~unsure, use_best, out["majority_code"].isna()],
        ["covered", "lookup council", "other council", "no polygon"], "indecisive")
    return out


def _share_in_own(lsoa: np.ndarray, councils: gpd.GeoDataFrame, own: pd.Series
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(wholly covered, share of area) of each LSOA in its own council (0 when it has none)."""
    council = councils.geometry.to_numpy()
    has_own = own.notna().to_numpy()
    position = own.to_numpy()[has_own].astype(int)
    covered = np.zeros(len(lsoa), dtype=bool)
    covered[has_own] = shapely.covers(council[position], lsoa[has_own])
    share = covered.astype(float)
    partial = has_own & ~covered
    position = own.to_numpy()[partial].astype(int)
    share[partial] = (shapely.area(shapely.intersection(lsoa[partial], council[position]))
                      / shapely.area(lsoa[partial]))
    return covered, share


def _majority(lsoa: gpd.GeoSeries, councils: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per LSOA (index of ``lsoa``): the council holding most of its area, and that share
    (ties to the lower code); NaN for an LSOA touching no council polygon."""
    lsoa_i, council_i = councils.sindex.query(lsoa.to_numpy(), predicate="intersects")
    geoms = lsoa.to_numpy()[lsoa_i]
    pairs = pd.DataFrame({
        "lsoa21_code": lsoa.index[lsoa_i], "code": councils["code"].to_numpy()[council_i],
        "share": shapely.area(shapely.intersection(geoms, councils.geometry.to_numpy()[council_i]))
        / shapely.area(geoms)})
    pairs = pairs.groupby(["lsoa21_code", "code"], as_index=False)["share"].sum()
    best = pairs.sort_values(["share", "code"], ascending=[False, True]).drop_duplicates(
        "lsoa21_code")
    return best.set_index("lsoa21_code")[["code", "share"]].reindex(lsoa.index)


def _lookup_codes(index: pd.Index, lookups: Mapping[str, pd.DataFrame]
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code and name per LSOA and lookup source (NaN where a lookup lacks the LSOA)."""
    codes, names = pd.DataFrame(index=index), pd.DataFrame(index=index)
    for vintage, frame in lookups.items():
        require_columns(frame, ("lsoa21_code", "council_code", "council_name"), f"lookup {vintage}")
        one = frame.drop_duplicates(["lsoa21_code", "council_code"])
        clash = one["lsoa21_code"][one["lsoa21_code"].duplicated()]
        if len(clash):
            raise ValueError(f"lookup {vintage}: {clash.nunique()} LSOAs have two councils (e.g. "
                             f"{clash.iloc[0]}); each LSOA 2021 must have one council per lookup.")
        one = one.set_index("lsoa21_code")
        source = Source("lookup", vintage).id
        codes[source] = one["council_code"].reindex(index)
        names[source] = one["council_name"].reindex(index)
    return codes, names


def _time_order(vintages: list[str], polygon_vintage: str) -> list[Source]:
    """Lookups in time order, each vintage's polygons right after its lookup."""
    order = []
    for vintage in sorted(vintages):
        order.append(Source("lookup", vintage))
        if vintage == polygon_vintage:
            order.append(Source("polygon", vintage))
    return order


def _crosswalks(codes: pd.DataFrame, population: pd.Series, vintages: list[str]) -> pd.DataFrame:
    """For each older → newer pair of lookup vintages, each old code's successor: the new code
    holding most of its people (ties to the lower code), with the share of its people it holds."""
    parts = []
    for old, new in combinations(vintages, 2):
        pairs = pd.DataFrame({"old_code": codes[Source("lookup", old).id],
                              "new_code": codes[Source("lookup", new).id],
                              "people": population}).dropna(subset=["old_code", "new_code"])
        people = pairs.groupby(["old_code", "new_code"], as_index=False)["people"].sum()
        people["people_share"] = people["people"] / people.groupby("old_code")["people"].transform(
            "sum")
        best = people.sort_values(["people", "new_code"], ascending=[False, True]).drop_duplicates(
            "old_code")
        parts.append(best.assign(old_vintage=old, new_vintage=new))
    columns = ["old_vintage", "old_code", "new_vintage", "new_code", "people_share"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns].sort_values(columns[:3], ignore_index=True)


def _changed(crosswalks: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk entries worth reporting: recodes and codes whose people did not all follow."""
    keep = (crosswalks["old_code"] != crosswalks["new_code"]) | (crosswalks["people_share"] < 1)
    return crosswalks[keep].reset_index(drop=True)


def _agreement(codes: pd.DataFrame, sources: list[Source], crosswalks: pd.DataFrame
               ) -> pd.DataFrame:
    """Per LSOA and pair of sources (older first): 1 agree, 0 disagree, NaN when a code is
    missing. Same vintage: codes compared directly; otherwise the older code's successor."""
    agree = pd.DataFrame(index=codes.index)
    for older, newer in combinations(sources, 2):
        old = codes[older.id]
        if older.vintage != newer.vintage:
            walk = crosswalks[(crosswalks["old_vintage"] == older.vintage)
                              & (crosswalks["new_vintage"] == newer.vintage)]
            old = old.map(walk.set_index("old_code")["new_code"])
        known = old.notna() & codes[newer.id].notna()
        agree[(older.id, newer.id)] = (old == codes[newer.id]).astype(float).where(known)
    return agree


def _classify(agree: pd.Series, sources: list[Source]) -> tuple[str, str]:
    """(odd one out or "", label) for one LSOA from its known pairwise agreements (index:
    pairs of source ids, older first)."""
    pair = {key: bool(value) for key, value in agree.items()}
    known = [s for s in sources if any(s.id in key for key in pair)]
    odd = [s.id for s in known if all(v != (s.id in k) for k, v in pair.items())]
    odd_one_out = odd[0] if len(odd) == 1 else ""
    lookups = [s.id for s in known if s.kind == "lookup"]
    if all(v for (a, b), v in pair.items() if a in lookups and b in lookups):
        return odd_one_out, POLYGON_DISAGREES
    vintage = {s.id: s.vintage for s in sources}
    own_polygon_agrees = all(v for (a, b), v in pair.items() if vintage[a] == vintage[b])
    if own_polygon_agrees and _is_one_step(pair, lookups):
        return odd_one_out, BOUNDARY_CHANGE
    return odd_one_out, LOOKUP_DISAGREES


def _is_one_step(pair: dict, lookups: list[str]) -> bool:
    """Lookups (in time order) agree up to one vintage and from the next one on, not across."""
    for cut in range(1, len(lookups)):
        before = set(lookups[:cut])
        if all(pair[(a, b)] == ((a in before) == (b in before))
               for a, b in combinations(lookups, 2) if (a, b) in pair):
            return True
    return False


def _council_counts(rows: pd.DataFrame, codes: pd.DataFrame, sources: list[Source],
                    polygon: pd.DataFrame) -> dict:
    verdict = polygon["verdict"].value_counts()
    naive = polygon["majority_code"].notna() & (polygon["majority_code"] != polygon["lookup_code"])
    return {
        "lsoas": len(codes),
        "sources": [s.id for s in sources],
        "disagreeing_lsoas": len(rows),
        "disagreeing_people": int(rows["population"].sum()),
        "by_label": rows["label"].value_counts().sort_index().to_dict(),
        "by_odd_one_out": rows["odd_one_out"].value_counts().sort_index().to_dict(),
        "lsoas_missing_from_lookup": {s.id: int(codes[s.id].isna().sum()) for s in sources
                                      if s.kind == "lookup"},
        "polygon_test": {
            "method": f"council holding ≥ {MAJORITY_AREA_SHARE:.0%} of the LSOA polygon's area",
            **{name: int(verdict.get(name, 0)) for name in
               ("covered", "lookup council", "other council", "indecisive", "no polygon")},
            "majority_differs_naive": int(naive.sum()),
        },
    }


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)} (has "
                         f"{', '.join(map(str, frame.columns))}); rename the source's fields.")


def require_unique(codes: pd.Series, what: str) -> None:
    repeated = codes[codes.duplicated()]
    if len(repeated):
        raise ValueError(f"{what}: {repeated.nunique()} codes repeat (e.g. {repeated.iloc[0]}); "
                         "pass one row per code.")


def require_bng(frame: gpd.GeoDataFrame, what: str) -> None:
    if frame.crs is None or frame.crs.to_epsg() != 27700:
        raise ValueError(f"{what}: CRS is {frame.crs}, expected British National Grid "
                         "(EPSG:27700): reproject with .to_crs(27700) first.")
