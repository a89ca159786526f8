"""What a Coverage bar says: a label that tells same-named areas apart, and the people and share
written on the bar (pure, so it is tested without a chart)."""

from __future__ import annotations

import pandas as pd

from services.coverage import Coverage


def distinct_labels(names: pd.Series, codes: pd.Series) -> pd.Series:
    """Area names, with the code added where different areas share a name (two wards called
    "Central", a place named as its council); an area listed twice keeps one label."""
    names, codes = names.astype(str), codes.astype(str)
    areas = names[~codes.duplicated()]
    shared_names = set(areas[areas.duplicated(keep=False)])
    return names.where(~names.isin(shared_names), names + " (" + codes + ")")


def bar_rows(cover: Coverage) -> pd.DataFrame:
    """One row per area of the other layer, most people first: ``label``, ``code``,
    ``population``, ``share`` (of the covered area's people) and ``text``, e.g.
    "12,345 (4.5%)"."""
    rows = cover.rows
    return pd.DataFrame({
        "label": distinct_labels(rows["b_name"], rows["b_code"]).to_numpy(),
        "code": rows["b_code"].astype(str).to_numpy(),
        "population": rows["population"].to_numpy(),
        "share": rows["population_share"].to_numpy(),
        "text": [f"{p:,} ({s:.1%})" for p, s in zip(rows["population"],
                                                     rows["population_share"], strict=True)],
    })
