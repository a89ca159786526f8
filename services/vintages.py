"""Codes across generations, through the LSOA spine only: what an old code's area is called in
another generation, and which generations a set of codes belongs to.

Codes are never joined across vintages: E08000016 (Barnsley, LAD 2024) is not a 2025 code. Its
*successor* in another generation is the code holding most of its people there, found by
following its LSOAs, so a recode (E08000016 → E08000038) and a merger alike are named, never
guessed from the code itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers import GENERATIONS, get_generation, store_spine_column
from services.io.place_files import PlaceFileError, problems_frame
from services.io.store import Store


def successors(store: Store, layer_id: str, from_generation: str,
               to_generation: str) -> pd.Series:
    """Each code of the layer in ``from_generation`` → the code holding most of its people in
    ``to_generation`` (indexed by old code; names in :func:`describe`). ``store`` is the loaded
    store or any generation's view of it."""
    base = store.base or store
    old = store_spine_column(get_generation(from_generation).layer(layer_id).key)
    new = store_spine_column(get_generation(to_generation).layer(layer_id).key)
    people = base.spine.groupby([old, new])["population"].sum().rename("people").reset_index()
    people = people.sort_values([old, "people", new], ascending=[True, False, True])
    return people.drop_duplicates(old).set_index(old)[new].rename_axis(None)


def generations_with(store: Store, layer_id: str, codes: pd.Series) -> list[str]:
    """The generations in which every one of ``codes`` is a code of the layer."""
    base = store.base or store
    found = []
    for generation in GENERATIONS.values():
        if not generation.has(layer_id):
            continue
        key = generation.layer(layer_id).key
        known = base.layers[key]["code"] if key in base.layers else base.spine["lsoa21_code"]
        if (pd.Index(pd.unique(np.asarray(known, dtype=object))).get_indexer(
                np.asarray(codes, dtype=object)) >= 0).all():  # Series.isin loops on Arrow
            found.append(generation.id)
    return found


def unknown_code_hints(store: Store, layer_id: str, codes: pd.Series) -> pd.Series:
    """Why each of ``codes`` (unknown in ``store``'s generation) is unknown, as a clause for its
    problem row: another generation's code and its successor here ("E08000016 (Barnsley) is a
    2024 code of the April 2024 boundaries; as at April 2026 its area is E08000038
    (Barnsley)"), or else the codes this generation expects, with an example. Vectorised: an
    upload of 100,000 unknown codes costs one lookup per generation, not one per row."""
    if codes.empty:  # the usual case: every code known, nothing to explain
        return pd.Series(index=codes.index, dtype="str")
    here = get_generation(store.generation_id)
    layer = here.layer(layer_id)
    example = store.layer(layer_id)["code"].iloc[0]
    hints = pd.Series(f" ({layer.title} codes of {layer.vintage.label}, e.g. {example})",
                      index=codes.index, dtype="str")
    base, names_here = store.base or store, store.layer(layer_id).set_index("code")["name"]
    for generation in GENERATIONS.values():
        other = generation.layer(layer_id) if generation.has(layer_id) else None
        if generation.id == here.id or other is None or other.key not in base.layers:
            continue
        names = base.layers[other.key].set_index("code")["name"]
        found = codes[pd.Index(names.index).get_indexer(codes) >= 0]
        if found.empty:
            continue
        successor = found.map(successors(store, layer_id, generation.id, here.id))
        then = ("; as at " + here.label + " its area is " + successor + " ("
                + successor.map(names_here) + ")").fillna("")
        hints[found.index] = (": " + found + " (" + found.map(names) + ") is a "
                              + other.vintage.label + " code of the " + generation.label
                              + " boundaries" + then).astype("str")
    return hints


def check_stated_vintage(name: str, stated: str | None) -> None:
    """A stated vintage (``# vintage:``) that is no generation is refused, like any bad row."""
    if stated is not None and stated not in GENERATIONS:
        raise PlaceFileError(name, problems_frame([{
            "line": 1, "problem": f"'# vintage: {stated}' is not a generation: write one of "
            f"{', '.join(GENERATIONS)} (the boundaries its codes are of), or leave the line out"}]))


def configuration_vintage(store: Store, name: str, blocks: pd.DataFrame,
                          stated: str | None) -> dict:
    """Which generation a configuration's codes are of: as its file states (``# vintage:``),
    checked, and as its codes show (the generations in which every code is known), said beside
    it. A stated vintage that is no generation is refused, like any bad row."""
    check_stated_vintage(name, stated)
    valid = set(GENERATIONS)
    for block_type, codes in blocks.groupby("block_type")["code"]:
        if block_type in get_generation(None).vintages:
            valid &= set(generations_with(store, str(block_type), codes))
    labels = [GENERATIONS[g].label for g in GENERATIONS if g in valid]
    here = get_generation(store.generation_id)
    if stated:
        said = f"codes of the {GENERATIONS[stated].label} boundaries (stated in the file)"
    else:
        said = ("codes valid as at " + " and ".join(labels) + " (inferred from its codes)"
                if labels else "codes of no single generation (inferred from its codes)")
    return {"stated": stated, "codes_valid_in": [g for g in GENERATIONS if g in valid],
            "used_with": here.id, "note": f"{said}; used with the {here.label} boundaries"}
