"""The whole view as a small value that round-trips through a URL query string.

A presenter's link must reopen exactly the same view, so everything a user can set lives here and
nowhere else: ICB, the layer the tables examine and the selected area, layers, thresholds, place
configuration, map centre and zoom, basemap and presentation mode, the live room followed, the
generation the boundaries are drawn as at (``vintage``) and an ICB draft drawn over it
(``icbs=draft:<id>``). The page is the link's path
(``/coverage?icb=...``). Query values are strings; anything unreadable falls back to the default
and is reported, never kept. :func:`read_link` reads the raw query string itself, bounded in
count and length before any value reaches a widget, because Streamlit's own parsing keeps the
last of repeated keys and drops a query of more than 1,000 parameters whole, silently. Problems
are Markdown with every value from the link made inert (:mod:`services.text`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, fields, replace
from urllib.parse import unquote_plus

from layers import GENERATIONS, LATEST, MAP_ORDER
from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.drafts import DRAFT_REF_PREFIX, check_draft_id, is_draft_ref
from services.limits import LINK_PARAMS_MAX, LINK_VALUE_MAX_CHARS
from services.neighbourhoods import NEIGHBOURHOOD_BAND
from services.places import DEFAULT_SCHEME
from services.text import fill, inert

#: The layers a view may show, top of the map first (as the sidebar lists them).
MAP_LAYERS = MAP_ORDER[::-1]
#: What the sidebar's sliders offer; a link may not set more.
THRESHOLD_RANGE = (0.80, 1.0)
SLIVER_RANGE = (0.0, 0.05)
DEFAULT_LAYERS = ("icb", "hwb", "lad", "place")
#: Streamlit's own link keys (embedding), read by Streamlit and never reported.
STREAMLIT_KEYS = frozenset({"embed", "embed_options"})
_EMPTY_FIELDS = re.compile("&{2,}")
_ESCAPED, _UNESCAPE = re.compile("%2C|%25"), {"%2C": ",", "%25": "%"}
#: Ignored keys or values named one by one in a message; the rest are counted.
NAMED_MAX = 10
QUERIES_KEPT = 4096  # views whose link query is kept (a few per session at most)
#: A saved draft as the view's configuration (``places="draft:<id>"``) is written in a link as
#: ``draft=<id>``; ``places=draft:<id>`` is read the same way.
DRAFT_KEY = "draft"


@dataclass(frozen=True)
class ViewState:
    vintage: str = LATEST
    icb: str = ""
    subject: str = "place"
    area: str = ""
    highlight: tuple[str, ...] = ()  # "layer:code" of areas shown together (a flag's areas)
    layers: tuple[str, ...] = DEFAULT_LAYERS
    threshold: float = DEFAULT_THRESHOLD
    sliver: float = DEFAULT_SLIVER
    places: str = DEFAULT_SCHEME
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    basemap: bool = True
    present: bool = False
    icbs: str = ""  # a saved ICB draft (``draft:<id>``) drawn instead of the published ICBs
    neighbourhoods: str = ""  # a saved neighbourhood draft (``draft:<id>``) within the places
    band_low: int = NEIGHBOURHOOD_BAND.low  # the neighbourhoods' guidance band, people
    band_high: int = NEIGHBOURHOOD_BAND.high
    room: str = ""  # the live room this screen follows (services/rooms.py), "" for none

    def to_query(self) -> dict[str, str]:
        """Only the values that differ from the defaults, so links stay short (made once per
        view: a run asks for its link several times, and a live room's followers share one)."""
        return dict(_query(self))

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)


@functools.lru_cache(maxsize=QUERIES_KEPT)
def _query(view: ViewState) -> tuple[tuple[str, str], ...]:
    """:meth:`ViewState.to_query`'s items (a tuple: the kept answer cannot be changed)."""
    default = ViewState()
    query = {}
    for field in fields(view):
        value = getattr(view, field.name)
        if value == getattr(default, field.name) or value is None:
            continue
        if isinstance(value, tuple):
            query[field.name] = ",".join(part.replace("%", "%25").replace(",", "%2C")
                                         for part in value)
        elif isinstance(value, bool):
            query[field.name] = "1" if value else "0"
        elif isinstance(value, float):
            query[field.name] = f"{value:.5f}".rstrip("0").rstrip(".")
        else:
            query[field.name] = str(value)
    if is_draft_ref(view.places):
        query[DRAFT_KEY] = query.pop("places").removeprefix(DRAFT_REF_PREFIX)
    return tuple(query.items())


def read_link(query_string: str, page: str = "", pages: Collection[str] = ("",),
              default_page: str = "Map") -> tuple[ViewState, list[str]]:
    """(view, problems) from a link's raw query string and page path: every part left out is
    named (a page that does not exist, parameters beyond :data:`LINK_PARAMS_MAX`, values longer
    than :data:`LINK_VALUE_MAX_CHARS`, repeated keys, unknown keys, unreadable values)."""
    problems = [] if page in pages else [fill(f"page {{}} does not exist; showing the "
                                              f"{default_page} page", page)]
    fields_ = _EMPTY_FIELDS.sub("&", query_string).strip("&").split("&", LINK_PARAMS_MAX)
    if len(fields_) > LINK_PARAMS_MAX:
        problems.append(_too_many(fields_.pop()))
    values: dict[str, list[str]] = {}
    for field in filter(None, fields_):
        key, _, raw = field.partition("=")
        key = unquote_plus(key)
        if len(raw) > 3 * LINK_VALUE_MAX_CHARS or len(value := unquote_plus(raw)) > \
                LINK_VALUE_MAX_CHARS:  # checked before decoding too: %XX is 3 characters
            problems.append(fill(f"the value of {{}} is longer than {LINK_VALUE_MAX_CHARS:,} "
                                 "characters and was ignored", key))
            continue
        values.setdefault(key, []).append(value)
    query = {}
    for key, given in values.items():
        if len(given) > 1 and key in _PARSERS:
            used = fill(f"{{}} was given {len(given)} times: the last, {{}}, was used",
                        key, given[-1])
            problems.append(f"{used} and {_named(given[:-1])} ignored")
        query[key] = given[-1]
    view, setting_problems = from_query(query)
    return view, problems + setting_problems


def _too_many(extra: str) -> str:
    """The parameters after the first :data:`LINK_PARAMS_MAX`, counted and the first named."""
    count = extra.count("&") + 1
    keys = [unquote_plus(field.partition("=")[0]) for field in extra.split("&", NAMED_MAX)]
    return (f"a link holds at most {LINK_PARAMS_MAX} parameters: the {count:,} after them "
            f"were ignored ({_named(keys[:NAMED_MAX], count)})")


def _named(items: list[str], total: int | None = None) -> str:
    """Up to :data:`NAMED_MAX` foreign items, inert, and how many more there were."""
    total = len(items) if total is None else total
    shown = ", ".join(inert(item, 60) for item in items[:NAMED_MAX])
    return shown + (f" and {total - NAMED_MAX:,} more" if total > NAMED_MAX else "")


def from_query(query: dict[str, str]) -> tuple[ViewState, list[str]]:
    """(view, problems): each unknown key or unreadable value is named and left out (the
    default is used)."""
    values: dict = {}
    problems: list[str] = []
    unknown = [name for name in query if name not in _PARSERS and name not in STREAMLIT_KEYS]
    if unknown:
        problems.append(f"ignored {len(unknown):,} unknown setting(s): {_named(unknown)}")
    for name, raw in query.items():
        parser = _PARSERS.get(name)
        if parser is None:
            continue
        try:
            values[name] = parser(raw)
        except (ValueError, OverflowError) as exc:  # e.g. zoom=1e400
            problems.append(fill(f"link setting {name}={{}} ignored: {{}}", raw, exc))
    if DRAFT_KEY in values:
        drafted = values.pop(DRAFT_KEY)
        if values.get("places", drafted) != drafted:
            problems.append(fill("the link names a draft and places={}: the draft was used",
                                 values["places"]))
        values["places"] = drafted
    return ViewState(**values), problems


def _places(raw: str) -> str:
    """A configuration name; a draft's id is checked here, so a malformed one is named."""
    raw = raw.strip()
    return DRAFT_REF_PREFIX + check_draft_id(raw) if is_draft_ref(raw) else raw


def _draft(raw: str) -> str:
    return DRAFT_REF_PREFIX + check_draft_id(raw)


def _layers(raw: str) -> tuple[str, ...]:
    layers = tuple(part for part in raw.split(",") if part)
    unknown = [layer for layer in layers if layer not in MAP_LAYERS]
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(unknown)}")
    return layers


def _highlight(raw: str) -> tuple[str, ...]:
    """Areas as "layer:code", comma-separated; a comma or % in a code (a place's name) is
    written %2C or %25, so any name round-trips."""
    parts = tuple(_ESCAPED.sub(lambda m: _UNESCAPE[m.group()], part)
                  for part in raw.split(",") if part)
    unknown = [part for part in parts if part.partition(":")[0] not in MAP_LAYERS]
    if unknown:
        raise ValueError(f"not a layer:code pair: {', '.join(unknown)}")
    return parts


def _layer(raw: str) -> str:
    if raw not in MAP_LAYERS:
        raise ValueError(f"unknown layer {raw}")
    return raw


def _generation(raw: str) -> str:
    if raw not in GENERATIONS:
        raise ValueError(f"no boundaries as at {raw!r}: choose one of {', '.join(GENERATIONS)}")
    return raw


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ValueError("must be 0 or 1")
    return raw == "1"


def _bounded(low: float, high: float, kind: Callable[[str], float] = float):
    def parse(raw: str) -> float:
        value = kind(raw)
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value
    return parse


def _room_code(raw: str) -> str:
    from services.rooms import check_code  # services.rooms builds on this module
    return check_code(raw)


_PARSERS = {
    "vintage": _generation, "icb": lambda raw: raw.strip().upper(), "subject": _layer,
    "area": str.strip, "highlight": _highlight,
    "layers": _layers, "threshold": _bounded(*THRESHOLD_RANGE), "sliver": _bounded(*SLIVER_RANGE),
    "places": _places, DRAFT_KEY: _draft, "lat": _bounded(49.0, 56.5), "lon": _bounded(-7.0, 2.5),
    "zoom": _bounded(1, 20, lambda raw: round(float(raw))),
    "basemap": _flag, "present": _flag, "icbs": _draft, "neighbourhoods": _draft,
    "band_low": _bounded(0, 1_000_000, int), "band_high": _bounded(0, 1_000_000, int),
    "room": _room_code,
}
