"""Coterminosity: how well the areas of two geographies coincide.

For a in A and b in B, with P(x) the Census 2021 population of x summed over the LSOA spine and
S(x) its area in m² (EPSG:27700):

- population share of a in b  = P(a∩b) / P(a)   (``population_share_of_a``)
- population share of b in a  = P(a∩b) / P(b)   (``population_share_of_b``)
- population Jaccard          = P(a∩b) / P(a∪b) = P(a∩b) / (P(a) + P(b) − P(a∩b))
- the same three with S for P (``area_*``): area-based, distorted by coastlines and generalised
  boundaries, which is why the population measures lead.

Pair classes, threshold τ (default 0.99) and sliver tolerance σ (default 0.005):

- ``sliver``: P(a∩b) < σ · min(P(a), P(b)), digitising noise rather than a misalignment;
- ``coterminous``: both shares ≥ τ;
- ``a within b`` / ``b within a``: one share ≥ τ;
- ``straddles``: otherwise.

Population measures are exact when both geographies are unions of whole LSOAs; for wards they are
best fit (each LSOA wholly in one ward of its own council: the ONS best fit, see build_store).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 0.99
DEFAULT_SLIVER = 0.005
#: Area-level classes: best partner coterminous; a within one b; a a union of whole b's (≥ 2);
#: straddles; none (no population or no partner).
AREA_CLASSES = ("coterminous", "within", "contains", "straddles", "none")
BASES = {"population": "population", "area": "area_m2"}


def pair_measures(table: pd.DataFrame, a_totals: pd.DataFrame, b_totals: pd.DataFrame,
                  threshold: float = DEFAULT_THRESHOLD,
                  sliver: float = DEFAULT_SLIVER) -> pd.DataFrame:
    """Shares, Jaccard and class for every overlapping pair, on both bases.

    ``a_totals`` / ``b_totals`` have ``population`` and ``area_m2`` in the order of each
    geography's codes, which the table's ``a_pos`` / ``b_pos`` index.
    """
    pairs = table.copy()
    for basis, column in BASES.items():
        overlap = pairs[column].to_numpy(np.float64)
        total_a = a_totals[column].to_numpy(np.float64)[pairs["a_pos"].to_numpy()]
        total_b = b_totals[column].to_numpy(np.float64)[pairs["b_pos"].to_numpy()]
        with np.errstate(divide="ignore", invalid="ignore"):
            share_a = overlap / total_a
            share_b = overlap / total_b
            jaccard = overlap / (total_a + total_b - overlap)
        pairs[f"{basis}_share_of_a"] = share_a
        pairs[f"{basis}_share_of_b"] = share_b
        pairs[f"{basis}_jaccard"] = jaccard
        pairs[f"{basis}_class"] = classify(overlap, total_a, total_b, share_a, share_b,
                                           threshold, sliver)
    return pairs


def classify(overlap: np.ndarray, total_a: np.ndarray, total_b: np.ndarray,
             share_a: np.ndarray, share_b: np.ndarray, threshold: float,
             sliver: float) -> np.ndarray:
    within_a = np.nan_to_num(share_a) >= threshold
    within_b = np.nan_to_num(share_b) >= threshold
    is_sliver = overlap < sliver * np.minimum(total_a, total_b)
    is_sliver |= overlap <= 0
    return np.select(
        [is_sliver, within_a & within_b, within_a, within_b],
        ["sliver", "coterminous", "a within b", "b within a"],
        default="straddles",
    )


def area_coterminosity(pairs: pd.DataFrame, a_codes: pd.Index, basis: str = "population",
                       threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per area of A: its best partner in B (largest Jaccard), the shares both ways,
    the number of non-sliver partners and the area-level class. ``contains`` needs every
    partner wholly inside a *and* the partners to fill at least ``threshold`` of a."""
    ranked = pairs[pairs[f"{basis}_class"] != "sliver"].sort_values(
        ["a_code", f"{basis}_jaccard", "b_code"], ascending=[True, False, True], kind="stable")
    best = ranked.drop_duplicates("a_code").set_index("a_code")
    by_area = ranked.groupby("a_code")
    all_inside = (ranked[f"{basis}_class"] == "b within a").groupby(ranked["a_code"]).all()
    filled = by_area[f"{basis}_share_of_a"].sum() >= threshold
    result = pd.DataFrame(index=pd.Index(a_codes, name="a_code"))
    result["best_b_code"] = best["b_code"]
    for measure in ("share_of_a", "share_of_b", "jaccard"):
        result[f"{basis}_{measure}"] = best[f"{basis}_{measure}"]
    result["partners"] = by_area.size().reindex(result.index).fillna(0).astype("int64")
    best_class = best[f"{basis}_class"].reindex(result.index)
    contains = ((all_inside & filled).reindex(result.index, fill_value=False)
                & (result["partners"] >= 2))
    result[f"{basis}_area_class"] = np.select(
        [best_class.isna().to_numpy(), (best_class == "coterminous").to_numpy(),
         (best_class == "a within b").to_numpy(), contains.to_numpy()],
        ["none", "coterminous", "within", "contains"],
        default="straddles",
    )
    return result.reset_index()


def layer_summary(per_area: pd.DataFrame, basis: str = "population") -> pd.DataFrame:
    """Areas and people of A in each area-level class, from :meth:`Workspace.coterminosity`
    rows (e.g. the share of an ICB's population living in places coterminous with a single HWB
    area)."""
    classes = per_area[f"{basis}_class"]
    summary = pd.DataFrame({"areas": classes.value_counts(),
                            "population": per_area.groupby(classes)["population"].sum()})
    summary = summary.reindex(list(AREA_CLASSES), fill_value=0).astype("int64")
    total = summary["population"].sum()
    summary["population_share"] = summary["population"] / total if total else 0.0
    return summary.rename_axis("class").reset_index()
