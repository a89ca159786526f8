"""A flag's numbers read out: the areas it names (to show them on the map) and its figures as
rows of text (what, value), never raw JSON.

The numbers are as :mod:`services.flags` writes them (and the CLI exports them): codes as dict
keys or values, people as integers, shares as fractions. Which layer a rule's codes belong to is
declared once on each rule (``Rule.names`` in services/flags.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from layers import LAYERS
from services.flags import RULES


@dataclass(frozen=True)
class AreaRef:
    """An area of a layer; ``key`` is how the view and the link hold it ("layer:code")."""

    layer: str
    code: str

    @property
    def key(self) -> str:
        return f"{self.layer}:{self.code}"

    @classmethod
    def from_key(cls, key: str) -> AreaRef:
        layer, _, code = key.partition(":")
        return cls(layer, code)


@dataclass(frozen=True)
class DetailRow:
    what: str
    value: str


#: Per rule, the layer of the other areas its numbers name (None: it names no other area).
OTHER_LAYER: dict[str, str | None] = {rule.id: rule.names for rule in RULES}
#: Number keys holding one code, and the layer it belongs to.
_CODE_KEYS = {"icb_code": "icb", "hwb_code": "hwb", "lad_code": "lad"}
#: Number keys holding one code per other area (dict keys, or a list).
_AREA_KEYS = ("other_icbs", "population_by_area", "population_share_by_area", "places", "icbs")
_LABELS = {
    "icb_code": "Its ICB", "hwb_code": "HWB area", "lad_code": "Council",
    "population_outside": "People outside its ICB",
    "population_share_outside": "Share of its people outside its ICB",
    "population_in_both": "People in both", "share_of_hwb": "Share of the HWB area's people",
    "share_of_lad": "Share of the council's people",
    "share_of_place": "Share of the place's people",
    "population": "People", "population_share": "Share of the ICB's people",
    "area_count": "Areas it is split across", "vintages": "Vintages compared",
}


def flag_areas(flag: Mapping) -> tuple[AreaRef, ...]:
    """The flagged area first, then every other area its numbers name, each once, in the order
    given (an info flag, e.g. vintages, names none)."""
    if flag["layer"] not in LAYERS:  # e.g. "info": layers of different vintages
        return ()
    numbers, other = flag["numbers"], OTHER_LAYER.get(flag["rule"])
    refs = [AreaRef(flag["layer"], flag["code"])]
    refs += [AreaRef(layer, numbers[key]) for key, layer in _CODE_KEYS.items() if key in numbers]
    for key in _AREA_KEYS:
        if other and key in numbers:
            layer = "icb" if key == "icbs" else other
            refs += [AreaRef(layer, code) for code in numbers[key]]
    return tuple(dict.fromkeys(refs))


def flag_details(flag: Mapping, name_of: Callable[[AreaRef], str]) -> list[DetailRow]:
    """The flag's numbers as rows of text: figures with their units, areas by name and code,
    one row per other area with its people and share; keys this module does not know are
    shown as they are (nothing is dropped)."""
    numbers, other = flag["numbers"], OTHER_LAYER.get(flag["rule"])
    rows: list[DetailRow] = []
    by_area = numbers.get("population_by_area") or numbers.get("other_icbs") or {}
    shares = numbers.get("population_share_by_area") or numbers.get("places") or {}
    for key, value in numbers.items():
        if key in _CODE_KEYS:
            rows.append(DetailRow(_LABELS[key], _named(AreaRef(_CODE_KEYS[key], value), name_of)))
        elif key == "icbs":
            rows.append(DetailRow("ICBs of those places", "; ".join(
                _named(AreaRef("icb", code), name_of) for code in value)))
        elif key in _AREA_KEYS:
            continue  # one row per area, below
        elif key == "vintages":
            rows.append(DetailRow(_LABELS[key], " and ".join(map(str, value))))
        else:
            rows.append(DetailRow(_LABELS.get(key, key.replace("_", " ").capitalize()),
                                  _value(key, value)))
    codes = sorted(dict.fromkeys([*by_area, *shares]),
                   key=lambda c: (-by_area.get(c, 0), -shares.get(c, 0)))
    for code in codes:  # most people first, as the sentence lists them
        parts = [f"{by_area[code]:,} people"] if code in by_area else []
        parts += [f"{shares[code]:.1%} of its people"] if code in shares else []
        rows.append(DetailRow(f"In {_named(AreaRef(other or '', code), name_of)}",
                              ", ".join(parts)))
    return rows


def _named(ref: AreaRef, name_of: Callable[[AreaRef], str]) -> str:
    """Name (code), or the name alone when it is the code (places)."""
    name = name_of(ref)
    return ref.code if name == ref.code else f"{name} ({ref.code})"


def _value(key: str, value) -> str:
    if isinstance(value, float) and "share" in key:
        return f"{value:.1%}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
