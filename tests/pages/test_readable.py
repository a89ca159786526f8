"""Readable pages on the mirror store: labelled columns with their formulas, the class next to
the name, rule titles and a flag's figures as text, "Show on map" highlighting every area the
flag names, and Coverage bars with their values, by ICB and sub-ICB too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from services.flags import RULES
from services.measures import MEASURES
from services.text import inert
from services.view_state import ViewState
from tests.hostile import CORPUS
from tests.pages.test_hostile_text import _assert_inert

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
WEST_YORKSHIRE = {"icb": "E54000054", "places": "west_yorkshire"}


def _app(page: str, **query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "map":
        app.switch_page(f"pages/{page}.py")
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _elements(node):
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for child in children.values():
        yield from _elements(child)


def _columns(frame) -> dict:
    return json.loads(frame.proto.columns)


def test_coterminosity_columns_are_labelled_with_their_formulas(maps) -> None:
    app = _app("coterminosity", icb="E54000057", places="greater_manchester")
    first = app.dataframe[0]
    assert list(first.value.columns)[:2] == ["a_name", "population_class"]
    config = _columns(first)
    assert config["population_class"]["label"] == "Class"
    assert config["population_share_of_a"]["help"].startswith("P(A∩B) / P(A)")
    assert len(first.value.columns) <= 6  # the rest are in the "More measures" expander
    assert any(e.label.startswith("More measures") for e in app.expander)
    labels = set(app.table[0].value.index)  # "What the measures mean"
    assert {MEASURES["population_jaccard"].label, "Class"} <= labels


def test_flags_show_rule_titles_and_a_flag_reads_as_text(maps) -> None:
    app = _app("flags", **WEST_YORKSHIRE)
    table = app.dataframe[0].value
    assert set(table["title"]) <= {rule.title for rule in RULES}
    assert "rule" not in table.columns and "numbers" not in table.columns
    assert not app.get("json")
    key = next(k for k in app.session_state._state._state.filtered_state
               if str(k).startswith("flags-"))
    app.session_state[key] = {"selection": {"rows": [0], "columns": []}}  # North Yorkshire
    app.run()
    details = app.dataframe[1].value
    assert details["What"].tolist()[1] == ("In NHS Humber and North Yorkshire Integrated Care "
                                           "Board (E54000051)")
    assert details["Value"].tolist()[1] == "558,572 people, 90.8% of its people"
    assert not app.get("json")


def test_a_flags_areas_are_all_highlighted_and_the_map_fits_them(maps) -> None:
    """The view "Show on map" opens for North Yorkshire split across three ICBs (the click
    itself is in tests/browser/test_readable.py: AppTest cannot select a dataframe row and
    press a button in the same run)."""
    flags = _app("flags", **WEST_YORKSHIRE).dataframe[0].value
    assert flags["name"].iloc[0] == "North Yorkshire"
    areas = "hwb:E06000065,icb:E54000048,icb:E54000051,icb:E54000054"
    app = _app("map", area="E06000065", highlight=areas, **WEST_YORKSHIRE)
    rendered, _ = maps[-1]
    script = rendered.arguments["script"]
    for code in ("E06000065", "E54000051", "E54000048"):  # two ICBs this map does not draw
        assert f'"code": "{code}"' in script
    south, west, north, east = _fitted(script)
    assert south < 53.5 and north > 54.5 and west < -2.8 and east > -0.8  # Lancashire to the coast
    captions = " ".join(c.value for c in app.caption)
    assert "Highlighted" in captions and "North Yorkshire" in captions
    assert app.query_params["highlight"] == areas


def _fitted(script: str) -> tuple[float, ...]:
    (bounds,) = re.findall(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]",
                           script)
    return tuple(map(float, bounds))


def test_a_highlight_not_in_this_generation_is_named(maps) -> None:
    app = _app("map", icb="E54000057", area="E08000001", highlight="lad:E08000001,icb:E54000099")
    warnings = " ".join(w.value for w in app.warning)
    assert "icb:E54000099" in warnings and "not highlighted" in warnings


def test_coverage_bars_carry_people_and_shares_by_icb_and_sub_icb(maps) -> None:
    app = _app("coverage", subject="hwb", area="E06000065", **WEST_YORKSHIRE)
    subheaders = [s.value for s in app.subheader]
    assert subheaders[:2] == ["By Integrated care board (ICB)", "By Sub-ICB location"]
    charts = [e for e in _elements(app._tree) if e.type == "vega_lite_chart"]
    assert len(charts) == len(subheaders)
    spec = json.loads(charts[0].proto.spec)
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text"]
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == 0  # labels never cut
    assert app.main.selectbox[0].value == "E06000065"
    rows = pa.ipc.open_stream(charts[0].proto.data.data).read_all().to_pandas()
    assert rows["text"].iloc[0] == "558,572 (90.8%)"


def test_hostile_highlighted_names_are_shown_as_typed(maps) -> None:
    group = tuple(CORPUS[:6])
    keys = ("lad:E08000001", *(f"place:{hostile}" for hostile in group))
    query = ViewState(icb="E54000057", area="E08000001", highlight=keys).to_query()
    app = _app("map", **query)
    warning = " ".join(w.value for w in app.warning)
    for hostile in group:
        assert inert(f"place:{hostile}") in warning
    _assert_inert(app, group)
