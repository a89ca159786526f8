"""What changed for councils and places between two generations (see :mod:`services.changes`).

Councils of different vintages (LAD24 and LAD25: Barnsley and Sheffield recoded) are matched
through the LSOAs, never by code: each old council's counterpart is the new council holding most of
its people (and the other way round for a new council no old one leads to). A council is *split
across ICBs* when more than a sliver of its people (the engine's sliver rule, as the flags use)
live in each of two or more ICBs. Places of the default scheme are matched by name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.places import DEFAULT_SCHEME
from services.workspace import Workspace


def transitions(codes_old: np.ndarray, codes_new: np.ndarray, people: np.ndarray) -> pd.DataFrame:
    """LSOAs and people per (old code, new code), same-code pairs included, sorted by codes.
    Codes are factorised and pairs counted with bincount: a string group-by takes 10× longer."""
    old_ids, old_codes = pd.factorize(codes_old, sort=True)
    new_ids, new_codes = pd.factorize(codes_new, sort=True)
    pairs, inverse = np.unique(old_ids.astype(np.int64) * len(new_codes) + new_ids,
                               return_inverse=True)
    return pd.DataFrame({"old": np.asarray(old_codes, dtype=object)[pairs // len(new_codes)],
                         "new": np.asarray(new_codes, dtype=object)[pairs % len(new_codes)],
                         "lsoas": np.bincount(inverse).astype(np.int64),
                         "people": np.bincount(inverse, weights=people).astype(np.int64)})


def majority(moves: pd.DataFrame, side: str, other: str) -> pd.Series:
    """Per code on ``side``, the code on ``other`` holding most of its people (ties: lower code)."""
    ranked = moves.sort_values([side, "people", other], ascending=[True, False, True])
    return ranked.drop_duplicates(side).set_index(side)[other]


def council_splits(old: Workspace, new: Workspace, layer_id: str) -> pd.DataFrame:
    """Councils (``lad``) or HWB areas (``hwb``) whose split across ICBs appeared (whole in one
    ICB before, split after) or disappeared, each beside its counterpart of the other vintage."""
    people = old.store.spine["population"].to_numpy(dtype=np.int64)
    moves = transitions(old.store.spine[f"{layer_id}_code"].to_numpy(),
                        new.store.spine[f"{layer_id}_code"].to_numpy(), people)
    ahead, back = majority(moves, "old", "new"), majority(moves, "new", "old")
    pairs = pd.concat([pd.DataFrame({"old": ahead.index, "new": ahead.to_numpy()}),
                       pd.DataFrame({"old": back.to_numpy(), "new": back.index})])
    pairs = pairs.drop_duplicates().sort_values(["old", "new"], ignore_index=True)
    icbs_old, icbs_new = _icbs_of(old, layer_id), _icbs_of(new, layer_id)
    count_old = pairs["old"].map(icbs_old.str.count(";") + 1)
    count_new = pairs["new"].map(icbs_new.str.count(";") + 1)
    change = np.select([(count_old == 1) & (count_new > 1), (count_old > 1) & (count_new == 1)],
                       ["split appeared", "split disappeared"], "")
    names_old, names_new = old.geography(layer_id).names(), new.geography(layer_id).names()
    table = pd.DataFrame({
        "change": change,
        f"{layer_id}_old_code": pairs["old"], f"{layer_id}_old_name": pairs["old"].map(names_old),
        f"{layer_id}_new_code": pairs["new"], f"{layer_id}_new_name": pairs["new"].map(names_new),
        "icb_count_old": count_old.astype(np.int64), "icb_count_new": count_new.astype(np.int64),
        "icbs_old": pairs["old"].map(icbs_old), "icbs_new": pairs["new"].map(icbs_new),
    })
    return table[table["change"] != ""].sort_values(
        ["change", f"{layer_id}_old_code"], ignore_index=True)


def _icbs_of(ws: Workspace, layer_id: str) -> pd.Series:
    """Per area, its ICBs holding more than a sliver of its people, most people first:
    ``"NHS X ICB (E54…): 1,234; …"``."""
    pairs = ws.pairs(ws.geography(layer_id), ws.geography("icb"), area=False)
    pairs = pairs[pairs["population_class"] != "sliver"].sort_values(
        ["a_code", "population", "b_code"], ascending=[True, False, True])
    text: dict[str, list[str]] = {}
    for code, icb, name, people in pairs[["a_code", "b_code", "b_name", "population"]].itertuples(
            index=False):
        text.setdefault(code, []).append(f"{name} ({icb}): {people:,}")
    return pd.Series({code: "; ".join(parts) for code, parts in text.items()}, dtype=object)


def place_changes(old: Workspace, new: Workspace) -> pd.DataFrame:
    """Places of the default scheme added, removed, with other LSOAs (people in and out) or in
    another ICB (same LSOAs), matched by name; an added or removed place names the place of the
    other generation most of its people come from or went to."""
    people = old.store.spine["population"].to_numpy(dtype=np.int64)
    place_old, place_new = old.places(DEFAULT_SCHEME), new.places(DEFAULT_SCHEME)
    joined = place_old.membership.merge(place_new.membership, on="lsoa", how="outer",
                                        suffixes=("_old", "_new"))
    joined["people"] = people[joined["lsoa"].to_numpy()]
    moves = joined.fillna({"code_old": "", "code_new": ""}).groupby(
        ["code_old", "code_new"], sort=True)["people"].sum().reset_index().rename(
        columns={"code_old": "old", "code_new": "new"})
    kept = moves[moves["old"] == moves["new"]].set_index("old")["people"]
    ahead, back = majority(moves[moves["new"] != ""], "old", "new"), \
        majority(moves[moves["old"] != ""], "new", "old")
    areas_old, areas_new = place_old.areas, place_new.areas
    names = sorted(set(areas_old.index) | set(areas_new.index))
    table = pd.DataFrame({"place": names})
    table["people_old"] = areas_old["population"].reindex(names).fillna(0).astype(np.int64).values
    table["people_new"] = areas_new["population"].reindex(names).fillna(0).astype(np.int64).values
    both = table["place"].isin(areas_old.index) & table["place"].isin(areas_new.index)
    stayed = kept.reindex(names).fillna(0).astype(np.int64).to_numpy()
    table["people_in"] = np.where(both, table["people_new"] - stayed, table["people_new"])
    table["people_out"] = np.where(both, table["people_old"] - stayed, table["people_old"])
    table["icb_old_code"] = areas_old["icb_code"].reindex(names).to_numpy()
    table["icb_new_code"] = areas_new["icb_code"].reindex(names).to_numpy()
    moved = (table["people_in"] > 0) | (table["people_out"] > 0)
    table["change"] = np.select(
        [~table["place"].isin(areas_new.index), ~table["place"].isin(areas_old.index), moved,
         table["icb_old_code"] != table["icb_new_code"]],
        ["removed", "added", "membership changed", "ICB changed"], "")
    shared = dict(zip(zip(moves["old"], moves["new"], strict=True), moves["people"], strict=True))
    table["detail"] = [_place_detail(r, ahead, back, shared) for r in table.itertuples()]
    columns = ["change", "place", "icb_old_code", "icb_new_code", "people_old", "people_new",
               "people_in", "people_out", "detail"]
    return table.loc[table["change"] != "", columns].sort_values(
        ["change", "place"], ignore_index=True)


def _place_detail(row, ahead: pd.Series, back: pd.Series, shared: dict) -> str:
    if row.change == "removed" and row.place in ahead.index:
        target = ahead[row.place]
        return f"mostly now in {target}: {shared[row.place, target]:,}"
    if row.change == "added" and row.place in back.index:
        source = back[row.place]
        return f"mostly from {source}: {shared[source, row.place]:,}"
    return ""
