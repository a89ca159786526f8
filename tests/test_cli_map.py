"""``placemap map``: bad arguments are refused before any data is read; on the store built from
the mirror it writes a full-HD PNG, an SVG with the title and attribution, and a PDF page."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from placemap_cli import main
from services.io.sources import load_manifest

GM = "E54000057"


def test_the_file_name_must_say_the_format(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["map", "--icb", GM, "--store", str(tmp_path / "none"),
                 "--out", str(tmp_path / "map.jpeg")]) == 2
    error = capsys.readouterr().err
    assert "must end in .png, .svg, .pdf" in error
    assert not (tmp_path / "map.jpeg").exists()


@pytest.mark.parametrize("layers", ["icb,rivers", ","])
def test_unknown_layers_are_named(layers: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["map", "--icb", GM, "--layers", layers, "--out", str(tmp_path / "map.png")])
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert "choose among nhser,icb,sub_icb,hwb,lad,pcn,ward,place" in error
    assert ("rivers" in error) == (layers == "icb,rivers")


@pytest.mark.mirror
def test_writes_png_svg_and_pdf(store_dir: Path, tmp_path: Path) -> None:
    for fmt in ("png", "svg", "pdf"):
        assert main(["map", "--icb", "Greater Manchester", "--places", "greater_manchester",
                     "--layers", "icb,hwb,lad,place", "--store", str(store_dir),
                     "--out", str(tmp_path / f"gm.{fmt}")]) == 0
    image = Image.open(io.BytesIO((tmp_path / "gm.png").read_bytes()))
    assert image.format == "PNG" and image.size[0] >= 1920 and image.size[1] >= 1080
    svg = (tmp_path / "gm.svg").read_text()
    ET.fromstring(svg)
    for wanted in ("NHS Greater Manchester Integrated Care Board", "Boundaries as at April 2026",
                   "Places: Greater Manchester", *load_manifest().attribution.values()):
        assert wanted in svg, wanted
    pdf = (tmp_path / "gm.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


@pytest.mark.mirror
def test_an_area_not_drawn_is_refused(store_dir: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture) -> None:
    """The ward layer is not switched on, so a Bolton ward (Astley Bridge) cannot be selected."""
    out = tmp_path / "gm.png"
    assert main(["map", "--icb", GM, "--layers", "icb,lad", "--area", "E05014818",
                 "--store", str(store_dir), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "--area E05014818 is not drawn on this map" in error and "--layers" in error
    assert not out.exists()


@pytest.mark.mirror
def test_as_at_april_2024(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "frimley.svg"
    assert main(["map", "--icb", "Frimley", "--vintage", "2024", "--layers", "icb,lad",
                 "--store", str(store_dir), "--out", str(out)]) == 0
    svg = out.read_text()
    assert "Boundaries as at April 2024" in svg and "Lower-tier council (LAD), 2024" in svg
