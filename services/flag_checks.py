"""The checks behind the flag rules (:data:`services.flags.RULES`): each finds one rule's flags
in a :class:`~services.flag_context.FlagContext`, from the pair tables as plain columns."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from services.coterminosity import is_sliver
from services.flag_context import Flag, FlagContext, pct_text, people_text
from services.geography import Geography
from services.neighbourhoods import home_areas, nesting_problems, outside_band
from services.pair_groups import groups, split_sentence
from services.pair_table import PairTable
from services.pieces import pieces_sentence


def place_crosses_icb(c: FlagContext) -> list[Flag]:
    pairs = c.pairs(c.places, c.icb, "place vs ICB")
    own = c.places.areas["icb_code"]
    outside = pairs.take(pairs["b_code"] != own.to_numpy(dtype=object)[pairs["a_pos"]])
    flags = []
    for code, rows in groups(outside, ("b_code", "b_name", "population",
                                       "population_share_of_a")).items():
        people, share = sum(rows["population"]), _sum(rows["population_share_of_a"])
        where = "; ".join(f"{people_text(population)} in {name}" for population, name in
                          zip(rows["population"], rows["b_name"], strict=True))
        flags.append(c.flag(
            "place_crosses_icb", "place", code, code,
            {"icb_code": own[code], "population_outside": people,
             "population_share_outside": round(share, 4),
             "other_icbs": dict(zip(rows["b_code"], rows["population"], strict=True))},
            f"Place '{code}' has {people_text(people)} people "
            f"({pct_text(share)}) outside its ICB {c.icb_name(own[code])}: {where}."))
    return flags


def _sum(values: list[float]) -> float:
    """A float column's sum as pandas gives it (NumPy's pairwise sum, NaN as 0)."""
    return float(np.nansum(np.array(values, dtype=np.float64)))


def hwb_split_across_icbs(c: FlagContext) -> list[Flag]:
    return _straddles(c, c.ws.geography("hwb"), c.icb, "hwb_split_across_icbs", "ICBs",
                      "HWB area vs ICB", kind=" HWB area")


def split_across_icbs(c: FlagContext, layer_id: str, label: str) -> list[Flag]:
    return _straddles(c, c.ws.geography(layer_id), c.icb, f"{layer_id}_split_across_icbs",
                      "ICBs", f"{label} vs ICB", kind=f" {label}")


def hwb_split_across_place_icbs(c: FlagContext) -> list[Flag]:
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
        flags.append(c.flag(
            "hwb_split_across_places_of_different_icbs", "hwb", code, name,
            {"places": {b: round(float(share), 4) for b, share in
                        zip(rows["b_code"], rows["population_share_of_a"], strict=True)},
             "icbs": sorted(pd.unique(pd.Series(place_icbs[rows["b_pos"]], dtype=object)))},
            f"{name} HWB area is split across places of {count} ICBs: "
            f"{split_sentence(rows)}."))
    return flags


def place_splits(c: FlagContext, layer_id: str, label: str) -> list[Flag]:
    pairs = c.pairs(c.places, c.ws.geography(layer_id), f"place vs {label}")
    split = pairs.take(pairs["population_share_of_b"] < c.threshold)
    return [c.flag(
        f"place_splits_{layer_id}", "place", a_code, a_code,
        {f"{layer_id}_code": b_code, "population_in_both": int(people),
         f"share_of_{layer_id}": round(float(share_of_b), 4),
         "share_of_place": round(float(share_of_a), 4)},
        f"Place '{a_code}' takes {people_text(people)} people of the {b_name} "
        f"{label} ({pct_text(share_of_b)} of it); they are "
        f"{pct_text(share_of_a)} of the place's population.")
        for a_code, b_code, b_name, people, share_of_a, share_of_b in zip(*(
            split[column].tolist() for column in (
                "a_code", "b_code", "b_name", "population", "population_share_of_a",
                "population_share_of_b")), strict=True)]


def gaps_or_overlaps(c: FlagContext, rule: str, measure: str, what: str) -> list[Flag]:
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
        flags.append(c.flag(rule, "icb", icb_code, c.icb_name(icb_code),
                           {"population": people, "population_share": round(share, 4)},
                           f"{people_text(people)} people ({pct_text(share)}) of "
                           f"{c.icb_name(icb_code)} are {what}."))
    return flags


def _straddles(c: FlagContext, a: Geography, b: Geography, rule: str, label: str,
               comparison: str, note: str = "", kind: str = "") -> list[Flag]:
    """One flag per area of A with more than a sliver of its people in two or more B areas;
    ``kind`` follows the area's name in the sentence (" HWB area"), ``note`` ends it."""
    pairs = c.pairs(a, b, comparison)
    return list(c.ws.memo((rule, note, kind, *c.key(a, b)),
                          lambda: _straddle_flags(c, pairs, a, rule, label, note, kind)))


def _straddle_flags(c: FlagContext, pairs: PairTable, a: Geography, rule: str, label: str,
                    note: str, kind: str) -> list[Flag]:
    a_pos = pairs["a_pos"]  # most areas have a single partner
    split = pairs.take(np.bincount(a_pos, minlength=len(a.codes))[a_pos] > 1)
    flags = []
    for code, rows in groups(split, ("a_name", "b_code", "b_name", "population",
                                      "population_share_of_a")).items():
        name, count = rows["a_name"][0], len(rows["b_code"])
        flags.append(c.flag(
            rule, a.id, code, name,
            {"area_count": count,
             "population_share_by_area": {b: round(float(share), 4) for b, share in zip(
                 rows["b_code"], rows["population_share_of_a"], strict=True)},
             "population_by_area": {b: int(people) for b, people in zip(
                 rows["b_code"], rows["population"], strict=True)}},
            f"{name}{kind} is split across {count} {label}: "
            f"{split_sentence(rows)}{note}."))
    return flags


def ward_split(c: FlagContext) -> list[Flag]:
    return _straddles(c, c.ws.geography("ward"), c.places, "ward_split_across_places", "places",
                      "ward vs place", " (ward population by best fit)")


def pcn_straddles(c: FlagContext, layer_id: str, label: str) -> list[Flag]:
    pcn = c.pcn
    if pcn is None:
        return []
    own = {"place": c.places, "icb": c.icb}
    target = own[layer_id] if layer_id in own else c.ws.geography(layer_id)
    return _straddles(c, pcn, target, f"pcn_straddles_{layer_id}", label, f"PCN vs {label}")


def vintage_mismatch(c: FlagContext) -> list[Flag]:
    compared = [c.ws.geography("ward"), c.places, c.icb]
    if c.pcn is not None:
        compared.append(c.pcn)
    flags = []
    ward = compared[0]
    for other in compared[1:]:
        if other.vintage == ward.vintage:
            continue
        flags.append(c.flag(
            "vintage_mismatch", "info", f"{ward.id}~{other.id}", f"{ward.title} vs {other.title}",
            {"vintages": [ward.vintage, other.vintage]},
            f"{ward.title} ({ward.vintage}) are compared with {other.title} ({other.vintage}) "
            "through the LSOA 2021 spine by best fit, not by joining their codes."))
    return flags


def in_pieces(c: FlagContext, tier: str) -> list[Flag]:
    """Areas of the tier in scope that fall into separate pieces (islands, enclaves)."""
    geography = {"place": c.places, "icb": c.icb, "neighbourhood": c.neighbourhoods}[tier]
    if geography is None:
        return []
    names = geography.names()
    label = {"place": "Place '{}'", "icb": "{}", "neighbourhood": "Neighbourhood '{}'"}[tier]
    return [c.flag(f"{tier}_in_pieces", tier, code, str(names[code]),
                  {"pieces": [asdict(piece) for piece in pieces]},
                  pieces_sentence(label.format(names[code]), pieces))
            for code, pieces in c.ws.pieces(geography, c.scope(geography)).items()]


def neighbourhood_crosses(c: FlagContext, parent_tier: str, label: str) -> list[Flag]:
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
    return [c.flag(
        f"neighbourhood_crosses_{parent_tier}", "neighbourhood", p.code, p.name,
        {f"{parent_tier}_code": p.home_code, "population_outside": p.population_outside,
         "population_share_outside": round(p.population_outside / p.population, 4),
         "outside": p.outside},
        f"Neighbourhood '{p.name}' has {people_text(p.population_outside)} people "
        f"({pct_text(p.population_outside / p.population)}) outside its {label} {p.home_name}: "
        + "; ".join(f"{people_text(people)} in {names.get(code, code) if code else 'no ' + label}"
                    for code, people in p.outside.items()) + ".")
        for p in problems]


def neighbourhood_cover(c: FlagContext, rule: str, measure: str, what: str) -> list[Flag]:
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
        flags.append(c.flag(rule, "place", place, place,
                           {"population": people, "population_share": round(share, 4)},
                           f"{people_text(people)} people ({pct_text(share)}) of place "
                           f"'{place}' are {what}."))
    return flags


def neighbourhood_outside_band(c: FlagContext) -> list[Flag]:
    hoods = c.neighbourhoods
    if hoods is None:
        return []
    band = c.band
    return [c.flag("neighbourhood_outside_band", "neighbourhood", code, code,
                  {"population": int(people), "band": [band.low, band.high]},
                  f"Neighbourhood '{code}' has {people_text(people)} people, "
                  f"{'below' if people < band.low else 'above'} the guidance band of "
                  f"{band.low:,}–{band.high:,}.")
            for code, people in outside_band(hoods, band, c.scope(hoods)).items()]
