"""Two drafts side by side: which people moved between areas and which flags came and went.

Both drafts are compared through the LSOA spine, never by block: a council listed in one draft
and its wards listed in the other are the same people in the same place. Areas are matched by
name (a place's code is its name). An LSOA in no area of a draft is in "(none)"; one in two
areas (an overlap) is in "A + B", so gaps and overlaps that change show as moves too.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.geography import Geography

NOWHERE = "(none)"
MOVE_COLUMNS = ["from", "to", "lsoas", "population"]
#: What identifies a flag across two drafts (its numbers and sentence may change).
FLAG_IDENTITY = ["rule", "layer", "code"]
FLAG_COLUMNS = ["rule", "severity", "layer", "code", "name", "sentence"]


@dataclass(frozen=True)
class DraftComparison:
    """``moves``: people by (from, to) area, largest first; ``flags_added`` / ``flags_removed``:
    flags of the second / first draft the other does not raise; ``flags_changed``: raised by
    both, with other words (the second draft's sentence, the first's as ``before``);
    ``populations``: area, first, second, change, by area name."""

    moves: pd.DataFrame
    #: Each area's people in the first and second draft (0 where a draft has no such area).
    populations: pd.DataFrame
    flags_added: pd.DataFrame
    flags_removed: pd.DataFrame
    flags_changed: pd.DataFrame

    @property
    def people_moved(self) -> int:
        return int(self.moves["population"].sum())


def compare_drafts(first: Geography, second: Geography, population: np.ndarray,
                   first_flags: pd.DataFrame, second_flags: pd.DataFrame,
                   lsoas: np.ndarray | None = None) -> DraftComparison:
    """``population``: people per spine position; ``lsoas``: the spine positions to compare
    (default: every LSOA either draft puts in an area)."""
    where_first, where_second = _areas_by_lsoa(first), _areas_by_lsoa(second)
    if lsoas is None:
        lsoas = np.union1d(where_first.index.to_numpy(), where_second.index.to_numpy())
    frame = pd.DataFrame({
        "from": where_first.reindex(lsoas).fillna(NOWHERE).to_numpy(),
        "to": where_second.reindex(lsoas).fillna(NOWHERE).to_numpy(),
        "population": np.asarray(population)[lsoas].astype(np.int64),
    })
    moved = frame[frame["from"] != frame["to"]]
    moves = (moved.groupby(["from", "to"], sort=True)
             .agg(lsoas=("population", "size"), population=("population", "sum"))
             .reset_index()[MOVE_COLUMNS]
             .sort_values(["population", "from", "to"], ascending=[False, True, True],
                          ignore_index=True))
    added, removed, changed = _flag_changes(first_flags, second_flags)
    people = pd.DataFrame({"first": _people(first, population),
                           "second": _people(second, population)}).fillna(0).astype(np.int64)
    people = (people.assign(change=people["second"] - people["first"])
              .rename_axis("area").reset_index().sort_values("area", ignore_index=True))
    return DraftComparison(moves, people, added, removed, changed)


def _people(geography: Geography, population: np.ndarray) -> pd.Series:
    """People per area name (an LSOA in two areas counts in both)."""
    names = geography.membership["code"].map(geography.names()).fillna(
        geography.membership["code"])
    return pd.Series(np.asarray(population)[geography.membership["lsoa"].to_numpy()],
                     index=names.to_numpy()).groupby(level=0).sum()


def _areas_by_lsoa(geography: Geography) -> pd.Series:
    """Each LSOA's area names (``A + B`` when in two), by spine position."""
    names = geography.names()
    membership = geography.membership.assign(
        name=geography.membership["code"].map(names).fillna(geography.membership["code"]))
    return (membership.sort_values(["lsoa", "name"]).groupby("lsoa")["name"]
            .agg(" + ".join))


def _flag_changes(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    merged = first[FLAG_COLUMNS].merge(second[FLAG_COLUMNS], on=FLAG_IDENTITY, how="outer",
                                       suffixes=("_first", ""), indicator=True)
    merged["severity"] = merged["severity"].fillna(merged["severity_first"])
    merged["name"] = merged["name"].fillna(merged["name_first"])
    added = merged[merged["_merge"] == "right_only"][FLAG_COLUMNS]
    removed = (merged[merged["_merge"] == "left_only"]
               .assign(sentence=lambda f: f["sentence_first"])[FLAG_COLUMNS])
    both = merged[(merged["_merge"] == "both")
                  & (merged["sentence"] != merged["sentence_first"])]
    changed = both.assign(before=both["sentence_first"])[[*FLAG_COLUMNS, "before"]]
    return tuple(part.reset_index(drop=True) for part in (added, removed, changed))
