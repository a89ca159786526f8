"""Tables as JSON-safe records: what reports, the store's meta and the CLI's JSON all emit."""

from __future__ import annotations

import math

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts: numpy scalars to Python, NaN to None, floats to 4 decimals."""
    return [{key: json_ready(value) for key, value in row.items()}
            for row in frame.to_dict(orient="records")]


def json_ready(value):
    """A value made JSON-safe, recursively (dict keys as text, tuples as lists)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value
