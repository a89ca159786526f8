"""folium renders each map element's header, html and script with jinja, then wraps each output
in a branca ``Element``, whose constructor compiles that output as a jinja template again before
rendering it to itself. A layer's script holds its whole GeoJSON, so an ICB map's first render
spent ~0.15 s (a third of it) lexing coordinates as template source.

:func:`install` makes branca skip that for text holding no jinja syntax (no ``{{``, ``{%`` or
``{#``): such a template renders to its source with line breaks made ``\\n`` and one trailing
line break dropped (jinja's defaults), which :class:`PlainText` returns as it is. Any other text
is compiled by jinja as before, so every map's HTML stays byte for byte the same.

It also has folium compile each template it makes while rendering once, not per element (each
layer's tooltip compiled the same ``<style>`` template again: a third of an ICB map's
rendering), and has its ``tojson`` write a :class:`~services.geojson_text.LayerGeoJson` from its
kept geometry texts instead of dumping every coordinate (anything else is dumped as before).
"""

from __future__ import annotations

import functools
import json
import re
import types

import branca.element
import folium.features
import folium.template
import jinja2

from services.geojson_text import LayerGeoJson

JINJA_MARKS = ("{{", "{%", "{#")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class PlainText:
    """A template without jinja syntax, rendered as jinja renders it."""

    #: What a jinja template module without macros offers (streamlit-folium looks for them).
    module = types.SimpleNamespace()

    def __init__(self, source: str) -> None:
        if "\r" not in source:  # the usual text (a layer's whole GeoJSON): no split and join
            self._text = source[:-1] if source.endswith("\n") else source
            return
        lines = _LINE_BREAK.split(source)
        if lines[-1] == "":  # jinja drops one trailing line break (keep_trailing_newline off)
            lines.pop()
        self._text = "\n".join(lines)

    def render(self, *args: object, **kwargs: object) -> str:
        return self._text


def template(source: str, *args: object, **kwargs: object) -> PlainText | jinja2.Template:
    """What branca compiles an element's template with: plain text kept, the rest to jinja."""
    if args or kwargs or any(mark in source for mark in JINJA_MARKS):
        return jinja2.Template(source, *args, **kwargs)
    return PlainText(source)


@functools.lru_cache(maxsize=64)
def folium_template(source: str) -> folium.template.Template:
    """A template folium makes while rendering (e.g. each tooltip's style), compiled once: a
    compiled template is never changed, only rendered."""
    return folium.template.Template(source)


def tojson_dumps(value: object, **kwargs: object) -> str:
    """What folium's ``tojson`` dumps with: a layer's GeoJSON from its kept text."""
    if isinstance(value, LayerGeoJson) and kwargs == {"sort_keys": True}:
        return value.text()
    return json.dumps(value, **kwargs)


def install() -> None:
    """Branca's ``Element(template)`` compiles through :func:`template`, folium's templates
    made while rendering through :func:`folium_template`, and folium's ``tojson`` dumps with
    :func:`tojson_dumps`; branca's element names are camel-cased once per class name (each
    element's name was camel-cased again every time it was asked: ~250 times a map)
    (idempotent)."""
    branca.element.Template = template
    if not hasattr(branca.element._camelify, "cache_info"):  # every element's name, per call
        branca.element._camelify = functools.lru_cache(maxsize=256)(branca.element._camelify)
    folium.features.Template = folium_template
    folium.features.GeoJson._template.environment.policies["json.dumps_function"] = \
        tojson_dumps
