"""Misalignment flags: named rules over the overlap tables, each with a severity, the numbers
behind it and one plain-English sentence.

All rules are population-based (Census 2021 over the LSOA spine); every rule takes its slivers
from the one rule, :func:`services.coterminosity.is_sliver` (below σ · the smaller area's
population, or wholly in border slivers): a sliver is never a misalignment and is listed apart, in
the report of every ICB either of its areas lies in.
Wards enter by best fit (whole LSOAs within their council), so their figures are approximate
and the sentence says so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from functools import partial

import numpy as np
import pandas as pd

from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD, is_sliver
from services.geography import Geography
from services.neighbourhoods import (
    NEIGHBOURHOOD_BAND,
    PopulationBand,
    home_areas,
    nesting_problems,
    outside_band,
)
from services.pair_groups import groups, split_sentence
from services.pair_table import PairTable
from services.pieces import pieces_sentence
from services.workspace import Workspace

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}
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


def misalignment_flags(ws: Workspace, places: Geography, icb_code: str | None = None, *,
                       threshold: float = DEFAULT_THRESHOLD, sliver: float = DEFAULT_SLIVER,
                       neighbourhoods: Geography | None = None,
                       band: PopulationBand = NEIGHBOURHOOD_BAND,
                       rules: Collection[str] | None = None,
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flags, slivers) for all of England, or only what touches ``icb_code``; both sorted by
    severity, rule and code so output is deterministic. With ``neighbourhoods`` (within the
    places), their rules too, ``band`` the guidance band of their populations. ``rules``: the
    rule ids asked (default every rule, the ICB tier's over a drafted ICB view only)."""
    context = _Context(ws, places, icb_code, threshold, sliver, neighbourhoods, band)
    drafted = ws.store.draft_id is not None
    asked = [rule for rule in RULES if (rule.id in rules if rules is not None
                                        else drafted or not rule.drafted_icbs_only)]
    flags = sorted((flag for rule in asked for flag in rule.check(context)),
                   key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.code))  # stable
    frame = pd.DataFrame([asdict(flag) for flag in flags],
                         columns=["rule", "severity", "layer", "code", "name", "numbers",
                                  "sentence"])
    slivers = pd.concat(context.slivers, ignore_index=True) if context.slivers else pd.DataFrame(
        columns=list(SLIVER_COLUMNS))
    return frame, slivers.sort_values(["comparison", "a_code", "b_code"], ignore_index=True)


class _Context:
    def __init__(self, ws: Workspace, places: Geography, icb_code: str | None,
                 threshold: float, sliver: float, neighbourhoods: Geography | None = None,
                 band: PopulationBand = NEIGHBOURHOOD_BAND) -> None:
        self.ws, self.places, self.icb_code = ws, places, icb_code
        self.threshold, self.sliver = threshold, sliver
        self.neighbourhoods, self.band = neighbourhoods, band
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

    @property
    def pcn(self) -> Geography | None:
        return self.ws.geography("pcn") if self.ws.has("pcn") else None


def _people(value: float) -> str:
    return f"{round(value):,}"


def _pct(share: float) -> str:
    return f"{share:.1%}"


def _flag(rule: str, layer: str, code: str, name: str, numbers: dict, sentence: str) -> Flag:
    return Flag(rule, RULE_BY_ID[rule].severity, layer, code, name, numbers, sentence)


def _place_crosses_icb(c: _Context) -> list[Flag]:
    pairs = c.pairs(c.places, c.icb, "place vs ICB")
    own = c.places.areas["icb_code"]
    outside = pairs.take(pairs["b_code"] != own.to_numpy(dtype=object)[pairs["a_pos"]])
    flags = []
    for code, rows in groups(outside, ("b_code", "b_name", "population",
                                       "population_share_of_a")).items():
        people, share = sum(rows["population"]), _sum(rows["population_share_of_a"])
        where = "; ".join(f"{_people(population)} in {name}" for population, name in
                          zip(rows["population"], rows["b_name"], strict=True))
        flags.append(_flag(
            "place_crosses_icb", "place", code, code,
            {"icb_code": own[code], "population_outside": people,
             "population_share_outside": round(share, 4),
             "other_icbs": dict(zip(rows["b_code"], rows["population"], strict=True))},
            f"Place '{code}' has {_people(people)} people "
            f"({_pct(share)}) outside its ICB {c.icb_name(own[code])}: {where}."))
    return flags


def _sum(values: list[float]) -> float:
    """A float column's sum as pandas gives it (NumPy's pairwise sum, NaN as 0)."""
    return float(np.nansum(np.array(values, dtype=np.float64)))


def _hwb_split_across_icbs(c: _Context) -> list[Flag]:
    return _straddles(c, c.ws.geography("hwb"), c.icb, "hwb_split_across_icbs", "ICBs",
                      "HWB area vs ICB", kind=" HWB area")


def _split_across_icbs(c: _Context, layer_id: str, label: str) -> list[Flag]:
    return _straddles(c, c.ws.geography(layer_id), c.icb, f"{layer_id}_split_across_icbs",
                      "ICBs", f"{label} vs ICB", kind=f" {label}")


def _hwb_split_across_place_icbs(c: _Context) -> list[Flag]:
    pairs = c.pairs(c.ws.geography("hwb"), c.places, "HWB area vs place")
    place_icbs = c.places.areas["icb_code"].to_numpy(dtype=object)
    icb_of, icbs = pd.factorize(place_icbs[pairs["b_pos"]])  # no ICB: -1, not one
    a_pos = pairs["a_pos"]
    distinct = np.unique(a_pos[icb_of >= 0] * len(icbs) + icb_of[icb_of >= 0])
    counts = np.bincount(distinct // max(len(icbs), 1), minlength=len(c.ws.geography("hwb").codes))
    flags = []
    for code, rows in groups(pairs.take(counts[a_pos] >= 2), (
            "a_name", "a_pos", "b_code", "b_name", "population", "population_share_of_a",
            "b_pos")).items():
        name, count = rows["a_name"][0], int(counts[rows["a_pos"][0]])
        flags.append(_flag(
            "hwb_split_across_places_of_different_icbs", "hwb", code, name,
            {"places": {b: round(float(share), 4) for b, share in
                        zip(rows["b_code"], rows["population_share_of_a"], strict=True)},
             "icbs": sorted(pd.unique(pd.Series(place_icbs[rows["b_pos"]], dtype=object)))},
            f"{name} HWB area is split across places of {count} ICBs: "
            f"{split_sentence(rows)}."))
    return flags


def _place_splits(c: _Context, layer_id: str, label: str) -> list[Flag]:
    pairs = c.pairs(c.places, c.ws.geography(layer_id), f"place vs {label}")
    split = pairs.take(pairs["population_share_of_b"] < c.threshold)
    return [_flag(
        f"place_splits_{layer_id}", "place", a_code, a_code,
        {f"{layer_id}_code": b_code, "population_in_both": int(people),
         f"share_of_{layer_id}": round(float(share_of_b), 4),
         "share_of_place": round(float(share_of_a), 4)},
        f"Place '{a_code}' takes {_people(people)} people of the {b_name} "
        f"{label} ({_pct(share_of_b)} of it); they are "
        f"{_pct(share_of_a)} of the place's population.")
        for a_code, b_code, b_name, people, share_of_a, share_of_b in zip(*(
            split[column].tolist() for column in (
                "a_code", "b_code", "b_name", "population", "population_share_of_a",
                "population_share_of_b")), strict=True)]


def _gaps_or_overlaps(c: _Context, rule: str, measure: str, what: str) -> list[Flag]:
    """People of an ICB in none of its places (``measure`` "uncovered") or in more than one
    ("double_counted"); below the sliver tolerance they are listed as a sliver instead.
    England-wide, only ICBs that own a place (a partial configuration covers a few ICBs); for
    one ICB always, so an ICB the configuration misses shows a 100% gap."""
    icbs = sorted(set(c.places.areas["icb_code"])) if c.icb_code is None else [c.icb_code]
    flags = []
    for icb_code in icbs:
        cover = c.ws.coverage(icb_code, c.icb, c.places)
        people = getattr(cover, measure)
        if people == 0:
            continue
        share = people / cover.population
        if is_sliver(people, cover.population, cover.population, c.sliver):
            c.slivers.append(pd.DataFrame([{
                "comparison": rule, "a_code": icb_code, "a_name": c.icb_name(icb_code),
                "b_code": "", "b_name": what, "population": people,
                "population_share_of_a": share, "population_share_of_b": float("nan")}]))
            continue
        flags.append(_flag(rule, "icb", icb_code, c.icb_name(icb_code),
                           {"population": people, "population_share": round(share, 4)},
                           f"{_people(people)} people ({_pct(share)}) of "
                           f"{c.icb_name(icb_code)} are {what}."))
    return flags


def _straddles(c: _Context, a: Geography, b: Geography, rule: str, label: str,
               comparison: str, note: str = "", kind: str = "") -> list[Flag]:
    """One flag per area of A with more than a sliver of its people in two or more B areas;
    ``kind`` follows the area's name in the sentence (" HWB area"), ``note`` ends it."""
    pairs = c.pairs(a, b, comparison)
    return list(c.ws.memo((rule, note, kind, *c.key(a, b)),
                          lambda: _straddle_flags(pairs, a, rule, label, note, kind)))


def _straddle_flags(pairs: PairTable, a: Geography, rule: str, label: str, note: str,
                    kind: str) -> list[Flag]:
    a_pos = pairs["a_pos"]  # most areas have a single partner
    split = pairs.take(np.bincount(a_pos, minlength=len(a.codes))[a_pos] > 1)
    flags = []
    for code, rows in groups(split, ("a_name", "b_code", "b_name", "population",
                                      "population_share_of_a")).items():
        name, count = rows["a_name"][0], len(rows["b_code"])
        flags.append(_flag(
            rule, a.id, code, name,
            {"area_count": count,
             "population_share_by_area": {b: round(float(share), 4) for b, share in zip(
                 rows["b_code"], rows["population_share_of_a"], strict=True)},
             "population_by_area": {b: int(people) for b, people in zip(
                 rows["b_code"], rows["population"], strict=True)}},
            f"{name}{kind} is split across {count} {label}: "
            f"{split_sentence(rows)}{note}."))
    return flags


def _ward_split(c: _Context) -> list[Flag]:
    return _straddles(c, c.ws.geography("ward"), c.places, "ward_split_across_places", "places",
                      "ward vs place", " (ward population by best fit)")


def _pcn_straddles(c: _Context, layer_id: str, label: str) -> list[Flag]:
    pcn = c.pcn
    if pcn is None:
        return []
    own = {"place": c.places, "icb": c.icb}
    target = own[layer_id] if layer_id in own else c.ws.geography(layer_id)
    return _straddles(c, pcn, target, f"pcn_straddles_{layer_id}", label, f"PCN vs {label}")


def _vintages(c: _Context) -> list[Flag]:
    compared = [c.ws.geography("ward"), c.places, c.icb]
    if c.pcn is not None:
        compared.append(c.pcn)
    flags = []
    ward = compared[0]
    for other in compared[1:]:
        if other.vintage == ward.vintage:
            continue
        flags.append(_flag(
            "vintage_mismatch", "info", f"{ward.id}~{other.id}", f"{ward.title} vs {other.title}",
            {"vintages": [ward.vintage, other.vintage]},
            f"{ward.title} ({ward.vintage}) are compared with {other.title} ({other.vintage}) "
            "through the LSOA 2021 spine by best fit, not by joining their codes."))
    return flags


def _in_pieces(c: _Context, tier: str) -> list[Flag]:
    """Areas of the tier in scope that fall into separate pieces (islands, enclaves)."""
    geography = {"place": c.places, "icb": c.icb, "neighbourhood": c.neighbourhoods}[tier]
    if geography is None:
        return []
    names = geography.names()
    label = {"place": "Place '{}'", "icb": "{}", "neighbourhood": "Neighbourhood '{}'"}[tier]
    return [_flag(f"{tier}_in_pieces", tier, code, str(names[code]),
                  {"pieces": [asdict(piece) for piece in pieces]},
                  pieces_sentence(label.format(names[code]), pieces))
            for code, pieces in c.ws.pieces(geography, c.scope(geography)).items()]


def _neighbourhood_crosses(c: _Context, parent_tier: str, label: str) -> list[Flag]:
    """Neighbourhoods with more than a sliver of their people outside their home place (the
    one holding most of them), council, or their own ICB."""
    hoods = c.neighbourhoods
    if hoods is None:
        return []
    parent = {"place": c.places, "icb": c.icb}.get(parent_tier) or c.ws.geography(parent_tier)
    home = hoods.areas["icb_code"] if parent_tier == "icb" else None
    problems = c.ws.memo(("nesting", hoods.key, parent.key, c.icb_code, c.sliver),
                         lambda: nesting_problems(c.ws, hoods, parent, home, c.scope(hoods),
                                                  c.sliver))
    names = parent.names()
    return [_flag(
        f"neighbourhood_crosses_{parent_tier}", "neighbourhood", p.code, p.name,
        {f"{parent_tier}_code": p.home_code, "population_outside": p.population_outside,
         "population_share_outside": round(p.population_outside / p.population, 4),
         "outside": p.outside},
        f"Neighbourhood '{p.name}' has {_people(p.population_outside)} people "
        f"({_pct(p.population_outside / p.population)}) outside its {label} {p.home_name}: "
        + "; ".join(f"{_people(people)} in {names.get(code, code) if code else 'no ' + label}"
                    for code, people in p.outside.items()) + ".")
        for p in problems]


def _neighbourhood_cover(c: _Context, rule: str, measure: str, what: str) -> list[Flag]:
    """People of a place (home to a neighbourhood in scope) in none of its neighbourhoods or
    in more than one; below the sliver tolerance listed as a sliver instead."""
    hoods = c.neighbourhoods
    if hoods is None:
        return []
    flags = []
    for place in sorted(set(home_areas(c.ws, hoods, c.places).reindex(c.scope(hoods))
                            .dropna())):
        cover = c.ws.coverage(place, c.places, hoods)
        people = getattr(cover, measure)
        share = people / cover.population if cover.population else 0.0
        if people == 0 or is_sliver(people, cover.population, cover.population, c.sliver):
            continue
        flags.append(_flag(rule, "place", place, place,
                           {"population": people, "population_share": round(share, 4)},
                           f"{_people(people)} people ({_pct(share)}) of place '{place}' are "
                           f"{what}."))
    return flags


def _outside_band(c: _Context) -> list[Flag]:
    hoods = c.neighbourhoods
    if hoods is None:
        return []
    band = c.band
    return [_flag("neighbourhood_outside_band", "neighbourhood", code, code,
                  {"population": int(people), "band": [band.low, band.high]},
                  f"Neighbourhood '{code}' has {_people(people)} people, "
                  f"{'below' if people < band.low else 'above'} the guidance band of "
                  f"{band.low:,}–{band.high:,}.")
            for code, people in outside_band(hoods, band, c.scope(hoods)).items()]


@dataclass(frozen=True)
class Rule:
    """A flag rule, declared once: its id (kept for the CLI and exports), severity, a title
    the pages show, what it means, and the check that finds its flags."""

    id: str
    severity: str
    title: str
    meaning: str
    check: Callable[[_Context], list[Flag]]
    drafted_icbs_only: bool = False  # asked of a drafted ICB view only (see ICB_TIER_RULES)
    #: The layer of the other areas its flags' numbers name (services/flag_details.py), if any.
    names: str | None = None


def _cover_rule(rule_id: str, title: str, meaning: str, check: Callable, measure: str,
                what: str) -> Rule:
    """A medium rule on people in no part (``measure`` "uncovered") or in two ("double_counted");
    its flags carry its own id."""
    return Rule(rule_id, "medium", title, meaning,
                partial(check, rule=rule_id, measure=measure, what=what))


RULES: tuple[Rule, ...] = (
    Rule("place_crosses_icb", "high", "A place crosses its ICB boundary",
         "A place has people outside its ICB; a place may not cross its ICB boundary.",
         _place_crosses_icb, names="icb"),
    Rule("hwb_split_across_icbs", "high", "An HWB area is split across ICBs",
         "An HWB area (upper-tier council) is split across ICBs.", _hwb_split_across_icbs,
         names="icb"),
    Rule("lad_split_across_icbs", "high", "A council is split across ICBs",
         "A lower-tier council is split across ICBs.",
         partial(_split_across_icbs, layer_id="lad", label="council"), drafted_icbs_only=True,
         names="icb"),
    Rule("sub_icb_split_across_icbs", "medium", "A sub-ICB location is split across ICBs",
         "A sub-ICB location is split across ICBs (published ones nest in their ICB: a draft "
         "that divides one needs that location redrawn).",
         partial(_split_across_icbs, layer_id="sub_icb", label="sub-ICB location"),
         drafted_icbs_only=True, names="icb"),
    Rule("hwb_split_across_places_of_different_icbs", "high",
         "An HWB area is split across places of different ICBs",
         "An HWB area is split across places that belong to different ICBs.",
         _hwb_split_across_place_icbs, names="place"),
    Rule("place_splits_hwb", "medium", "A place takes part of an HWB area",
         "A place takes part, not all, of an HWB area.",
         partial(_place_splits, layer_id="hwb", label="HWB area"), names="hwb"),
    Rule("place_splits_lad", "medium", "A place takes part of a council",
         "A place takes part, not all, of a lower-tier council.",
         partial(_place_splits, layer_id="lad", label="council"), names="lad"),
    _cover_rule("places_leave_gap", "Some people of the ICB are in no place",
                "Some of an ICB's population is in none of its places.",
                _gaps_or_overlaps, "uncovered", "in none of its places"),
    _cover_rule("places_overlap", "Some people of the ICB are in two places",
                "Some of an ICB's population is in more than one place.",
                _gaps_or_overlaps, "double_counted", "counted in more than one place"),
    Rule("ward_split_across_places", "low", "A ward is split across places",
         "An electoral ward is split across places (best fit).", _ward_split,
         names="place"),
    *(Rule(f"pcn_straddles_{layer_id}", "low", f"A PCN straddles {label}",
           f"A PCN footprint straddles {meaning}.",
           partial(_pcn_straddles, layer_id=layer_id, label=label), names=layer_id)
      for layer_id, label, meaning in (("place", "places", "places"),
                                       ("lad", "councils", "lower-tier councils"),
                                       ("hwb", "HWB areas", "HWB areas"), ("icb", "ICBs", "ICBs"))),
    Rule("neighbourhood_crosses_icb", "high", "A neighbourhood crosses its ICB boundary",
         "A neighbourhood has people outside its ICB.",
         partial(_neighbourhood_crosses, parent_tier="icb", label="ICB"), names="icb"),
    Rule("neighbourhood_crosses_place", "medium", "A neighbourhood crosses its place",
         "A neighbourhood has people outside the place holding most of them.",
         partial(_neighbourhood_crosses, parent_tier="place", label="place"),
         names="place"),
    _cover_rule("neighbourhoods_leave_gap", "Some people of a place are in no neighbourhood",
                "Some of a place's population is in none of its neighbourhoods.",
                _neighbourhood_cover, "uncovered", "in no neighbourhood"),
    _cover_rule("neighbourhoods_overlap", "Some people of a place are in two neighbourhoods",
                "Some of a place's population is in more than one neighbourhood.",
                _neighbourhood_cover, "double_counted", "counted in more than one neighbourhood"),
    Rule("neighbourhood_crosses_lad", "low", "A neighbourhood crosses a council",
         "A neighbourhood has people outside the council holding most of them.",
         partial(_neighbourhood_crosses, parent_tier="lad", label="council"), names="lad"),
    Rule("neighbourhood_outside_band", "info", "A neighbourhood is outside the guidance band",
         f"A neighbourhood's population is outside the guidance band "
         f"({NEIGHBOURHOOD_BAND.low:,}–{NEIGHBOURHOOD_BAND.high:,} people by default; "
         "adjustable).", _outside_band),
    *(Rule(f"{tier}_in_pieces", "info", f"{title} is in separate pieces",
           f"{title} falls into separate pieces (islands, enclaves), each named.",
           partial(_in_pieces, tier=tier))
      for tier, title in (("icb", "An ICB"), ("place", "A place"),
                          ("neighbourhood", "A neighbourhood"))),
    Rule("vintage_mismatch", "info", "Layers of different vintages are compared",
         "Layers of different vintages are compared (through the LSOA 2021 spine, never code "
         "to code).", _vintages),
)
RULE_BY_ID = {rule.id: rule for rule in RULES}
#: Rules of the ICB tier: asked of a drafted ICB view (``Store.draft_id``) with the others, and
#: of any view by :func:`services.icb_flags.icb_tier_flags`, so the published England flags stay
#: as they were.
ICB_TIER_RULES: tuple[str, ...] = tuple(rule.id for rule in RULES if rule.drafted_icbs_only)
