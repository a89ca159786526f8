"""The build's view of the official sources: each manifest entry read once, validated, and what
was read remembered for ``meta.json`` (file, vintage, publisher, address, and whether the file is
the official one or the mirror's documented reconstruction)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from services.io.sources import Manifest, hash_warning, locate, sha256_of
from services.io.sources import read_geo as read_geo_source
from services.io.sources import read_table as read_table_source

OFFICIAL = "official file"
RECONSTRUCTION = "reconstruction (the mirror's documented stand-in for the official file)"


class BuildSources:
    """Reads each manifest entry once, validated, and remembers what it found."""

    def __init__(self, manifest: Manifest, log: Callable[[str], None]) -> None:
        self.manifest = manifest
        self.log = log
        self.used: dict[str, dict] = {}
        self.warnings: list[str] = []
        self._tables: dict[str, pd.DataFrame] = {}

    def _path(self, dataset_id: str) -> Path:
        dataset = self.manifest[dataset_id]
        path = locate(dataset)
        warning = hash_warning(dataset, path)
        if warning:
            self.warnings.append(warning)
            self.log(f"warning: {warning}")
        copy = OFFICIAL
        if dataset.reconstruction_sha256 and sha256_of(path) == dataset.reconstruction_sha256:
            copy = RECONSTRUCTION
        self.used[dataset_id] = {"file": path.name, "vintage": dataset.vintage,
                                 "publisher": dataset.publisher, "url": dataset.url,
                                 "copy": copy}
        return path

    def table(self, dataset_id: str) -> pd.DataFrame:
        """The validated table (read once per build; treat it as read-only)."""
        if dataset_id not in self._tables:
            table = read_table_source(self.manifest[dataset_id], self._path(dataset_id))
            self.log(f"read {dataset_id}: {len(table):,} rows")
            self._tables[dataset_id] = table
        return self._tables[dataset_id]

    def england(self, dataset_id: str, code_field: str = "LSOA21CD") -> pd.DataFrame:
        table = self.table(dataset_id)
        return table[table[code_field].str.startswith("E")]

    def optional_table(self, dataset_id: str) -> pd.DataFrame | None:
        """An optional source, or None (logged) when it is not available."""
        if locate(self.manifest[dataset_id]) is None:
            self.log(f"optional {dataset_id} not available: going on without it")
            return None
        return self.table(dataset_id)

    def geo(self, dataset_id: str) -> tuple[gpd.GeoDataFrame, int]:
        frame, repaired = read_geo_source(self.manifest[dataset_id], self._path(dataset_id))
        self.used[dataset_id]["repaired_geometries"] = repaired
        self.log(f"read {dataset_id}: {len(frame):,} features, {repaired} repaired")
        return frame, repaired
