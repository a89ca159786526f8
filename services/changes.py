"""What changed between two generations: ICBs, sub-ICB locations, councils' ICB splits, places.

Everything goes through the LSOA 2021 spine: each LSOA has its code in both generations, so a
change is a pair (old code, new code) with the LSOA's people. ICB and sub-ICB codes come from one
code list (E54…, E38…) in both generations and ONS keeps a code while the area is unchanged, so a
code present in both IS the same area; the LSOA overlap checks it (``lsoas_in``/``lsoas_out``
say where a kept code changed area). Councils are compared across vintages (LAD24 vs LAD25)
only through the LSOAs, never by their codes. Figures are Census 2021 usual residents (exact:
sums of whole LSOAs).

Columns name their vintage: ``icb_2024_code``, ``lad_2025_name``, ``people_2026``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers import GENERATIONS, LATEST, LAYERS, Generation
from services.changes_areas import council_splits, place_changes, transitions
from services.places import DEFAULT_SCHEME
from services.workspace import Workspace

#: What the Changes page and ``placemap changes`` compare unless told: the earliest generation
#: with the latest.
DEFAULT_FROM = min(GENERATIONS.values(), key=lambda g: g.effective).id
DEFAULT_TO = LATEST
#: Each table's title, in reading order: the CLI, the JSON and the page all use these.
TITLES = {
    "icbs": "ICBs: continuing, created (merger, successor) and abolished (merged, succeeded, "
            "divided)",
    "flows": "People who changed ICB, per pair of ICBs",
    "sub_icbs": "Sub-ICB locations re-parented, recoded, divided or created",
    "lads": "Councils (LAD) whose split across ICBs appeared or disappeared",
    "hwbs": "HWB areas (upper-tier councils) whose split across ICBs appeared or disappeared",
    "places": "Places of the default scheme (HWB area within ICB) added, removed or changed",
}


@dataclass(frozen=True)
class Changes:
    """The changes from ``old`` to ``new`` (optionally only what touches ``icb_code``)."""

    old: Generation
    new: Generation
    icb_code: str | None
    icbs: pd.DataFrame  # one row per ICB code of either generation
    flows: pd.DataFrame  # people per (old ICB, new ICB) pair of different codes
    sub_icbs: pd.DataFrame  # sub-ICB locations re-parented, recoded, divided, created, changed
    lads: pd.DataFrame  # councils whose split across ICBs appeared or disappeared
    hwbs: pd.DataFrame  # HWB areas (upper tier) whose split across ICBs appeared or disappeared
    places: pd.DataFrame  # places of the default scheme added, removed or changed
    lsoas_changed: int
    people_changed: int

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in reading order (:data:`TITLES`)."""
        return {name: getattr(self, name) for name in TITLES}

    def summary(self) -> dict[str, int]:
        icbs = self.icbs
        return {
            f"icbs_{self.old.id}": int(icbs[self._col("people", "old")].gt(0).sum()),
            f"icbs_{self.new.id}": int(icbs[self._col("people", "new")].gt(0).sum()),
            "icbs_merged": int((icbs["change"] == "merger").sum()),
            "icbs_created": int((icbs["status"] == "created").sum()),
            "icbs_abolished": int((icbs["status"] == "abolished").sum()),
            "icbs_continuing_changed_area": int(((icbs["status"] == "continuing")
                                                 & (icbs["change"] != "unchanged")).sum()),
            "lsoas_changed_icb": self.lsoas_changed,
            "people_changed_icb": self.people_changed,
            **{f"{name}_{kind}": count for name in ("sub_icbs", "lads", "hwbs", "places")
               for kind, count in _counts(getattr(self, name)["change"]).items()},
        }

    def merged(self) -> pd.DataFrame:
        """Old ICBs whose people all went to one new-coded ICB formed of two or more of them."""
        mergers = self.icbs.loc[self.icbs["change"] == "merger", "icb_code"]
        flows = self.flows
        return flows[flows[self._col("icb", "new", "code")].isin(mergers)
                     & (flows[f"share_of_{self.old.id}_icb"] == 1.0)].reset_index(drop=True)

    def abolished_destinations(self) -> pd.DataFrame:
        """Where each abolished ICB's people went: people per receiving ICB."""
        gone = self.icbs.loc[self.icbs["status"] == "abolished", "icb_code"]
        flows = self.flows
        return flows[flows[self._col("icb", "old", "code")].isin(gone)].reset_index(drop=True)

    def _col(self, prefix: str, which: str, rest: str = "") -> str:
        return vintage_column(f"{prefix}_{which}{'_' + rest if rest else ''}", self.old, self.new)


def _counts(column: pd.Series) -> dict[str, int]:
    return {str(k).lower().replace(" ", "_"): int(v)
            for k, v in column.value_counts().sort_index().items()}


def changes(old: Workspace, new: Workspace, icb_code: str | None = None) -> Changes:
    """The changes from ``old`` to ``new`` (two generations of one loaded store), for England or
    for everything touching the people of ``icb_code`` (an ICB code, ODS code or name of either
    generation): their ICBs, the flows in and out, and the sub-ICB locations, councils and places
    holding any of them."""
    spine_old, spine_new = old.store.spine, new.store.spine
    if not np.array_equal(spine_old["lsoa21_code"].to_numpy(), spine_new["lsoa21_code"].to_numpy()):
        raise ValueError("The two generations come from different stores: compare two "
                         "generations of one loaded store (Store.generation).")
    people = spine_old["population"].to_numpy(dtype=np.int64)
    icb_old, icb_new = spine_old["icb_code"].to_numpy(), spine_new["icb_code"].to_numpy()
    code = resolve_icb(old, new, icb_code) if icb_code else None
    scope = np.ones(len(people), bool) if code is None else (icb_old == code) | (icb_new == code)
    moves = transitions(icb_old, icb_new, people)
    names_old, names_new = _names(old, "icb"), _names(new, "icb")
    tables = {"icbs": _icb_table(moves, names_old, names_new),
              "flows": _flows(moves, names_old, names_new, old.generation, new.generation),
              "sub_icbs": _sub_icb_table(old, new, people),
              "lads": council_splits(old, new, "lad"), "hwbs": council_splits(old, new, "hwb"),
              "places": place_changes(old, new)}
    if code is not None:
        tables = _scoped(tables, old, new, code, scope)
    moved = (icb_old != icb_new) & scope
    return Changes(old=old.generation, new=new.generation, icb_code=code,
                   **{name: _named(frame, old.generation, new.generation)
                      for name, frame in tables.items()},
                   lsoas_changed=int(moved.sum()), people_changed=int(people[moved].sum()))


def _scoped(tables: dict[str, pd.DataFrame], old: Workspace, new: Workspace, code: str,
            scope: np.ndarray) -> dict[str, pd.DataFrame]:
    """Only the rows holding some of the people in ``scope`` (the ICB's, in either generation):
    the ICBs they belong to, the flows in or out of the ICB, the sub-ICB locations, councils and
    places holding any of them."""
    def touching(frame: pd.DataFrame, layer_id: str) -> pd.DataFrame:
        codes_old = set(old.store.spine[f"{layer_id}_code"][scope])
        codes_new = set(new.store.spine[f"{layer_id}_code"][scope])
        return frame[frame[f"{layer_id}_old_code"].isin(codes_old)
                     | frame[f"{layer_id}_new_code"].isin(codes_new)]

    icbs, flows = tables["icbs"], tables["flows"]
    touched = set(old.store.spine["icb_code"][scope]) | set(new.store.spine["icb_code"][scope])
    rows = np.flatnonzero(scope)
    places = set()
    for ws in (old, new):
        membership = ws.places(DEFAULT_SCHEME).membership
        places |= set(membership.loc[membership["lsoa"].isin(rows), "code"])
    return {"icbs": icbs[icbs["icb_code"].isin(touched)],
            "flows": flows[(flows["icb_old_code"] == code) | (flows["icb_new_code"] == code)],
            "sub_icbs": touching(tables["sub_icbs"], "sub_icb"),
            "lads": touching(tables["lads"], "lad"), "hwbs": touching(tables["hwbs"], "hwb"),
            "places": tables["places"][tables["places"]["place"].isin(places)]}


def resolve_icb(old: Workspace, new: Workspace, query: str) -> str:
    """An ICB code of either generation from its code, ODS code or a unique part of its name
    (the latest generation first)."""
    for ws in (new, old):
        if query in set(ws.store.layer("icb")["code"]):
            return query
    problems = []
    for ws in (new, old):
        try:
            return ws.find_icb(query)
        except KeyError as exc:
            problems.append(f"{ws.generation.label}: {exc.args[0]}")
    raise KeyError(f"No ICB {query!r} in either generation. " + " ".join(problems))


def vintage_column(column: str, old: Generation, new: Generation) -> str:
    """``icb_old_code`` → ``icb_2024_code`` (the layer's vintage in the old generation);
    ``people_new`` → ``people_2026`` (the generation, for what is not a layer)."""
    match = re.fullmatch(r"(.+?)_(old|new)(_.+)?", column)
    if not match:
        return column
    prefix, which, rest = match.groups()
    generation = old if which == "old" else new
    if prefix in LAYERS and generation.has(prefix) and LAYERS[prefix].stored:
        named = f"{prefix}_{generation.vintages[prefix].split('-')[0]}"
    else:
        named = f"{prefix}_{generation.id}"
    return named + (rest or "")


def _named(frame: pd.DataFrame, old: Generation, new: Generation) -> pd.DataFrame:
    return frame.rename(columns=lambda c: vintage_column(c, old, new)).reset_index(drop=True)


def _names(ws: Workspace, layer_id: str) -> pd.Series:
    return ws.geography(layer_id).names()


def _icb_table(moves: pd.DataFrame, names_old: pd.Series, names_new: pd.Series) -> pd.DataFrame:
    """One row per ICB code: status (continuing, created, abolished), its change, people in each
    generation and the people (and LSOAs) that came in or went out."""
    codes = sorted(set(names_old.index) | set(names_new.index))
    stay = moves[moves["old"] == moves["new"]].set_index("old")
    move = moves[moves["old"] != moves["new"]]
    table = pd.DataFrame({"icb_code": codes})
    table["status"] = ["continuing" if c in names_old and c in names_new else "created"
                       if c in names_new else "abolished" for c in codes]
    table["icb_old_name"] = names_old.reindex(codes).to_numpy()
    table["icb_new_name"] = names_new.reindex(codes).to_numpy()
    totals_old = moves.groupby("old")["people"].sum()
    totals_new = moves.groupby("new")["people"].sum()
    table["people_old"] = totals_old.reindex(codes).fillna(0).astype(np.int64).to_numpy()
    table["people_new"] = totals_new.reindex(codes).fillna(0).astype(np.int64).to_numpy()
    for direction, side in (("in", "new"), ("out", "old")):
        grouped = move.groupby(side)[["lsoas", "people"]].sum().reindex(codes).fillna(0)
        table[f"lsoas_{direction}"] = grouped["lsoas"].astype(np.int64).to_numpy()
        table[f"people_{direction}"] = grouped["people"].astype(np.int64).to_numpy()
    table["unchanged_lsoas"] = stay["lsoas"].reindex(codes).fillna(0).astype(np.int64).to_numpy()
    whole = _wholly_into(moves)
    table["change"] = [_icb_change(r, whole) for r in table.itertuples()]
    details = _details(moves, names_old, names_new, dict(zip(codes, table["status"], strict=True)))
    table["detail"] = [details.get(code, "") for code in codes]
    return table[["icb_code", "status", "change", "icb_old_name", "icb_new_name", "people_old",
                  "people_new", "lsoas_in", "people_in", "lsoas_out", "people_out", "detail"]]


def _wholly_into(moves: pd.DataFrame) -> pd.Series:
    """Each old code all of whose LSOAs went to one new code: that code."""
    per_old = moves.groupby("old")["new"].agg(["nunique", "first"])
    return per_old.loc[per_old["nunique"] == 1, "first"]


def _icb_change(row, whole: pd.Series) -> str:
    if row.status == "continuing":
        grew, shrank = row.people_in > 0, row.people_out > 0
        return {(False, False): "unchanged", (True, False): "grew", (False, True): "shrank",
                (True, True): "grew and shrank"}[(grew, shrank)]
    if row.status == "created":
        wholes = int((whole == row.icb_code).sum())
        return "merger" if wholes >= 2 else "successor" if wholes == 1 else "formed from parts"
    if row.icb_code in whole.index:
        target = whole[row.icb_code]
        return "merged" if int((whole == target).sum()) >= 2 else "succeeded"
    return "divided"


def _details(moves: pd.DataFrame, names_old: pd.Series, names_new: pd.Series,
             status: dict[str, str]) -> dict[str, str]:
    """Per code, in words, where its people came from (created, grew) or went (abolished,
    shrank), largest first; "whole" marks an old area all of whose people came."""
    totals = moves.groupby("old")["people"].sum().to_dict()
    came: dict[str, list] = {}
    went: dict[str, list] = {}
    for old, new, people in moves[["old", "new", "people"]].itertuples(index=False):
        if old != new:
            came.setdefault(new, []).append((-people, old))
            went.setdefault(old, []).append((-people, new))
    details = {}
    for code in status:
        if code in came:
            parts = [f"{names_old[o]} ({o}){' whole' if -p == totals[o] else ''}: {-p:,}"
                     for p, o in sorted(came[code])]
            details[code] = "from " + "; ".join(parts)
        elif code in went:
            details[code] = "to " + "; ".join(f"{names_new[n]} ({n}): {-p:,}"
                                              for p, n in sorted(went[code]))
    return details


def _flows(moves: pd.DataFrame, names_old: pd.Series, names_new: pd.Series, old: Generation,
           new: Generation) -> pd.DataFrame:
    """People per pair (old ICB, new ICB) of different codes, largest first, with each pair's
    share of the old ICB's and of the new ICB's people."""
    totals_old = moves.groupby("old")["people"].sum()
    totals_new = moves.groupby("new")["people"].sum()
    move = moves[moves["old"] != moves["new"]]
    flows = pd.DataFrame({
        "icb_old_code": move["old"].to_numpy(),
        "icb_old_name": names_old.reindex(move["old"]).to_numpy(),
        "icb_new_code": move["new"].to_numpy(),
        "icb_new_name": names_new.reindex(move["new"]).to_numpy(),
        "lsoas": move["lsoas"].to_numpy(), "people": move["people"].to_numpy(),
        f"share_of_{old.id}_icb": (move["people"].to_numpy()
                                   / totals_old.reindex(move["old"]).to_numpy()).round(4),
        f"share_of_{new.id}_icb": (move["people"].to_numpy()
                                   / totals_new.reindex(move["new"]).to_numpy()).round(4),
    })
    return flows.sort_values(["icb_old_code", "people", "icb_new_code"],
                             ascending=[True, False, True], ignore_index=True)


def _sub_icb_table(old: Workspace, new: Workspace, people: np.ndarray) -> pd.DataFrame:
    """Every sub-ICB location that changed: re-parented (same code, other ICB), recoded (code
    gone, all its LSOAs under one new code), divided (code gone, LSOAs under several), created
    (new code that recodes none) or changed area (same code and ICB, LSOAs in or out)."""
    moves = transitions(old.store.spine["sub_icb_code"].to_numpy(),
                        new.store.spine["sub_icb_code"].to_numpy(), people)
    areas_old = old.store.layer("sub_icb").set_index("code")
    areas_new = new.store.layer("sub_icb").set_index("code")
    base = _icb_table(moves, areas_old["name"], areas_new["name"]).set_index("icb_code")
    whole = _wholly_into(moves)
    recoded = whole[~whole.index.isin(areas_new.index)]
    rows = []
    for code, r in base.iterrows():
        if r["status"] == "abolished":
            pair = (code, recoded.get(code))
            change = "recoded" if pair[1] else "divided"
        elif r["status"] == "created":
            pair, change = (None, code), None if code in set(recoded) else "created"
        else:
            pair = (code, code)
            moved = r["people_in"] or r["people_out"]
            parent_changed = areas_old.at[code, "icb_code"] != areas_new.at[code, "icb_code"]
            change = "re-parented" if parent_changed else "changed area" if moved else None
        if change is not None:
            detail = base.at[pair[1], "detail"] if change == "recoded" else r["detail"]
            rows.append({"change": change, **_side(pair[0], "old", areas_old, old),
                         **_side(pair[1], "new", areas_new, new), "detail": detail})
    frame = pd.DataFrame(rows, columns=["change", *_side(None, "old", areas_old, old),
                                        *_side(None, "new", areas_new, new), "detail"])
    frame[["people_old", "people_new"]] = frame[["people_old", "people_new"]].astype(np.int64)
    return frame.sort_values(["change", "sub_icb_old_code", "sub_icb_new_code"],
                             ignore_index=True, na_position="first")


def _side(code: str | None, which: str, areas: pd.DataFrame, ws: Workspace) -> dict:
    """A sub-ICB location's code, name, ICB and people in one generation (blank if none)."""
    icb = areas.at[code, "icb_code"] if code else None
    return {f"sub_icb_{which}_code": code,
            f"sub_icb_{which}_name": areas.at[code, "name"] if code else None,
            f"icb_{which}_code": icb, f"icb_{which}_name": _names(ws, "icb").get(icb),
            f"people_{which}": int(areas.at[code, "population"]) if code else 0}
