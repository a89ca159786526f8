"""What a Coverage bar says: a label that tells same-named areas apart, and the people and share
written on the bar (pure, so it is tested without a chart)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from services.coverage import Coverage


def distinct_labels(names: pd.Series, codes: pd.Series) -> pd.Series:
    """Area names, with the code added where different areas share a name (two wards called
    "Central", a place named as its council); an area listed twice keeps one label."""
    pairs = list(zip(map(str, names), map(str, codes), strict=True))  # plain Python: ~10x
    first_name: dict[str, str] = {}  # faster than pandas for a chart's or table's few rows
    for name, code in pairs:
        first_name.setdefault(code, name)
    areas_named = Counter(first_name.values())
    return pd.Series([f"{name} ({code})" if areas_named[name] > 1 else name
                      for name, code in pairs], index=names.index, name=names.name, dtype="str")


def bar_rows(cover: Coverage) -> pd.DataFrame:
    """One row per area of the other layer, most people first: ``label``, ``code``,
    ``population``, ``share`` (of the covered area's people) and ``text``, e.g.
    "12,345 (4.5%)"."""
    rows = cover.rows
    codes, population = rows["b_code"], rows["population"].to_numpy()
    share = rows["population_share"].to_numpy()
    return pd.DataFrame({
        "label": distinct_labels(rows["b_name"], codes).to_numpy(),
        "code": codes.astype(str).to_numpy(),
        "population": population,
        "share": share,
        "text": [f"{p:,} ({s:.1%})" for p, s in zip(population.tolist(), share.tolist(),
                                                     strict=True)],
    })
