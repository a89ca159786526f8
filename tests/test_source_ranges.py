"""Coordinates and codes out of range stop the build with the file, the row, its code and what to
do, on tiny hand-made source files (the manifest's own entries, less their England row count)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from services.io.sources import SourceError, load_manifest, read_geo, read_table

MANIFEST = load_manifest()
# Two population-weighted centroids in Manchester: (BNG_E, BNG_N) and WGS84 (lon, lat).
MANCHESTER = [(383_500, 398_000, -2.2486, 53.4794), (384_500, 398_500, -2.2336, 53.4839)]


def _dataset(dataset_id: str) -> object:
    return dataclasses.replace(MANIFEST[dataset_id], england_rows=None)


def _centroids(path: Path, points: list[tuple[float, float, float, float]]) -> Path:
    features = [{"type": "Feature",
                 "properties": {"LSOA21CD": f"E0100000{i + 1}", "BNG_E": e, "BNG_N": n},
                 "geometry": {"type": "Point", "coordinates": [lon, lat]}}
                for i, (e, n, lon, lat) in enumerate(points)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_good_centroids_pass(tmp_path: Path) -> None:
    frame, repaired = read_geo(_dataset("lsoa21_centroids"),
                               _centroids(tmp_path / "c.geojson", MANCHESTER))
    assert len(frame) == 2 and repaired == 0


@pytest.mark.parametrize(("point", "problem"), [
    ((9_999_999, 398_500, -2.2336, 53.4839), "BNG_E=9999999"),
    ((384_500, -5, -2.2336, 53.4839), "BNG_N=-5"),
    ((384_500, 398_500, 10.5, 53.4839), "geometry spans lon 10.50 to 10.50"),
    ((384_500, 398_500, -2.2336, 60.1), "lat 60.10 to 60.10, outside England"),
])
def test_centroid_out_of_range_names_file_row_and_code(tmp_path: Path, point: tuple,
                                                       problem: str) -> None:
    path = _centroids(tmp_path / "LSOA_PopCentroids_EN_2021_V3.geojson", [MANCHESTER[0], point])
    with pytest.raises(SourceError) as failure:
        read_geo(_dataset("lsoa21_centroids"), path)
    message = str(failure.value)
    assert message.startswith("LSOA_PopCentroids_EN_2021_V3.geojson: row 2 (LSOA21CD E01000002)")
    assert problem in message
    assert "replace it from https://" in message


def test_a_feature_outside_england_is_not_englands(tmp_path: Path) -> None:
    """UK files hold Scotland and Northern Ireland: only England's codes must lie in England."""
    dataset = dataclasses.replace(_dataset("wd22_boundaries"), fields=("WD22CD",))
    features = [{"type": "Feature", "properties": {"WD22CD": code},
                 "geometry": {"type": "Polygon", "coordinates": [[
                     [lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat]]]}}
                for code, lon, lat in [("E05000001", -2.25, 53.48), ("S13002517", -1.15, 60.15)]]
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert len(read_geo(dataset, path)[0]) == 2


def test_malformed_second_code_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "LSOA21_SICBL24_ICB24_EN_LU.csv"
    path.write_text("LSOA21CD,LSOA21NM,SICBL24CD,SICBL24CDH,SICBL24NM,ICB24CD,ICB24CDH,ICB24NM\n"
                    "E01000001,A,E38000001,00Q,S,E54000001,QOP,I\n"
                    "E01000002,B,E38000001,00Q,S,=HYPERLINK(1),QOP,I\n")
    with pytest.raises(SourceError, match=r"row 2 \(LSOA21CD E01000002\): "
                                          r"ICB24CD='=HYPERLINK\(1\)' is not a code"):
        read_table(_dataset("lsoa21_sicbl24_icb24"), path)


def test_a_practice_in_no_pcn_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text("PRACTICE_CODE,PRACTICE_NAME,PCN_CODE,ONS_CCG_CODE,STP_CODE\n"
                    "A81001,One,U00001,E38000001,E54000001\nA81002,Two,U,E38000001,E54000001\n")
    assert len(read_table(_dataset("gp_practice_mapping"), path)) == 2
