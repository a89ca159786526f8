"""Neighbourhoods (issue 11, point 3): areas of ~30,000–50,000 people built from wards, PCNs or
LSOAs within a place configuration, resolved like places (:func:`services.places.resolve` over
the ``neighbourhood`` tier), and nesting checked all the way: neighbourhood ⊂ place ⊂ ICB.

A child area nests in its *home* parent (the place, council or ICB holding most of its people, or
for a place its own ICB) when all but a sliver (:func:`services.coterminosity.is_sliver`) of its
people are in that parent. Population-based over the LSOA spine, exact (all whole LSOAs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.coterminosity import DEFAULT_SLIVER, is_sliver
from services.geography import Geography
from services.workspace import Workspace


@dataclass(frozen=True)
class PopulationBand:
    """The guidance band for a neighbourhood's population (people, inclusive)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ValueError(f"population band {self.low:,}–{self.high:,} is not a range: give "
                             "a lower bound of at least 0 and an upper bound not below it")


#: Neighbourhood health guidance: typically 30,000–50,000 people. Adjustable per call.
NEIGHBOURHOOD_BAND = PopulationBand(30_000, 50_000)


@dataclass(frozen=True)
class NestingProblem:
    """``code`` (of ``child_tier``) has more than a sliver of its people outside its home
    ``parent_tier`` area: ``outside`` by other parent area ("" = in none of them)."""

    child_tier: str
    code: str
    name: str
    parent_tier: str
    home_code: str
    home_name: str
    population: int
    population_outside: int
    outside: dict[str, int]


def home_areas(ws: Workspace, child: Geography, parent: Geography) -> pd.Series:
    """Each child area's parent holding most of its people (ties: the smaller code)."""
    pairs = ws.pairs(child, parent, area=False)
    ranked = pairs.sort_values(["a_code", "population", "b_code"], ascending=[True, False, True])
    return ranked.drop_duplicates("a_code").set_index("a_code")["b_code"]


def nesting_problems(ws: Workspace, child: Geography, parent: Geography,
                     home: pd.Series | None = None, codes: pd.Index | None = None,
                     sliver: float = DEFAULT_SLIVER) -> list[NestingProblem]:
    """Child areas (of ``codes``) not nesting in their ``home`` parent (default: the parent
    holding most of their people), sorted by code."""
    home = home_areas(ws, child, parent) if home is None else home
    pairs = ws.pairs(child, parent, area=False)
    codes = child.areas.index if codes is None else pd.Index(codes)
    pairs = pairs[pairs["a_code"].isin(codes)]
    totals = ws.totals(child)["population"]
    in_home = pairs[pairs["b_code"].to_numpy() == pairs["a_code"].map(home).to_numpy()]
    inside = in_home.set_index("a_code")["population"].reindex(codes, fill_value=0)
    outside = totals.reindex(codes) - inside
    problem = ~is_sliver(outside.to_numpy(), totals.reindex(codes).to_numpy(),
                         totals.reindex(codes).to_numpy(), sliver)
    nowhere = _in_no_area(child, parent, ws.overlaps.population)
    others = pairs.drop(in_home.index)
    names, parent_names = child.names(), parent.names()
    problems = []
    for code in codes[problem]:
        elsewhere = others[others["a_code"] == code]
        spread = {str(r.b_code): int(r.population) for r in elsewhere.itertuples()}
        if nowhere.get(code, 0):
            spread[""] = int(nowhere[code])
        home_code = str(home.get(code, ""))
        problems.append(NestingProblem(
            child.id, str(code), str(names.get(code, code)), parent.id, home_code,
            str(parent_names.get(home_code, home_code)), int(totals[code]), int(outside[code]),
            spread))
    return problems


def _in_no_area(child: Geography, parent: Geography, population: np.ndarray) -> pd.Series:
    """People of each child area in no parent area at all."""
    covered = np.zeros(len(population), dtype=bool)
    covered[parent.membership["lsoa"].to_numpy()] = True
    lsoa = child.membership["lsoa"].to_numpy()
    people = np.where(covered[lsoa], 0.0, population[lsoa])
    sums = np.bincount(child.code_positions, weights=people, minlength=len(child.codes))
    return pd.Series(np.round(sums).astype(np.int64), index=child.areas.index)


def nesting_chain(ws: Workspace, neighbourhoods: Geography, places: Geography,
                  sliver: float = DEFAULT_SLIVER) -> list[NestingProblem]:
    """Every nesting problem of neighbourhood ⊂ place ⊂ ICB: neighbourhoods not in one place,
    places not in their own ICB, neighbourhoods not in their own ICB."""
    icb = ws.geography("icb")
    return [*nesting_problems(ws, neighbourhoods, places, sliver=sliver),
            *nesting_problems(ws, places, icb, places.areas["icb_code"], sliver=sliver),
            *nesting_problems(ws, neighbourhoods, icb, neighbourhoods.areas["icb_code"],
                              sliver=sliver)]


def outside_band(neighbourhoods: Geography, band: PopulationBand = NEIGHBOURHOOD_BAND,
                 codes: pd.Index | None = None) -> pd.Series:
    """Population of each neighbourhood (of ``codes``) below or above the band, by code."""
    people = neighbourhoods.areas["population"]
    people = people if codes is None else people.reindex(pd.Index(codes))
    return people[(people < band.low) | (people > band.high)].sort_index()
