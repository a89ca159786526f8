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
from dataclasses import dataclass, fields
from functools import partial

import pandas as pd

from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.flag_checks import (
    gaps_or_overlaps,
    hwb_split_across_icbs,
    hwb_split_across_place_icbs,
    in_pieces,
    neighbourhood_cover,
    neighbourhood_crosses,
    neighbourhood_outside_band,
    pcn_straddles,
    place_crosses_icb,
    place_splits,
    split_across_icbs,
    vintage_mismatch,
    ward_split,
)
from services.flag_context import SLIVER_COLUMNS, Flag, FlagContext
from services.geography import Geography
from services.neighbourhoods import NEIGHBOURHOOD_BAND, PopulationBand
from services.workspace import Workspace

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}
#: The flags frame's columns: a flag's fields, in order.
FLAG_COLUMNS = tuple(field.name for field in fields(Flag))


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
    context = FlagContext(ws, places, icb_code, threshold, sliver, _SEVERITY, neighbourhoods,
                          band)
    drafted = ws.store.draft_id is not None
    asked = [rule for rule in RULES if (rule.id in rules if rules is not None
                                        else drafted or not rule.drafted_icbs_only)]
    flags = sorted((flag for rule in asked for flag in rule.check(context)),
                   key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.code))  # stable
    frame = pd.DataFrame([[getattr(flag, c) for c in FLAG_COLUMNS] for flag in flags],
                         columns=list(FLAG_COLUMNS))  # not asdict: it deep-copies the numbers
    if not context.slivers:  # most edits: none, and an empty frame needs no sort
        return frame, pd.DataFrame(columns=list(SLIVER_COLUMNS))
    slivers = pd.concat(context.slivers, ignore_index=True)
    return frame, slivers.sort_values(["comparison", "a_code", "b_code"], ignore_index=True)


@dataclass(frozen=True)
class Rule:
    """A flag rule, declared once: its id (kept for the CLI and exports), severity, a title
    the pages show, what it means, and the check that finds its flags."""

    id: str
    severity: str
    title: str
    meaning: str
    check: Callable[[FlagContext], list[Flag]]
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
         place_crosses_icb, names="icb"),
    Rule("hwb_split_across_icbs", "high", "An HWB area is split across ICBs",
         "An HWB area (upper-tier council) is split across ICBs.", hwb_split_across_icbs,
         names="icb"),
    Rule("lad_split_across_icbs", "high", "A council is split across ICBs",
         "A lower-tier council is split across ICBs.",
         partial(split_across_icbs, layer_id="lad", label="council"), drafted_icbs_only=True,
         names="icb"),
    Rule("sub_icb_split_across_icbs", "medium", "A sub-ICB location is split across ICBs",
         "A sub-ICB location is split across ICBs (published ones nest in their ICB: a draft "
         "that divides one needs that location redrawn).",
         partial(split_across_icbs, layer_id="sub_icb", label="sub-ICB location"),
         drafted_icbs_only=True, names="icb"),
    Rule("hwb_split_across_places_of_different_icbs", "high",
         "An HWB area is split across places of different ICBs",
         "An HWB area is split across places that belong to different ICBs.",
         hwb_split_across_place_icbs, names="place"),
    Rule("place_splits_hwb", "medium", "A place takes part of an HWB area",
         "A place takes part, not all, of an HWB area.",
         partial(place_splits, layer_id="hwb", label="HWB area"), names="hwb"),
    Rule("place_splits_lad", "medium", "A place takes part of a council",
         "A place takes part, not all, of a lower-tier council.",
         partial(place_splits, layer_id="lad", label="council"), names="lad"),
    _cover_rule("places_leave_gap", "Some people of the ICB are in no place",
                "Some of an ICB's population is in none of its places.",
                gaps_or_overlaps, "uncovered", "in none of its places"),
    _cover_rule("places_overlap", "Some people of the ICB are in two places",
                "Some of an ICB's population is in more than one place.",
                gaps_or_overlaps, "double_counted", "counted in more than one place"),
    Rule("ward_split_across_places", "low", "A ward is split across places",
         "An electoral ward is split across places (best fit).", ward_split,
         names="place"),
    *(Rule(f"pcn_straddles_{layer_id}", "low", f"A PCN straddles {label}",
           f"A PCN footprint straddles {meaning}.",
           partial(pcn_straddles, layer_id=layer_id, label=label), names=layer_id)
      for layer_id, label, meaning in (("place", "places", "places"),
                                       ("lad", "councils", "lower-tier councils"),
                                       ("hwb", "HWB areas", "HWB areas"), ("icb", "ICBs", "ICBs"))),
    Rule("neighbourhood_crosses_icb", "high", "A neighbourhood crosses its ICB boundary",
         "A neighbourhood has people outside its ICB.",
         partial(neighbourhood_crosses, parent_tier="icb", label="ICB"), names="icb"),
    Rule("neighbourhood_crosses_place", "medium", "A neighbourhood crosses its place",
         "A neighbourhood has people outside the place holding most of them.",
         partial(neighbourhood_crosses, parent_tier="place", label="place"),
         names="place"),
    _cover_rule("neighbourhoods_leave_gap", "Some people of a place are in no neighbourhood",
                "Some of a place's population is in none of its neighbourhoods.",
                neighbourhood_cover, "uncovered", "in no neighbourhood"),
    _cover_rule("neighbourhoods_overlap", "Some people of a place are in two neighbourhoods",
                "Some of a place's population is in more than one neighbourhood.",
                neighbourhood_cover, "double_counted", "counted in more than one neighbourhood"),
    Rule("neighbourhood_crosses_lad", "low", "A neighbourhood crosses a council",
         "A neighbourhood has people outside the council holding most of them.",
         partial(neighbourhood_crosses, parent_tier="lad", label="council"), names="lad"),
    Rule("neighbourhood_outside_band", "info", "A neighbourhood is outside the guidance band",
         f"A neighbourhood's population is outside the guidance band "
         f"({NEIGHBOURHOOD_BAND.low:,}–{NEIGHBOURHOOD_BAND.high:,} people by default; "
         "adjustable).", neighbourhood_outside_band),
    *(Rule(f"{tier}_in_pieces", "info", f"{title} is in separate pieces",
           f"{title} falls into separate pieces (islands, enclaves), each named.",
           partial(in_pieces, tier=tier))
      for tier, title in (("icb", "An ICB"), ("place", "A place"),
                          ("neighbourhood", "A neighbourhood"))),
    Rule("vintage_mismatch", "info", "Layers of different vintages are compared",
         "Layers of different vintages are compared (through the LSOA 2021 spine, never code "
         "to code).", vintage_mismatch),
)
RULE_BY_ID = {rule.id: rule for rule in RULES}
#: Rules of the ICB tier: asked of a drafted ICB view (``Store.draft_id``) with the others, and
#: of any view by :func:`services.icb_flags.icb_tier_flags`, so the published England flags stay
#: as they were.
ICB_TIER_RULES: tuple[str, ...] = tuple(rule.id for rule in RULES if rule.drafted_icbs_only)
_SEVERITY = {rule.id: rule.severity for rule in RULES}
