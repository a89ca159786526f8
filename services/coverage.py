"""Population coverage: how one area's people are split across the areas of another geography.

For area a and geography B: P(a∩b) for every b, plus the population of a in no area of B
(``uncovered``: a gap in a layer that should tile a) and the extra population counted because an
LSOA is in more than one b (``double_counted``: overlapping areas). Conservation holds exactly:
Σ_b P(a∩b) − double_counted + uncovered = P(a). Population-based throughout (Census 2021 on the
LSOA spine); exact when B is built from whole LSOAs, best fit for wards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.geography import Geography


@dataclass(frozen=True)
class Coverage:
    a_code: str
    population: int
    rows: pd.DataFrame  # b_code, b_name, population, population_share (of P(a))
    uncovered: int
    double_counted: int
    population_method: str

    @property
    def conserved(self) -> bool:
        return int(self.rows["population"].sum()) - self.double_counted + self.uncovered \
            == self.population


def coverage(a_code: str, a: Geography, b: Geography, population: np.ndarray) -> Coverage:
    if a_code not in a.areas.index:
        raise KeyError(f"{a_code!r} is not an area of {a.title}; pick one of its codes or names.")
    position = a.areas.index.get_loc(a_code)
    lsoas = np.unique(a.membership["lsoa"].to_numpy()[a.code_positions == position])
    people = population[lsoas]
    total = int(people.sum())
    in_a = np.zeros(len(population), dtype=bool)
    in_a[lsoas] = True
    b_lsoa = b.membership["lsoa"].to_numpy()
    chosen = in_a[b_lsoa]
    counts = np.bincount(b_lsoa[chosen], minlength=len(population))[lsoas]
    b_pos = b.code_positions[chosen]
    present = np.bincount(b_pos, minlength=len(b.codes)) > 0
    by_b = np.bincount(b_pos, weights=population[b_lsoa[chosen]], minlength=len(b.codes))
    b_codes, people_in_b = b.codes[present], np.round(by_b[present]).astype("int64")
    order = sorted(range(len(b_codes)), key=lambda i: (-people_in_b[i], b_codes[i]))
    rows = pd.DataFrame({"b_code": b_codes[order], "b_name": b.name_array[present][order],
                         "population": people_in_b[order],
                         "population_share": people_in_b[order] / total if total else 0.0})
    return Coverage(
        a_code=a_code,
        population=total,
        rows=rows,
        uncovered=int(people[counts == 0].sum()),
        double_counted=int((people * np.clip(counts - 1, 0, None)).sum()),
        population_method=b.population_method,
    )
