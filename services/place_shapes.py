"""Places drawn on maps: each the union of the store's simplified LSOA copies it is made of.

A union of a place's few hundred LSOA copies costs ~20 ms of GEOS (~0.1 s of CPU for each ICB's
first map, most of a fresh server's first-view work), and the default scheme's places are the
same for every server: so the build unites them once per generation
(:mod:`services.build.place_shapes`) and the store keeps them
(:data:`services.io.store_check.PLACE_SHAPES_FILE`). Each shape is keyed by the set of LSOAs it
is the union of (:func:`shape_key`), never by a place's name, so a stored shape is only ever
served for exactly the LSOAs it was made from: an edited place, or a place of another
configuration, that holds the same LSOAs gets it too; any other set is united at run time.
"""

from __future__ import annotations

import hashlib

import numpy as np
import shapely


def shape_key(rows: np.ndarray) -> str:
    """The identity of a set of spine positions (sorted, unique): a digest of their int64
    values."""
    return hashlib.sha1(np.ascontiguousarray(rows, dtype=np.int64).tobytes()).hexdigest()


def union_shape(lsoa_shapes: np.ndarray, rows: np.ndarray) -> shapely.Geometry:
    """The union of the LSOA copies at spine positions ``rows`` (what the map draws)."""
    return shapely.union_all(lsoa_shapes[rows])


def place_rows(membership) -> dict[str, np.ndarray]:
    """Per place code, its spine positions, sorted and unique."""
    return {code: np.unique(group["lsoa"].to_numpy())
            for code, group in membership.groupby("code")}
