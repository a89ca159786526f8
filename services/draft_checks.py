"""A draft's blocks checked against one generation of the store before it is saved: every code
must be a code of its block's layer there (a code of the other generation is named with its
successor, :func:`services.vintages.unknown_code_hints`). Every bad row is reported; nothing is
dropped. Any tier: the blocks' layers are store layers in every tier."""

from __future__ import annotations

import pandas as pd

from services.drafts import Draft
from services.io.place_files import PlaceFileError, problems_frame
from services.io.store import Store
from services.vintages import unknown_code_hints


def check_codes(draft: Draft, store: Store, source: str) -> None:
    """Raise :class:`PlaceFileError` listing each block whose code ``store``'s generation lacks
    (named by its area, block type and code: a draft's rows are sorted, not in file order)."""
    blocks = pd.DataFrame(draft.blocks, columns=["place", "block_type", "code"]).assign(line=None)
    problems = []
    for block_type, rows in blocks.groupby("block_type", sort=True):
        if block_type not in store.layers:
            problems.append(rows.assign(problem=f"no {block_type} layer in this store"))
            continue
        unknown = rows[~rows["code"].isin(store.layer(str(block_type))["code"])]
        if len(unknown):
            hints = unknown_code_hints(store, str(block_type), unknown["code"])
            problems.append(unknown.assign(problem="unknown " + unknown["block_type"] + " code "
                                           + unknown["code"] + hints))
    if problems:
        frame = pd.concat(problems, ignore_index=True)
        raise PlaceFileError(source, problems_frame(frame.to_dict("records")))

