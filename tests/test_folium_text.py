"""services/folium_text.py: plain text rendered as jinja renders it; a map's HTML unchanged."""

import itertools

import branca.element
import folium
import jinja2
import pytest

from services import folium_text

TEXTS = ["", "a", "a\n", "a\n\n", "\n", "a\r\nb\rc\nd\r\n", '{"type": "Feature"}', "{ {}", "a}}"]


@pytest.mark.parametrize("text", TEXTS)
def test_plain_text_renders_as_jinja_does(text: str) -> None:
    assert isinstance(folium_text.template(text), folium_text.PlainText)
    assert folium_text.template(text).render(this=None, kwargs={}) == jinja2.Template(
        text).render(this=None, kwargs={})


@pytest.mark.parametrize("text", ["{{ 1 + 1 }}", "{% if true %}x{% endif %}", "a{# note #}b"])
def test_jinja_syntax_is_still_compiled(text: str) -> None:
    assert isinstance(folium_text.template(text), jinja2.Template)
    assert folium_text.template(text).render() == jinja2.Template(text).render()


def _map_html(monkeypatch: pytest.MonkeyPatch) -> str:
    ids = itertools.count()
    monkeypatch.setattr(branca.element.Element, "_generate_id",
                        classmethod(lambda cls: f"{next(ids):032x}"))
    fmap = folium.Map(tiles=None)
    square = {"type": "Feature", "properties": {"name": "A & {B}"},
              "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}
    folium.GeoJson({"type": "FeatureCollection", "features": [square]},
                   tooltip=folium.GeoJsonTooltip(fields=["name"])).add_to(fmap)
    fmap.get_root().header.add_child(folium.Element("<style>\r\n#m { height: 1px }\n</style>\n"))
    return fmap.get_root().render()


def test_a_map_renders_the_same_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    before = _map_html(monkeypatch)
    folium_text.install()
    assert branca.element.Template is folium_text.template
    assert _map_html(monkeypatch) == before
