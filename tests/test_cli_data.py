"""``placemap data check`` on the store built from the mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from placemap_cli import main

pytestmark = pytest.mark.mirror


def test_data_check_prints_every_layer(store_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["data", "check", "--store", str(store_dir)]) == 0
    output = capsys.readouterr().out
    for layer_id, rows in [("icb", "42"), ("sub_icb", "106"), ("lad", "296"), ("hwb", "153"),
                           ("ward", "6903"), ("lsoa", "33755")]:
        line = next(line for line in output.splitlines() if line.strip().startswith(layer_id))
        assert rows in line.split()
        assert "56490108" in line.split()
    assert "repaired_geometries" in output
    assert "lsoas by nearest 2022 ward of their council: 6" in output


def test_data_check_without_store_says_how_to_build(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    assert main(["data", "check", "--store", str(tmp_path / "none")]) == 2
    assert "placemap data build" in capsys.readouterr().err
