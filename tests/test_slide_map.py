"""The slide-map renderer on hand-made squares (tests/tiny_store.py): sizes, text, validity and
byte-for-byte determinism of each format."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
import shapely
from PIL import Image

from services.slide_map import SIZE_PX, SlideMap, nice_length_m, render, selected_area
from tests.tiny_store import lsoa_squares

ATTRIBUTION = ("Source: Office for National Statistics (test line).", "NHS data: test line.")


def _frame(codes: list[str], names: list[str], geometry: list, classes: list[str],
           flagged: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": codes, "name": names, "class": classes,
                             "flagged": flagged}, geometry=geometry, crs=27700).to_crs(4326)


def squares_slide(selected: str = "E01000002") -> SlideMap:
    """Two 2 km squares: one ICB round both, each square a council and a place (the west place
    coterminous, the east one straddling and flagged)."""
    squares = list(lsoa_squares(5).geometry)
    features = {
        "icb": _frame(["I"], ["Square ICB"], [shapely.union_all(squares)], [""], [""]),
        "lad": _frame(["E01000001", "E01000002"], ["West", "East"], squares, ["", ""],
                      ["", "yes"]),
        "place": _frame(["P1", "P2"], ["West place", "East place"], squares,
                        ["coterminous vs HWB areas", "straddles vs HWB areas"], ["", "yes"]),
    }
    labels = {"icb": "ICB (April 2026)", "lad": "Council (2025)", "place": "Place (config)"}
    return SlideMap(features=features, title="Square ICB", subtitle="Boundaries as at test",
                    layer_labels=labels, generation="Boundaries as at April 2026.",
                    date="Store built 2026-12-01.", attribution=ATTRIBUTION, selected=selected)


def test_png_is_full_hd() -> None:
    image = Image.open(io.BytesIO(render(squares_slide(), "png")))
    assert image.format == "PNG" and image.size == SIZE_PX == (1920, 1080)


def test_png_shows_the_styles() -> None:
    """Somewhere on the slide: the selected outline's yellow and the ICB's navy."""
    image = Image.open(io.BytesIO(render(squares_slide(), "png"))).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    assert (0xFF, 0xD6, 0x0A) in colours  # SELECTED_COLOUR
    assert (0x1D, 0x35, 0x57) in colours  # the ICB line


def test_svg_parses_and_holds_the_text() -> None:
    svg = render(squares_slide(), "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = svg.decode()
    for wanted in ("Square ICB", "Boundaries as at test", "Store built 2026-12-01.",
                   *ATTRIBUTION, "Council (2025)", "Selected area", "Flagged (dashed outline)",
                   "Place coterminous with one HWB area", "Place straddles HWB areas", "500 m"):
        assert wanted in text, wanted


def test_pdf_has_a_page() -> None:
    pdf = render(squares_slide(), "pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # one page (not /Pages)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_same_slide_same_bytes(fmt: str) -> None:
    assert render(squares_slide(), fmt) == render(squares_slide(), fmt)


def test_a_different_view_gives_a_different_image() -> None:
    assert render(squares_slide(), "png") != render(squares_slide(selected=""), "png")


def test_names_from_files_are_text() -> None:
    """A "$" would start matplotlib's TeX-like mathtext (and an unbalanced one fail the render);
    markup stays as written."""
    slide = squares_slide()
    named = SlideMap(**{**slide.__dict__, "title": "Costs $5 and $x^2", "subtitle": "<b>&"})
    svg = render(named, "svg").decode()
    assert "Costs $5 and $x^2" in svg and "&lt;b&gt;&amp;" in svg
    render(named, "png")


def test_a_long_title_is_made_to_fit() -> None:
    """The longest ICB name (77 characters) at 30 pt would run off the slide."""
    long_name = "NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board"
    svg = render(SlideMap(**{**squares_slide().__dict__, "title": long_name}), "svg").decode()
    size_pt = float(re.search(r"font-size: ([0-9.]+)px[^>]*>" + long_name, svg).group(1))
    assert size_pt < 30
    assert "font-size: 30px" in render(squares_slide(), "svg").decode()


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="choose one of png, svg, pdf"):
        render(squares_slide(), "jpeg")


def test_selected_area_is_the_topmost_layers_row() -> None:
    features = squares_slide().features
    assert selected_area(features, "E01000002")["name"].tolist() == ["East"]
    assert selected_area(features, "nowhere") is None and selected_area(features, "") is None


@pytest.mark.parametrize(("span_m", "length_m"), [(100_000, 20_000), (7_000, 1_000),
                                                  (4_400, 500), (50_000, 10_000)])
def test_scale_bar_length(span_m: float, length_m: float) -> None:
    assert nice_length_m(span_m) == length_m
