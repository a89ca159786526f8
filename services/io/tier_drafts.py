"""A draft of one tier for a command: a saved draft (``draft:<id>``) or a draft CSV file whose
first column names the tier, as a :class:`services.drafts.DraftConfig` with its content id.

A file is the same draft as its saved copy (same id: :func:`services.drafts.draft_id` of tier,
vintage and sorted blocks), so a drafted view is keyed alike whichever way it arrived.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from layers import GENERATIONS
from services.drafts import (
    DraftConfig,
    DraftError,
    check_tier,
    draft_id,
    is_draft_ref,
    make_draft,
)
from services.io.draft_files import read_draft_csv
from services.io.drafts_db import DraftsDB, load_draft_config


def load_tier_draft(ref: str, tier: str, vintage: str, db: DraftsDB | None = None) -> DraftConfig:
    """``draft:<id>`` or a CSV path, of ``tier`` and of the ``vintage`` in use (a file stating
    no ``# vintage:`` is taken as that one); anything else is refused saying what to give."""
    if is_draft_ref(ref):
        return load_draft_config(ref, db, vintage=vintage, tier=tier)
    path = Path(ref)
    if not path.is_file():
        raise FileNotFoundError(f"no {tier} draft file {ref}: give a CSV {tier},block_type,code "
                                "or draft:ID (a saved draft; `placemap drafts list`)")
    file = read_draft_csv(path)
    check_tier(file.tier, tier, ref)
    stated = file.facts.get("vintage")
    if stated and stated != vintage:
        label = GENERATIONS[stated].label if stated in GENERATIONS else stated
        raise DraftError(f"{ref} says '# vintage: {stated}' ({label}) but the boundaries in use "
                         f"are {GENERATIONS[vintage].label}: give --vintage {stated}, or write "
                         "the draft in this generation's codes")
    draft = make_draft(tier, vintage, file.rows, file.facts.get("name") or path.stem)
    rows = pd.DataFrame(file.rows, columns=[tier, "block_type", "code"])
    blocks = pd.DataFrame({"line": list(file.lines), tier: rows[tier].str.strip(),
                           "block_type": rows["block_type"].str.strip().str.lower(),
                           "code": rows["code"].str.strip().str.upper()})
    return DraftConfig(draft.name, str(path), blocks, vintage, tier,
                       draft_id(tier, vintage, draft.blocks))

