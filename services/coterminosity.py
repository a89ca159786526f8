"""Coterminosity: how well the areas of two geographies coincide.

For a in A and b in B, with P(x) the Census 2021 population of x summed over the LSOA spine and
S(x) its area in m² (EPSG:27700):

- population share of a in b  = P(a∩b) / P(a)   (``population_share_of_a``)
- population share of b in a  = P(a∩b) / P(b)   (``population_share_of_b``)
- population Jaccard          = P(a∩b) / P(a∪b) = P(a∩b) / (P(a) + P(b) − P(a∩b))
- the same three with S for P (``area_*``): area-based, distorted by coastlines and generalised
  boundaries, which is why the population measures lead.

Pair classes, threshold τ (default 0.99) and sliver tolerance σ (default 0.005):

- ``sliver``: P(a∩b) < σ · min(P(a), P(b)), digitising noise rather than a misalignment, or
  (population basis) every person of a∩b lives in a *border sliver*: an LSOA where a council area
  (HWB or LAD) reaches into an ICB by less than σ · min(P(council), P(ICB)) (see
  :func:`is_sliver`), so those people are a sliver in every comparison and every ICB's report;
- ``coterminous``: both shares ≥ τ;
- ``a within b`` / ``b within a``: one share ≥ τ;
- ``straddles``: otherwise.

Population measures are exact when both geographies are unions of whole LSOAs; for wards they are
best fit (each LSOA wholly in one ward of its own council: the ONS best fit, see build_store).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.pair_table import PairTable, frame_of

DEFAULT_THRESHOLD = 0.99
DEFAULT_SLIVER = 0.005
#: Area-level classes: best partner coterminous; a within one b; a a union of whole b's (≥ 2);
#: straddles; none (no population or no partner).
AREA_CLASSES = ("coterminous", "within", "contains", "straddles", "none")
BASES = {"population": "population", "area": "area_m2"}
#: The council tiers whose slivers across ICB boundaries make border slivers (see is_sliver).
BORDER_LAYERS = ("hwb", "lad")


def pair_measures(table: pd.DataFrame, a_totals: pd.DataFrame, b_totals: pd.DataFrame,
                  threshold: float = DEFAULT_THRESHOLD, sliver: float = DEFAULT_SLIVER,
                  bases: tuple[str, ...] = tuple(BASES),
                  border_population: np.ndarray | None = None,
                  names: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Shares, Jaccard and class for every overlapping pair, on each basis asked for (both by
    default; a table without areas has population measures only). ``border_population``: each
    pair's people living in border slivers (population basis only, see :func:`is_sliver`).
    ``names``: A's and B's names in the order of their codes, for ``a_name`` / ``b_name``
    after each code. The frame is built once: inserting column by column is slower.

    ``a_totals`` / ``b_totals`` have ``population`` and ``area_m2`` in the order of each
    geography's codes, which the table's ``a_pos`` / ``b_pos`` index.
    """
    columns = {name: table[name].to_numpy() for name in table.columns}
    return frame_of(measure_columns(columns, a_totals, b_totals, threshold, sliver, bases,
                                    border_population, names), index=table.index)


def measure_columns(table: dict[str, np.ndarray], a_totals: pd.DataFrame,
                    b_totals: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD,
                    sliver: float = DEFAULT_SLIVER, bases: tuple[str, ...] = tuple(BASES),
                    border_population: np.ndarray | None = None,
                    names: tuple[np.ndarray, np.ndarray] | None = None,
                    ) -> dict[str, np.ndarray]:
    """:func:`pair_measures` over an overlap table's plain columns, as plain columns in the
    frame's order (codes and names object arrays, classes NumPy strings)."""
    a_pos, b_pos = table["a_pos"], table["b_pos"]
    columns: dict[str, np.ndarray] = {}
    for name, value in table.items():
        columns[name] = value
        if names is not None and name in ("a_code", "b_code"):
            side_names, side_pos = (names[0], a_pos) if name == "a_code" else (names[1], b_pos)
            columns[f"{name[0]}_name"] = side_names[side_pos]
    for basis in bases:
        column = BASES[basis]
        overlap = np.asarray(columns[column], dtype=np.float64)
        total_a = a_totals[column].to_numpy(np.float64)[a_pos]
        total_b = b_totals[column].to_numpy(np.float64)[b_pos]
        with np.errstate(divide="ignore", invalid="ignore"):
            share_a = overlap / total_a
            share_b = overlap / total_b
            jaccard = overlap / (total_a + total_b - overlap)
        columns[f"{basis}_share_of_a"] = share_a
        columns[f"{basis}_share_of_b"] = share_b
        columns[f"{basis}_jaccard"] = jaccard
        border = border_population if basis == "population" else None
        columns[f"{basis}_class"] = classify(overlap, total_a, total_b, share_a, share_b,
                                             threshold, sliver, border)
    return columns


def classify(overlap: np.ndarray, total_a: np.ndarray, total_b: np.ndarray,
             share_a: np.ndarray, share_b: np.ndarray, threshold: float,
             sliver: float, border: np.ndarray | None = None) -> np.ndarray:
    within_a = np.nan_to_num(share_a) >= threshold
    within_b = np.nan_to_num(share_b) >= threshold
    return np.select(
        [is_sliver(overlap, total_a, total_b, sliver, border), within_a & within_b, within_a,
         within_b],
        ["sliver", "coterminous", "a within b", "b within a"],
        default="straddles",
    )


def is_sliver(overlap: np.ndarray | float, total_a: np.ndarray | float,
              total_b: np.ndarray | float, sliver: float,
              border: np.ndarray | None = None) -> np.ndarray:
    """The one sliver rule, used by every class, flag rule and report: an overlap is a sliver
    when it is empty, below ``sliver`` of the smaller of its two areas, or (``border``: the
    overlap's people living in border slivers) when all its people live in border slivers. The
    last clause is why 1,914 people of Oxfordshire in Northamptonshire ICB (2024) are a sliver
    against the ICB, against the place made of them and against the PCN that holds them alike,
    instead of a sliver in one comparison and a split in another."""
    overlap = np.asarray(overlap, dtype=np.float64)
    small = (overlap < sliver * np.minimum(total_a, total_b)) | (overlap <= 0)
    if border is not None:
        small |= np.asarray(border, dtype=np.float64) >= overlap
    return small


def best_partners(pairs: pd.DataFrame | PairTable, a_codes: pd.Index, basis: str = "population",
                  threshold: float = DEFAULT_THRESHOLD, carry: tuple[str, ...] = (),
                  rows: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per area of A (``a_codes``): its best partner in B (largest Jaccard, then smallest
    code), the shares both ways, the number of non-sliver partners and the area-level class
    (``<basis>_area_class``; ``contains`` needs every partner wholly inside a *and* the
    partners to fill at least ``threshold`` of a), as columns; and per area the row position in
    ``pairs`` of its best pair (-1: none). ``carry`` names other pair columns to take from the
    best pair (e.g. its area shares). ``rows``: each pair's position in
    ``a_codes``, when the caller knows it (its ``a_pos`` when ``a_codes`` are all of A's).

    Array work on row positions rather than group-bys on codes: the dashboard and the England
    benchmark call this for every pair of layers."""
    classes = np.asarray(pairs[f"{basis}_class"])
    if rows is None:
        rows = pd.Index(a_codes).get_indexer(np.asarray(pairs["a_code"]))
    used = np.flatnonzero((classes != "sliver") & (rows >= 0))
    rows, classes = rows[used], classes[used]
    share_a = np.asarray(pairs[f"{basis}_share_of_a"], dtype=np.float64)[used]
    jaccard = np.asarray(pairs[f"{basis}_jaccard"], dtype=np.float64)[used]
    b_codes = np.asarray(pairs["b_code"], dtype=object)[used]
    order = np.lexsort((pd.factorize(b_codes, sort=True)[0], -jaccard, rows))
    first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]] if len(order) else order
    best = used[first]

    n = len(a_codes)
    partners = np.bincount(rows, minlength=n)
    all_inside = np.bincount(rows, weights=classes == "b within a", minlength=n) == partners
    filled = np.bincount(rows, weights=np.nan_to_num(share_a), minlength=n) >= threshold
    columns: dict[str, np.ndarray] = {"best_b_code": np.full(n, None, dtype=object)}
    columns["best_b_code"][rows[first]] = b_codes[first]
    for column in (f"{basis}_{m}" for m in ("share_of_a", "share_of_b", "jaccard")):
        columns[column] = _at_best(pairs[column], rows[first], best, n)
    columns["partners"] = partners.astype(np.int64)
    best_class = np.full(n, "", dtype=object)
    best_class[rows[first]] = classes[first]
    columns[f"{basis}_area_class"] = np.select(
        [partners == 0, best_class == "coterminous", best_class == "a within b",
         all_inside & filled & (partners >= 2)],
        ["none", "coterminous", "within", "contains"],
        default="straddles",
    )
    for column in carry:
        columns[column] = _at_best(pairs[column], rows[first], best, n)
    best_at = np.full(n, -1, dtype=np.int64)
    best_at[rows[first]] = best
    return columns, best_at


def _at_best(values: pd.Series | np.ndarray, result_rows: np.ndarray, best: np.ndarray,
             n: int) -> np.ndarray:
    """A pair column's value at each area's best pair (NaN for areas without a partner)."""
    at_best = np.full(n, np.nan)
    at_best[result_rows] = np.asarray(values, dtype=np.float64)[best]
    return at_best


def layer_summary(per_area: pd.DataFrame, basis: str = "population") -> pd.DataFrame:
    """Areas and people of A in each area-level class, from :meth:`Workspace.coterminosity`
    rows (e.g. the share of an ICB's population living in places coterminous with a single HWB
    area). Counted with ``bincount`` over the classes' positions (a page makes two per run)."""
    at = pd.Index(AREA_CLASSES).get_indexer(per_area[f"{basis}_class"].to_numpy())
    known = at >= 0
    areas = np.bincount(at[known], minlength=len(AREA_CLASSES))
    people = per_area["population"].to_numpy(np.float64)[known]
    people = np.bincount(at[known], weights=np.nan_to_num(people), minlength=len(AREA_CLASSES))
    summary = pd.DataFrame({"class": list(AREA_CLASSES), "areas": areas.astype("int64"),
                            "population": np.round(people).astype("int64")})
    total = summary["population"].sum()
    summary["population_share"] = summary["population"] / total if total else 0.0
    return summary


def share_matrix(rows: pd.Series, columns: pd.Series, shares: np.ndarray) -> pd.DataFrame:
    """Each pair's share in a matrix of ``rows`` (labels of A) by ``columns`` (labels of B),
    both sorted, 0 where the areas share nobody: ``pivot_table(aggfunc="sum",
    fill_value=0.0)`` of pairs labelled one to one, as one array assignment (the pivot's
    group-by took a third of a page's tables)."""
    row_at, row_labels = pd.factorize(rows, sort=True)
    column_at, column_labels = pd.factorize(columns, sort=True)
    matrix = np.zeros((len(row_labels), len(column_labels)))
    np.add.at(matrix, (row_at, column_at), np.nan_to_num(np.asarray(shares, dtype=np.float64)))
    return pd.DataFrame(matrix, index=pd.Index(row_labels, name=rows.name),
                        columns=pd.Index(column_labels, name=columns.name))
