"""The whole view as a small value that round-trips through a URL query string.

A presenter's link must reopen exactly the same view, so everything a user can set lives here and
nowhere else: ICB, the layer the tables examine and the selected area, layers, thresholds, place
configuration, map centre and zoom, basemap and presentation mode, and the generation the
boundaries are drawn as at (``vintage``). The page is the link's path
(``/coverage?icb=...``). Query values are strings; anything unreadable falls back to the default
and is reported, never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from layers import GENERATIONS, LATEST, MAP_ORDER
from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.places import DEFAULT_SCHEME

#: The layers a view may show, top of the map first (as the sidebar lists them).
MAP_LAYERS = MAP_ORDER[::-1]
#: What the sidebar's sliders offer; a link may not set more.
THRESHOLD_RANGE = (0.80, 1.0)
SLIVER_RANGE = (0.0, 0.05)
DEFAULT_LAYERS = ("icb", "hwb", "lad", "place")


@dataclass(frozen=True)
class ViewState:
    vintage: str = LATEST
    icb: str = ""
    subject: str = "place"
    area: str = ""
    layers: tuple[str, ...] = DEFAULT_LAYERS
    threshold: float = DEFAULT_THRESHOLD
    sliver: float = DEFAULT_SLIVER
    places: str = DEFAULT_SCHEME
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    basemap: bool = True
    present: bool = False

    def to_query(self) -> dict[str, str]:
        """Only the values that differ from the defaults, so links stay short."""
        default = ViewState()
        query = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value == getattr(default, field.name) or value is None:
                continue
            if isinstance(value, tuple):
                query[field.name] = ",".join(value)
            elif isinstance(value, bool):
                query[field.name] = "1" if value else "0"
            elif isinstance(value, float):
                query[field.name] = f"{value:.5f}".rstrip("0").rstrip(".")
            else:
                query[field.name] = str(value)
        return query

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)


def from_query(query: dict[str, str]) -> tuple[ViewState, list[str]]:
    """(view, problems): each unreadable value is named and replaced by its default."""
    values: dict = {}
    problems: list[str] = []
    for name, raw in query.items():
        parser = _PARSERS.get(name)
        if parser is None:
            problems.append(f"ignored unknown link setting '{name}'")
            continue
        try:
            values[name] = parser(raw)
        except (ValueError, OverflowError) as exc:  # e.g. zoom=1e400
            problems.append(f"link setting {name}={raw!r} ignored: {exc}")
    return ViewState(**values), problems


def _layers(raw: str) -> tuple[str, ...]:
    layers = tuple(part for part in raw.split(",") if part)
    unknown = [layer for layer in layers if layer not in MAP_LAYERS]
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(unknown)}")
    return layers


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


_PARSERS = {
    "vintage": _generation, "icb": lambda raw: raw.strip().upper(), "subject": _layer,
    "area": str.strip,
    "layers": _layers, "threshold": _bounded(*THRESHOLD_RANGE), "sliver": _bounded(*SLIVER_RANGE),
    "places": str.strip, "lat": _bounded(49.0, 56.5), "lon": _bounded(-7.0, 2.5),
    "zoom": _bounded(1, 20, lambda raw: round(float(raw))),
    "basemap": _flag, "present": _flag,
}
