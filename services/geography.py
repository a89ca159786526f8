"""A geography as the engine sees it: which LSOAs belong to which of its areas.

Every comparison in Placemap goes through the LSOA 2021 spine, so a geography is first a
*membership*: pairs (spine row, area code). Store layers have one code per LSOA; a place
configuration may leave LSOAs out (gaps) or put one in two places (overlaps), so membership is a
general many-to-many table. Geometry (EPSG:27700) is only needed for area measures on layers that
are not unions of whole LSOAs (wards), and is built lazily.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd

from layers import get_generation, population_method
from services.io.store import Store


@dataclass(eq=False)
class Geography:
    """One set of areas over the spine.

    ``membership`` has integer ``lsoa`` (row position in the spine) and ``code`` columns;
    ``areas`` is indexed by code with at least ``name``. ``lsoa_built`` is true when every area is a
    union of whole LSOAs, which makes its population figures exact; otherwise (wards) membership is
    a best fit (each LSOA wholly in one ward of its council) and population figures approximate.
    """

    id: str
    title: str
    vintage: str
    lsoa_built: bool
    membership: pd.DataFrame
    areas: pd.DataFrame
    geometry_factory: Callable[[], gpd.GeoSeries] | None = field(default=None, repr=False)
    #: How its population figures are made, when not implied by ``lsoa_built`` (a 2025 ward
    #: drawn from its best-fit LSOAs, a modelled PCN footprint).
    method: str | None = None
    #: The view whose spine columns built it (``Store.view_id``: the generation, and any ICB
    #: draft): part of its identity, so nothing cached for one generation (or for the official
    #: ICBs) is served for another (an LSOA-only place is the same in both).
    generation: str | None = None

    @cached_property
    def key(self) -> str:
        """Identity of the membership and the areas' codes (positions in tables index them: a
        place with nobody makes other tables), so cached overlap tables follow edits."""
        digest = hashlib.sha1(self.id.encode())
        digest.update(pd.util.hash_pandas_object(self.membership, index=False).to_numpy())
        digest.update("\x1f".join(map(str, self.areas.index)).encode())
        return f"{self.id}:{self.generation}:{self.vintage}:{digest.hexdigest()[:16]}"

    @cached_property
    def one_code_per_lsoa(self) -> bool:
        return not self.membership["lsoa"].duplicated().any()

    @cached_property
    def codes(self) -> np.ndarray:
        """Area codes (object array) in ``areas`` order: positions below index into it."""
        return self.areas.index.to_numpy(dtype=object)

    @cached_property
    def name_array(self) -> np.ndarray:
        """Area names (object array) in :attr:`codes` order."""
        return self.areas["name"].to_numpy(dtype=object)

    @cached_property
    def code_positions(self) -> np.ndarray:
        """For each membership row, the position of its code in :attr:`codes`."""
        positions = self.areas.index.get_indexer(self.membership["code"])
        if (positions < 0).any():
            unknown = self.membership["code"][positions < 0].iloc[0]
            raise ValueError(f"{self.id}: membership code {unknown!r} is not among its areas.")
        return positions

    def sum_by_area(self, lsoa_values: np.ndarray) -> np.ndarray:
        """Σ of an LSOA quantity per area, aligned with :attr:`codes` (0 for empty areas)."""
        weights = lsoa_values[self.membership["lsoa"].to_numpy()]
        return np.bincount(self.code_positions, weights=weights, minlength=len(self.codes))

    @cached_property
    def geometry(self) -> gpd.GeoSeries:
        """Polygons in EPSG:27700 indexed by code."""
        if self.geometry_factory is None:
            raise ValueError(f"Geography {self.id!r} has no geometry.")
        return self.geometry_factory()

    @property
    def population_method(self) -> str:
        return self.method or population_method(self.lsoa_built)

    def names(self) -> pd.Series:
        return self.areas["name"]


def store_geography(store: Store, layer_id: str) -> Geography:
    """A layer of one generation's view of the store: every LSOA carries its code in the spine
    column ``<layer>_code``."""
    layer = get_generation(store.generation_id).layer(layer_id)
    frame = store.layer(layer_id)
    codes = store.spine[layer.spine_column]
    present = codes.notna().to_numpy()
    membership = pd.DataFrame({"lsoa": np.flatnonzero(present).astype(np.int64),
                               "code": codes[present].to_numpy()})
    areas = frame.drop(columns="geometry").set_index("code", drop=False).rename_axis(None)
    return Geography(
        id=layer_id,
        title=layer.title,
        vintage=layer.vintage.id,
        lsoa_built=layer.lsoa_built,
        membership=membership,
        areas=areas,
        geometry_factory=lambda: frame.set_index("code").geometry,
        method=layer.population_method,
        generation=store.view_id,
    )


def lsoa_geometry_union(store: Store, membership: pd.DataFrame) -> gpd.GeoSeries:
    """Polygons of areas made of whole LSOAs (EPSG:27700), dissolved from the store's LSOAs so
    their borders are the same lines as the store layers' borders."""
    lsoa = store.layer("lsoa").geometry.to_numpy()
    parts = gpd.GeoDataFrame({"code": membership["code"].to_numpy()},
                             geometry=lsoa[membership["lsoa"].to_numpy()], crs=27700)
    return parts.dissolve("code", sort=True).geometry
