"""What the flag rules share: a flag, the context of one run (workspace, places, scope,
thresholds, slivers found) and how numbers are written in the sentences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.geography import Geography
from services.neighbourhoods import NEIGHBOURHOOD_BAND, PopulationBand
from services.pair_table import PairTable
from services.workspace import Workspace

#: The columns of the slivers listed beside the flags.
SLIVER_COLUMNS = ("comparison", "a_code", "a_name", "b_code", "b_name", "population",
                  "population_share_of_a", "population_share_of_b")


@dataclass(frozen=True)
class Flag:
    rule: str
    severity: str
    layer: str
    code: str
    name: str
    numbers: dict
    sentence: str


class FlagContext:
    """What the rules of one flags run share: the workspace, the places (and neighbourhoods),
    the scope (an ICB, or England), the thresholds, the slivers listed so far and each rule's
    severity (declared with the rules in :data:`services.flags.RULES`)."""

    def __init__(self, ws: Workspace, places: Geography, icb_code: str | None,
                 threshold: float, sliver: float, severity: Mapping[str, str],
                 neighbourhoods: Geography | None = None,
                 band: PopulationBand = NEIGHBOURHOOD_BAND) -> None:
        self.ws, self.places, self.icb_code = ws, places, icb_code
        self.threshold, self.sliver = threshold, sliver
        self.neighbourhoods, self.band = neighbourhoods, band
        self.severity = severity
        self.slivers: list[pd.DataFrame] = []
        self.icb = ws.geography("icb")
        self.icb_names = self.icb.names()

    def pairs(self, a: Geography, b: Geography, comparison: str) -> PairTable:
        """Non-sliver pairs of A and B with A in scope; slivers with people in them and either
        side in scope are kept apart, so each ICB whose area a sliver touches lists it."""
        def make() -> tuple[PairTable, pd.DataFrame | None]:
            pairs = self.ws.pair_table(a, b, threshold=self.threshold, sliver=self.sliver,
                                       area=False)
            in_scope = self.in_scope(a)[pairs["a_pos"]]
            sliver = pairs["population_class"] == "sliver"
            touching = in_scope | self.in_scope(b)[pairs["b_pos"]]
            listed = sliver & touching & (pairs["population"] > 0)
            slivers = pairs.take(listed).frame.assign(comparison=comparison)[
                list(SLIVER_COLUMNS)] if listed.any() else None
            return pairs.take(in_scope & ~sliver), slivers  # often all: the cached table
        pairs, slivers = self.ws.memo(("scoped pairs", comparison, *self.key(a, b)), make)
        if slivers is not None:
            self.slivers.append(slivers)
        return pairs

    def key(self, a: Geography, b: Geography) -> tuple:
        """What a result about A against B in this scope depends on."""
        return a.key, b.key, self.icb_code, self.threshold, self.sliver

    def scope(self, geography: Geography) -> pd.Index:
        if self.icb_code is None:
            return geography.areas.index
        return self.ws.codes_in_icb(geography, self.icb_code, self.sliver)

    def in_scope(self, geography: Geography) -> np.ndarray:
        """:meth:`scope` as a mask over the geography's codes."""
        if self.icb_code is None:
            return np.ones(len(geography.codes), dtype=bool)
        return self.ws.in_icb(geography, self.icb_code, self.sliver)

    def icb_name(self, code: str) -> str:
        return str(self.icb_names.get(code, code))

    def flag(self, rule: str, layer: str, code: str, name: str, numbers: dict,
             sentence: str) -> Flag:
        """A flag of ``rule``, with the severity the rule is declared with."""
        return Flag(rule, self.severity[rule], layer, code, name, numbers, sentence)

    @property
    def pcn(self) -> Geography | None:
        return self.ws.geography("pcn") if self.ws.has("pcn") else None


def people_text(value: float) -> str:
    return f"{round(value):,}"


def pct_text(share: float) -> str:
    return f"{share:.1%}"
