"""The data manifest, entry by entry: complete, well formed, and (with the mirror) pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.io.sources import load_manifest, read_geo, read_table, sha256_of

MANIFEST = load_manifest()
ENTRIES = sorted(MANIFEST.datasets)


@pytest.mark.parametrize("dataset_id", ENTRIES)
def test_entry_is_complete(dataset_id: str) -> None:
    dataset = MANIFEST[dataset_id]
    assert dataset.url.startswith("https://")
    assert dataset.kind in {"arcgis_geojson", "arcgis_table", "file", "nhs_publication"}
    assert dataset.code_field in dataset.fields
    assert dataset.attribution in MANIFEST.attribution
    assert dataset.licence == "OGL-UK-3.0"
    if dataset.kind.startswith("arcgis"):
        assert "/FeatureServer/0" in dataset.url
    assert dataset.optional or dataset.sha256


def test_attribution_lines_are_the_official_wording() -> None:
    assert MANIFEST.attribution["ons"].startswith(
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
    )
    assert "Contains OS data © Crown copyright and database right" in MANIFEST.attribution["ons"]
    assert "NHS England" in MANIFEST.attribution["nhs"]


@pytest.mark.mirror
@pytest.mark.parametrize("dataset_id", ENTRIES)
def test_mirror_file_matches_its_entry(dataset_id: str, mirror_dir: Path) -> None:
    dataset = MANIFEST[dataset_id]
    path = mirror_dir / dataset.mirror_file
    if dataset.optional and not path.exists():
        return
    assert sha256_of(path) == dataset.sha256
    if dataset.is_geo:
        frame, repaired = read_geo(dataset, path)
        assert frame.crs.to_epsg() == 27700
        assert repaired >= 0
    else:
        read_table(dataset, path)
