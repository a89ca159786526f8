"""Flags of the ICB tier that the England flags do not carry, and the ICB draft's report section.

The England flags (:mod:`services.flags`) already re-evaluate over a drafted view: HWB areas split
across ICBs or across places of different ICBs, places crossing (split by) an ICB. Two more
questions belong to an ICB draft, asked of any workspace (official or drafted) with the same
sliver rule (:func:`services.coterminosity.is_sliver`, through the pair classes):

- ``lad_split_across_icbs``: a lower-tier council with more than a sliver of its people in two
  or more ICBs;
- ``sub_icb_split_across_icbs``: a sub-ICB location split across ICBs (official ones nest in
  their ICB, so only a draft does this; it keeps the published sub-ICB locations).
"""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.flags import SEVERITY_ORDER, Flag
from services.icb_drafts import ICB_BLOCK_SPECIFICITY, DraftedIcbs
from services.records import records
from services.workspace import Workspace

#: rule → (severity, what it means), as :data:`services.flags.RULES`.
ICB_RULES = {
    "lad_split_across_icbs": ("high", "A lower-tier council is split across ICBs."),
    "sub_icb_split_across_icbs": (
        "medium", "A sub-ICB location is split across ICBs (published ones nest in their ICB: "
                  "a draft that divides one needs that location redrawn)."),
}
LABELS = {"lad": "council", "sub_icb": "sub-ICB location"}
SLIVER_COLUMNS = ["comparison", "a_code", "a_name", "b_code", "b_name", "population",
                  "population_share_of_a", "population_share_of_b"]
MOST_SPECIFIC = ("The most specific block wins: an LSOA's ICB is that of the most specific "
                 "block naming it (" + " > ".join(ICB_BLOCK_SPECIFICITY) + "); LSOAs no block "
                 "names keep their ICB.")


def icb_tier_flags(ws: Workspace, icb_code: str | None = None, *,
                   sliver: float = DEFAULT_SLIVER) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flags, slivers) of :data:`ICB_RULES` for England or what touches ``icb_code``."""
    flags: list[Flag] = []
    slivers = []
    icb = ws.geography("icb")
    for layer_id, rule in (("lad", "lad_split_across_icbs"),
                           ("sub_icb", "sub_icb_split_across_icbs")):
        area = ws.geography(layer_id)
        pairs = ws.pairs(area, icb, sliver=sliver, area=False)
        scope = (area.areas.index if icb_code is None
                 else ws.codes_in_icb(area, icb_code, sliver))
        is_sliver = pairs["population_class"] == "sliver"
        touching = pairs["a_code"].isin(scope) | (pairs["b_code"] == icb_code)
        slivers.append(pairs[is_sliver & touching & (pairs["population"] > 0)].assign(
            comparison=f"{LABELS[layer_id]} vs ICB")[SLIVER_COLUMNS])
        kept = pairs[~is_sliver & pairs["a_code"].isin(scope)]
        split = kept[kept["a_code"].duplicated(keep=False)]
        for code, rows in split.groupby("a_code", sort=True):
            flags.append(_split_flag(rule, layer_id, code, rows))
    frame = pd.DataFrame([asdict(flag) for flag in flags], columns=list(Flag.__dataclass_fields__))
    frame = frame.sort_values(["severity", "rule", "code"], ignore_index=True,
                              key=lambda c: c.map(SEVERITY_ORDER) if c.name == "severity" else c)
    slivers = pd.concat(slivers, ignore_index=True)
    return frame, slivers.sort_values(["comparison", "a_code", "b_code"], ignore_index=True)


def _split_flag(rule: str, layer_id: str, code: str, rows: pd.DataFrame) -> Flag:
    name = rows["a_name"].iloc[0]
    rows = rows.sort_values(["population", "b_code"], ascending=[False, True])
    parts = ", ".join(f"{r.population_share_of_a:.1%} in {r.b_name}" for r in rows.itertuples())
    return Flag(rule, ICB_RULES[rule][0], layer_id, code, name, {
        "area_count": len(rows),
        "population_share_by_area": {r.b_code: round(float(r.population_share_of_a), 4)
                                     for r in rows.itertuples()},
        "population_by_area": {r.b_code: int(r.population) for r in rows.itertuples()}},
        f"{name} {LABELS[layer_id]} is split across {len(rows)} ICBs: {parts}.")


def icb_draft_section(ws: Workspace, drafted: DraftedIcbs, icb_code: str | None = None, *,
                      threshold: float = DEFAULT_THRESHOLD,
                      sliver: float = DEFAULT_SLIVER) -> dict:
    """What a report over a drafted view adds: the draft, the rule, every ICB it changed (for
    one ICB: that ICB, and those it takes people from or gives them to) and the ICB tier flags."""
    flags, slivers = icb_tier_flags(ws, icb_code, sliver=sliver)
    icbs = drafted.icbs
    if icb_code is not None:
        named = icbs["from"].str.contains(f"({icb_code})", regex=False) | icbs["to"].str.contains(
            f"({icb_code})", regex=False)
        icbs = icbs[(icbs["icb_code"] == icb_code) | named]
    return {"id": drafted.draft_id, "name": drafted.name, "source": drafted.source,
            "rule": MOST_SPECIFIC, "threshold": threshold, "icbs": records(icbs),
            "flags": records(flags), "slivers": records(slivers)}
