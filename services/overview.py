"""The England overview: one row per ICB of a generation, saying how well its places line up
with councils.

Population-based and exact (Census 2021 summed over whole LSOAs; places of the default scheme
are whole LSOAs). Every figure derives from the same pairs and flags as an ICB's own report, with
the one sliver rule (:func:`services.coterminosity.is_sliver`): a flag counts for each ICB whose
report lists it, i.e. each ICB its area has more than a sliver of its people in.
"""

from __future__ import annotations

import pandas as pd

from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.flags import SEVERITY_ORDER, misalignment_flags
from services.geography import Geography
from services.places import DEFAULT_SCHEME, PlaceConfig
from services.workspace import Workspace

SEVERITIES = tuple(SEVERITY_ORDER)
COLUMNS = ["icb_code", "icb_name", "region_code", "region_name", "population", "places",
           "coterminous_share", "hwb_areas", "hwb_split", "hwb_split_names", "lad_split",
           "lad_split_names", *SEVERITIES, "headline"]


def england_overview(ws: Workspace, places: PlaceConfig | str = DEFAULT_SCHEME, *,
                     threshold: float = DEFAULT_THRESHOLD,
                     sliver: float = DEFAULT_SLIVER) -> pd.DataFrame:
    """One row per ICB (sorted by region, then name): see :data:`COLUMNS`. Cached per
    workspace, configuration and thresholds: treat the result as read-only."""
    geography = ws.places(places)
    return ws.memo(overview_key(geography, threshold, sliver),
                   lambda: _overview(ws, geography, threshold, sliver))


def overview_key(places: Geography, threshold: float, sliver: float) -> tuple:
    """What an overview depends on (beside the workspace), for caches of things drawn from it."""
    return "england overview", places.key, threshold, sliver


def _overview(ws: Workspace, places: Geography, threshold: float,
              sliver: float) -> pd.DataFrame:
    icb = ws.geography("icb")
    table = pd.DataFrame({"icb_code": icb.codes, "icb_name": icb.names().to_numpy(),
                          "population": ws.totals(icb)["population"].to_numpy()})
    table = table.join(_regions(ws), on="icb_code")
    own = places.areas["icb_code"]
    table["places"] = table["icb_code"].map(own.value_counts()).fillna(0).astype("int64")
    per_place = ws.coterminosity(places, ws.geography("hwb"), threshold=threshold,
                                 sliver=sliver, area=False)
    coterminous = per_place[per_place["population_class"] == "coterminous"]
    people = coterminous.groupby(coterminous["a_code"].map(own))["population"].sum()
    table["coterminous_share"] = (table["icb_code"].map(people).fillna(0)
                                  / table["population"]).fillna(0.0)
    for layer_id in ("hwb", "lad"):
        touching, split = _split_across_icbs(ws, ws.geography(layer_id), threshold, sliver)
        if layer_id == "hwb":
            table["hwb_areas"] = table["icb_code"].map(touching.map(len)).fillna(0).astype(int)
        table[f"{layer_id}_split"] = table["icb_code"].map(split.map(len)).fillna(0).astype(int)
        table[f"{layer_id}_split_names"] = table["icb_code"].map(
            split.map(", ".join)).fillna("")
    counts = _flag_counts(ws, places, icb.codes, threshold, sliver)
    table = table.join(counts, on="icb_code")
    table["headline"] = [headline(row) for row in table.itertuples()]
    table = table.sort_values(["region_name", "icb_name"], na_position="last",
                              ignore_index=True)
    return table[COLUMNS]


def _regions(ws: Workspace) -> pd.DataFrame:
    """Each ICB's NHS England region (the one holding its people; ICBs nest in regions), or
    none in a generation without NHS regions."""
    if not ws.has("nhser"):
        return pd.DataFrame(columns=["region_code", "region_name"], dtype=object)
    pairs = ws.pairs(ws.geography("icb"), ws.geography("nhser"), area=False)
    best = pairs.sort_values(["a_code", "population"], ascending=[True, False]) \
        .drop_duplicates("a_code").set_index("a_code")
    return pd.DataFrame({"region_code": best["b_code"], "region_name": best["b_name"]})


def _split_across_icbs(ws: Workspace, geography: Geography, threshold: float,
                       sliver: float) -> tuple[pd.Series, pd.Series]:
    """(areas touching each ICB, those of them split across ICBs): names sorted, per ICB code;
    slivers neither touch nor split (the same pairs as the flag hwb_split_across_icbs)."""
    pairs = ws.pairs(geography, ws.geography("icb"), threshold=threshold, sliver=sliver,
                     area=False)
    pairs = pairs[pairs["population_class"] != "sliver"]
    split = pairs[pairs["a_code"].duplicated(keep=False)]
    return (pairs.groupby("b_code")["a_name"].agg(sorted),
            split.groupby("b_code")["a_name"].agg(sorted))


def _flag_counts(ws: Workspace, places: Geography, icb_codes, threshold: float,
                 sliver: float) -> pd.DataFrame:
    """Flags by severity per ICB: England's flags, each counted for every ICB whose own report
    lists it (its area has more than a sliver of its people there; an ICB's own flags there;
    the vintage notes everywhere)."""
    flags, _ = misalignment_flags(ws, places, None, threshold=threshold, sliver=sliver)
    icb = ws.geography("icb")
    rows = []
    for layer_id, group in flags.groupby("layer"):
        if layer_id == "info":
            rows += [(code, severity) for severity in group["severity"] for code in icb_codes]
            continue
        if layer_id == "icb":
            rows += list(zip(group["code"], group["severity"], strict=True))
            continue
        geography = places if layer_id == "place" else ws.geography(layer_id)
        pairs = ws.pairs(geography, icb, threshold=threshold, sliver=sliver, area=False)
        pairs = pairs[pairs["population_class"] != "sliver"][["a_code", "b_code"]]
        joined = group[["code", "severity"]].merge(pairs, left_on="code", right_on="a_code")
        rows += list(zip(joined["b_code"], joined["severity"], strict=True))
    frame = pd.DataFrame(rows, columns=["icb_code", "severity"])
    counts = pd.crosstab(frame["icb_code"], frame["severity"])
    return counts.reindex(index=pd.Index(icb_codes, name="icb_code"), columns=list(SEVERITIES),
                          fill_value=0).astype("int64")


def headline(row) -> str:
    """One sentence per ICB: its HWB areas crossing into other ICBs first (the high flags),
    else how many of its places match one HWB area."""
    places = f"{row.places} place{'s' if row.places != 1 else ''}"
    if row.hwb_split:
        areas = f"{row.hwb_split} of {row.hwb_areas} HWB area{'s' if row.hwb_areas != 1 else ''}"
        verb = "crosses" if row.hwb_split == 1 else "cross"
        return f"{areas} {verb} into other ICBs: {row.hwb_split_names}."
    councils = ("every council is whole" if not row.lad_split
                else f"{row.lad_split_names} cross{'es' if row.lad_split == 1 else ''} "
                     "into other ICBs")
    if row.places and row.coterminous_share >= 1 - 1e-9:
        every = "The only place matches" if row.places == 1 else f"All {places} match"
        return f"{every} an HWB area; {councils}."
    return (f"{_pct(row.coterminous_share)} of people live in places matching one HWB area "
            f"({places}); {councils}.")


def _pct(share: float) -> str:
    return f"{share:.0%}" if share < 0.995 else f"{share:.1%}"
