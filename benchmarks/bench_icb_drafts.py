"""ICB draft benchmark: the April 2026 ICBs applied as a draft over April 2024, then England flags.

Measured (store loaded once, in memory; the draft written from the store's 2026 spine column by
``generation_icb_rows``, as ``placemap drafts from-generation 2026 --vintage 2024`` does):

1. ``apply_icb_draft``: blocks to LSOAs (most specific wins), the drafted spine, the ICB layer
   (each drafted ICB the union of its largest whole pieces: published ICBs and sub-ICB
   locations it takes whole, else LSOAs) and its map copy. Best of 3. Target < 1 s.
   Naive baseline, same run: the same spine, then every ICB dissolved again from its LSOAs
   (``GeoDataFrame.dissolve``, the way the build makes the layer). Best of 2.
2. Apply + England flags from a cold workspace (every rule, default scheme, plus the ICB tier
   flags): what ``placemap flags --england --vintage 2024 --icbs FILE`` does after the store
   load. One run each; beside it the naive apply + the same flags, and the official April 2026
   generation's England flags from a cold workspace (the same work with no draft).

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_icb_drafts.py
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from common import print_table, store_or_build, timed

from services.drafts import Block, DraftConfig, draft_id
from services.flags import misalignment_flags
from services.icb_drafts import apply_icb_draft, generation_icb_rows
from services.icb_flags import icb_tier_flags
from services.io.store import Store
from services.workspace import Workspace

TARGET_S = 1.0


def april_2026_draft(store: Store) -> DraftConfig:
    rows = generation_icb_rows(store, "2026", "2024")
    blocks = pd.DataFrame(rows, columns=["icb", "block_type", "code"])
    return DraftConfig("April 2026", "store", blocks, "2024", "icb",
                       draft_id("icb", "2024", tuple(Block(*row) for row in rows)))


def naive_apply(view: Store, spine_icb: np.ndarray) -> gpd.GeoDataFrame:
    """Every ICB dissolved again from its LSOAs."""
    lsoa = view.layer("lsoa")
    frame = gpd.GeoDataFrame({"code": spine_icb, "population": view.spine["population"]},
                             geometry=lsoa.geometry.to_numpy(), crs=27700)
    return frame.dissolve("code", aggfunc="sum")


def england_flags(ws: Workspace) -> int:
    flags, _ = misalignment_flags(ws, ws.places("hwb_within_icb"))
    return len(flags) + len(icb_tier_flags(ws)[0])


def main() -> None:
    store = store_or_build()
    view, config = store.generation("2024"), april_2026_draft(store)
    drafted = apply_icb_draft(view, config)
    spine_icb = drafted.store.spine["icb_code"].to_numpy()
    apply_s = min(timed(lambda: apply_icb_draft(view, config)) for _ in range(3))
    naive_s = min(timed(lambda: naive_apply(view, spine_icb)) for _ in range(2))
    flags_s = timed(lambda: england_flags(Workspace(apply_icb_draft(view, config).store)))
    official_s = timed(lambda: england_flags(Workspace(store, "2026")))
    naive_flags_s = naive_s + timed(lambda: england_flags(Workspace(drafted.store)))
    print(f"Draft: {len(config.blocks)} blocks, {len(drafted.icbs)} ICBs changed, "
          f"{int((view.spine['icb_code'] != drafted.store.spine['icb_code']).sum()):,} LSOAs "
          "moved")
    print_table([
        ["apply the April 2026 ICB draft over 2024", f"{apply_s * 1000:.0f} ms",
         f"< {TARGET_S:.0f} s", f"{naive_s * 1000:.0f} ms (dissolve every ICB)",
         f"{naive_s / apply_s:.1f}x", "met" if apply_s < TARGET_S else "missed"],
        ["apply + England flags, cold workspace", f"{flags_s:.2f} s", "-",
         f"{naive_flags_s:.2f} s (naive apply + flags)", f"{naive_flags_s / flags_s:.1f}x", "-"],
        ["England flags, official April 2026, cold", f"{official_s:.2f} s", "-", "-", "-", "-"],
    ])


if __name__ == "__main__":
    main()
