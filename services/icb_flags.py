"""The ICB tier's flags over any view, and the ICB draft's report section.

The England flags (:mod:`services.flags`) already re-evaluate over a drafted view: HWB areas split
across ICBs or across places of different ICBs, places crossing (split by) an ICB. Two more
questions belong to an ICB draft, declared with the others in :data:`services.flags.RULES`
(asked of a drafted view with the rest; here of any view):

- ``lad_split_across_icbs``: a lower-tier council with more than a sliver of its people in two
  or more ICBs;
- ``sub_icb_split_across_icbs``: a sub-ICB location split across ICBs (official ones nest in
  their ICB, so only a draft does this; it keeps the published sub-ICB locations).
"""

from __future__ import annotations

import pandas as pd

from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.flags import ICB_TIER_RULES, misalignment_flags
from services.icb_drafts import ICB_BLOCK_SPECIFICITY, DraftedIcbs
from services.places import DEFAULT_SCHEME
from services.records import records
from services.workspace import Workspace

MOST_SPECIFIC = ("The most specific block wins: an LSOA's ICB is that of the most specific "
                 "block naming it (" + " > ".join(ICB_BLOCK_SPECIFICITY) + "); LSOAs no block "
                 "names keep their ICB.")


def icb_tier_flags(ws: Workspace, icb_code: str | None = None, *,
                   sliver: float = DEFAULT_SLIVER) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flags, slivers) of :data:`services.flags.ICB_TIER_RULES` for England or what touches
    ``icb_code``, over any view (official or drafted)."""
    return misalignment_flags(ws, ws.places(DEFAULT_SCHEME), icb_code, sliver=sliver,
                              rules=ICB_TIER_RULES)


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
