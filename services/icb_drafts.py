"""ICB drafts: one generation's view of the store with some ICBs redrawn from building blocks.

A draft is rows ``icb,block_type,code`` (blocks: :data:`services.drafts.TIER_BLOCK_TYPES`
``["icb"]``). Each block *moves* its LSOAs to the named ICB; every LSOA no block names keeps its
ICB, so an ICB whose LSOAs are all unchanged stays exactly as published (row and polygon).

- **Naming.** An ICB name that is the code, ODS code or name of one of the generation's ICBs
  (any case) is that ICB: it keeps its code, name and ODS code and gains the blocks' LSOAs.
  Any other name is a new ICB whose code, name and ODS code are the name as written (so the
  April 2026 ICBs written by their 2026 codes over April 2024 carry their 2026 codes). An ICB
  left with no LSOA is abolished (it leaves the layer; the summary lists it).
- **The most specific block wins** (:data:`ICB_BLOCK_SPECIFICITY`): an LSOA listed for ICB B
  inside a council listed for ICB A belongs to B, a move, never a conflict. Blocks of one type
  partition England, so the only overlap of equal specificity is a block named twice, which is
  an error (an LSOA is in one ICB).
- **Sub-ICB locations are kept as published**; each belongs to the drafted ICB holding most of
  its people, and one split by the draft is flagged (``sub_icb_split_across_icbs``, see
  :mod:`services.icb_flags`), never refused: the April 2026 change itself divides Frimley's one
  sub-ICB location between three ICBs.

The view has the same plain layer ids as its generation and a ``draft_id``, so a
:class:`services.workspace.Workspace` over it runs coterminosity, flags and reports unchanged,
and every geography built from it is keyed apart from the official ones (``Store.view_id``).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers import BLOCK_SPECIFICITY, get_generation
from services.build.layers import MAP_TOLERANCE_M, map_copy
from services.changes_areas import majority, transitions
from services.drafts import TIER_BLOCK_TYPES, DraftConfig, DraftError
from services.io.place_files import PlaceFileError, problems_frame, too_many_rows
from services.io.store import Store
from services.limits import CONFIG_ROWS_MAX
from services.vintages import unknown_code_hints

#: ICB draft block types, most specific first, by the layers' ranks
#: (:data:`layers.BLOCK_SPECIFICITY`): the most specific block naming an LSOA decides its ICB.
#: Sub-ICB location and HWB area share rank 1; an LSOA is in one ICB, so the tie is broken:
#: the sub-ICB location wins, being the NHS's own building block of an ICB.
ICB_BLOCK_SPECIFICITY: tuple[str, ...] = tuple(sorted(
    TIER_BLOCK_TYPES["icb"], key=lambda t: (-BLOCK_SPECIFICITY[t], t != "sub_icb")))
#: ONS code prefixes of the other UK countries and the Crown dependencies: never England's.
OTHER_COUNTRIES = {"W": "Wales", "S": "Scotland", "N": "Northern Ireland",
                   "L": "the Channel Islands", "M": "the Isle of Man"}
AREA = "icb"  # the draft's first column


@dataclass(frozen=True)
class DraftedIcbs:
    """A draft applied: ``store`` is the drafted view; ``icbs`` lists every ICB whose LSOAs
    changed (status ``new``, ``redrawn`` or ``abolished``, people before and after, in and out,
    where from and to)."""

    store: Store
    draft_id: str
    name: str
    source: str
    icbs: pd.DataFrame


def apply_icb_draft(store: Store, config: DraftConfig) -> DraftedIcbs:
    """The generation's view ``store`` with the draft's ICBs, or :class:`PlaceFileError` listing
    every unknown code, code of another generation or country, block named twice and ICB named
    two ways."""
    if store.generation_id is None or store.draft_id is not None:
        raise ValueError("Apply an ICB draft to one generation's official view "
                         "(Store.generation(...)), not to the loaded store or another draft.")
    if config.vintage and config.vintage != store.generation_id:
        raise DraftError(f"the ICB draft {config.name!r} uses the codes of the "
                         f"{get_generation(config.vintage).label} boundaries, not "
                         f"{get_generation(store.generation_id).label}: apply it with vintage "
                         f"{config.vintage}")
    blocks = _numbered(config)
    repeated, problems = _repeats(blocks)
    members = _members(blocks[~repeated], store, problems)
    targets = _target_codes(blocks, store.layer("icb"), problems)
    problems = [frame for frame in problems if len(frame)]
    if problems:
        raise PlaceFileError(config.name, pd.concat(problems, ignore_index=True)
                             .sort_values("line", kind="stable"))
    old = store.spine["icb_code"].to_numpy(dtype=object)
    new = old.copy()
    chosen = _most_specific(members, blocks)
    new[chosen["lsoa"].to_numpy()] = targets.to_numpy()[chosen["row"].to_numpy()]
    people = store.spine["population"].to_numpy(dtype=np.int64)
    changed = old != new
    touched = sorted(set(old[changed]) | set(new[changed]))
    spine = store.spine.assign(icb_code=new)
    icb, icb_map = _icb_layer(store, spine, touched, config.draft_id)
    view = Store(path=store.path, meta=store.meta, spine=spine,
                 layers={**store.layers, "icb": icb, "sub_icb": _sub_icbs(store, spine)},
                 map_layers={**store.map_layers, "icb": icb_map}, generation_id=store.generation_id,
                 adjacency=store.adjacency, base=store.base, draft_id=config.draft_id,
                 place_shapes=store.place_shapes)  # keyed by LSOAs: the same shapes
    moves = transitions(old[changed], new[changed], people[changed])
    return DraftedIcbs(view, config.draft_id, config.name, config.source,
                       _summary(store.layer("icb"), icb, moves, touched))


def _numbered(config: DraftConfig) -> pd.DataFrame:
    """Blocks with their ``line`` (as in a CSV when none is given) and ``row`` position."""
    if config.blocks.empty:
        raise PlaceFileError(config.name, problems_frame([{
            "line": None, "problem": "the draft has no blocks: add rows icb,block_type,code "
            "(e.g. NHS Merged ICB,sub_icb,E38000016)"}]))
    if len(config.blocks) > CONFIG_ROWS_MAX:
        raise too_many_rows(config.name)
    blocks = config.blocks.rename(columns={AREA: "place"}).reset_index(drop=True)
    if "line" not in blocks:
        blocks["line"] = np.arange(2, len(blocks) + 2)
    return blocks.assign(row=np.arange(len(blocks)))


def _problems(rows: pd.DataFrame, problem: pd.Series | str) -> pd.DataFrame:
    frame = rows.reindex(columns=["line", "place", "block_type", "code"])
    if isinstance(problem, pd.Series):
        problem = problem.reindex(rows.index).to_numpy()
    return frame.assign(problem=problem).reset_index(drop=True)


def _repeats(blocks: pd.DataFrame) -> tuple[np.ndarray, list[pd.DataFrame]]:
    """(rows naming a block an earlier row named, problems: those rows and block types no ICB
    is built from)."""
    first = blocks.groupby(["block_type", "code"], sort=False)["row"].transform("first")
    repeated = (first != blocks["row"]).to_numpy()
    again, earlier = blocks[repeated], blocks.iloc[first[repeated].to_numpy()]
    problems = [_problems(again, again["block_type"] + " " + again["code"]
                          + " is already used on line " + earlier["line"].astype(str).to_numpy()
                          + " (" + earlier["place"].astype(str).to_numpy() + "): an LSOA is in "
                          "one ICB, so name each block once")]
    allowed = TIER_BLOCK_TYPES[AREA]
    wrong = blocks[~blocks["block_type"].isin(allowed)]
    problems.append(_problems(wrong, "block_type '" + wrong["block_type"] + "' is not one of "
                              + ", ".join(allowed) + " (what an ICB is built from)"))
    return repeated, problems


def _members(blocks: pd.DataFrame, store: Store, problems: list[pd.DataFrame]) -> pd.DataFrame:
    """One row (``row``, ``lsoa``) per block and LSOA it holds; unknown codes are problems,
    each saying why (another generation's code and its successor, another country's code)."""
    spine, generation, parts = store.spine, get_generation(store.generation_id), []
    for block_type in ICB_BLOCK_SPECIFICITY:
        chosen = blocks[blocks["block_type"] == block_type]
        if chosen.empty:
            continue
        column = spine[generation.layer(block_type).spine_column]
        ids, codes = pd.factorize(column.to_numpy())
        at = pd.Index(codes).get_indexer(chosen["code"])
        unknown = chosen[at < 0]
        problems.append(_problems(unknown, f"unknown {block_type} code " + unknown["code"]
                                  + _why_unknown(store, block_type, unknown["code"])))
        order = np.argsort(ids, kind="stable")
        starts = np.searchsorted(ids[order], np.arange(len(codes) + 1))
        found = chosen[at >= 0]
        wanted = at[at >= 0]
        counts = starts[wanted + 1] - starts[wanted]
        lsoas = np.concatenate([order[starts[i]:starts[i + 1]] for i in wanted]) if len(
            wanted) else np.array([], dtype=np.int64)
        parts.append(pd.DataFrame({"row": np.repeat(found["row"].to_numpy(), counts),
                                   "lsoa": lsoas.astype(np.int64)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"row": np.array([], np.int64), "lsoa": np.array([], np.int64)})


def _why_unknown(store: Store, block_type: str, codes: pd.Series) -> pd.Series:
    """The place files' hints (:func:`unknown_code_hints`), or that the code is of another
    country: ICBs cover England only."""
    hints = unknown_code_hints(store, block_type, codes)
    country = codes.str[0].map(OTHER_COUNTRIES)
    abroad = country.notna() & (codes.str.len() == 9)
    return hints.where(~abroad, " (a code of " + country + ": ICBs cover England only, so "
                       "remove the row)")


def _target_codes(blocks: pd.DataFrame, icbs: pd.DataFrame,
                  problems: list[pd.DataFrame]) -> pd.Series:
    """Per block, its ICB's code: the generation's ICB the name names (code, ODS code or name,
    any case), else the name itself (a new ICB). Two names for one ICB are a problem."""
    names = blocks["place"].astype(str).str.split().str.join(" ")
    lookup = {}
    for column in ("name", "ods_code", "code"):  # a code beats a name that spells a code
        if column in icbs:
            lookup.update(zip(icbs[column].astype(str).str.lower(), icbs["code"],
                              strict=True))
    codes = names.str.lower().map(lookup).fillna(names)
    spelled = pd.DataFrame({"name": names, "code": codes, "line": blocks["line"]})
    first = spelled.drop_duplicates("name").drop_duplicates("code")
    clash = spelled[~spelled["name"].isin(first["name"])]
    said = clash["code"].map(first.set_index("code")["name"])
    problems.append(_problems(blocks.loc[clash.index], "ICB '" + clash["name"] + "' is "
                              + clash["code"] + ", which other rows call '" + said
                              + "': use one name for one ICB"))
    return codes


def _most_specific(members: pd.DataFrame, blocks: pd.DataFrame) -> pd.DataFrame:
    """Per LSOA any block holds, the row of its most specific block."""
    rank = blocks["block_type"].map({t: i for i, t in enumerate(ICB_BLOCK_SPECIFICITY)})
    ranked = members.assign(rank=rank.to_numpy()[members["row"].to_numpy()])
    return ranked.sort_values(["lsoa", "rank"], kind="stable").drop_duplicates("lsoa")


def _icb_layer(store: Store, spine: pd.DataFrame, touched: list[str],
               draft_id: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(the ICB layer, its map copy): untouched ICBs' published rows; drafted ones made from
    their LSOAs (abolished ones left out)."""
    official = store.layer("icb")
    by_code = official.set_index("code", drop=False)
    held = spine[spine["icb_code"].isin(touched)]
    groups = held.groupby("icb_code", sort=True)
    geometry = _union_by_pieces(store, held)
    drafted = pd.DataFrame({"code": list(groups.groups)})
    drafted = by_code.reindex(drafted["code"]).reset_index(drop=True).assign(code=drafted["code"])
    new = ~drafted["code"].isin(official["code"])
    for column in ("name", "ods_code"):
        drafted.loc[new, column] = drafted.loc[new, "code"]
    drafted["vintage"] = f"draft {draft_id}"
    drafted["population"] = groups["population"].sum().to_numpy()
    if "lsoa_count" in official:
        drafted["lsoa_count"] = groups.size().to_numpy()
    drafted = gpd.GeoDataFrame(drafted, geometry=geometry.reindex(drafted["code"]).to_numpy(),
                               crs=official.crs)
    drafted["area_m2"] = drafted.area
    kept = official[~official["code"].isin(touched)]
    layer = pd.concat([kept, drafted[official.columns]]).sort_values("code", ignore_index=True)
    drawn = map_copy(drafted, MAP_TOLERANCE_M["icb"]) if len(drafted) else drafted[["code",
                                                                                      "geometry"]]
    maps = store.map_layers.get("icb")
    kept_map = maps[maps["code"].isin(kept["code"])] if maps is not None else drawn.iloc[:0]
    icb_map = pd.concat([kept_map, drawn]).sort_values("code", ignore_index=True)
    return gpd.GeoDataFrame(layer, crs=official.crs), gpd.GeoDataFrame(icb_map, crs=4326)


def _union_by_pieces(store: Store, held: pd.DataFrame) -> gpd.GeoSeries:
    """Each drafted ICB's polygon: the union of its largest whole pieces (a published ICB or
    sub-ICB location it takes whole, else single LSOAs), all dissolved from the same LSOA
    polygons, so borders stay the store's lines (and a merger is a union of two polygons)."""
    spine = store.spine
    lsoa = store.layer("lsoa").geometry.to_numpy()
    icbs = store.layer("icb").set_index("code").geometry
    subs = store.layer("sub_icb").set_index("code").geometry
    icb_sizes, sub_sizes = spine["icb_code"].value_counts(), spine["sub_icb_code"].value_counts()
    frame = pd.DataFrame({"new": held["icb_code"].to_numpy(), "lsoa": held.index.to_numpy(),
                          "old": spine["icb_code"].to_numpy()[held.index.to_numpy()],
                          "sub": spine["sub_icb_code"].to_numpy()[held.index.to_numpy()]})
    shapes = {}
    for code, part in frame.groupby("new", sort=True):
        pieces = []
        for old, chunk in part.groupby("old", sort=True):
            if len(chunk) == icb_sizes[old]:
                pieces.append(icbs[old])
                continue
            for sub, bit in chunk.groupby("sub", sort=True):
                whole = len(bit) == sub_sizes[sub]
                pieces.extend([subs[sub]] if whole else lsoa[bit["lsoa"].to_numpy()])
        shapes[code] = shapely.union_all(pieces)
    return gpd.GeoSeries(shapes, crs=27700)


def _sub_icbs(store: Store, spine: pd.DataFrame) -> gpd.GeoDataFrame:
    """Sub-ICB locations as published, each in the drafted ICB holding most of its people."""
    sub_icb = store.layer("sub_icb")
    if "icb_code" not in sub_icb:
        return sub_icb
    moves = transitions(spine["sub_icb_code"].to_numpy(), spine["icb_code"].to_numpy(),
                        spine["population"].to_numpy(dtype=np.int64))
    home = majority(moves, "old", "new")
    return sub_icb.assign(icb_code=sub_icb["code"].map(home).fillna(sub_icb["icb_code"]))


def _summary(official: pd.DataFrame, drafted: pd.DataFrame, moves: pd.DataFrame,
             touched: list[str]) -> pd.DataFrame:
    """Per touched ICB: status, people before and after, in and out, and where from and to."""
    before = official.set_index("code")["population"]
    after = drafted.set_index("code")["population"]
    names = pd.concat([official.set_index("code")["name"], drafted.set_index("code")["name"]])
    names = names[~names.index.duplicated()]
    rows = []
    for code in touched:
        into, out = moves[moves["new"] == code], moves[moves["old"] == code]
        status = ("new" if code not in before.index else
                  "abolished" if code not in after.index else "redrawn")
        rows.append({
            "icb_code": code, "icb_name": names.get(code, code), "status": status,
            "population_before": int(before.get(code, 0)),
            "population": int(after.get(code, 0)),
            "people_in": int(into["people"].sum()), "people_out": int(out["people"].sum()),
            "from": "; ".join(f"{names.get(r.old, r.old)} ({r.old}): {r.people:,}"
                              for r in into.sort_values("people", ascending=False).itertuples()),
            "to": "; ".join(f"{names.get(r.new, r.new)} ({r.new}): {r.people:,}"
                            for r in out.sort_values("people", ascending=False).itertuples())})
    return pd.DataFrame(rows, columns=["icb_code", "icb_name", "status", "population_before",
                                       "population", "people_in", "people_out", "from", "to"])


def generation_icb_rows(store: Store, target: str, over: str) -> list[tuple[str, str, str]]:
    """Rows ``(icb, block_type, code)`` of a draft over generation ``over`` that gives every LSOA
    its ICB of generation ``target`` (codes never joined across generations: through the spine).
    Each ICB is named by its ``target`` code; only LSOAs whose ICB code changes are named, as the
    ``over`` sub-ICB location when it moves whole to one ICB, else LSOA by LSOA."""
    base = store.base or store
    old, new = base.generation(over).spine, base.generation(target).spine
    moved = old["icb_code"].to_numpy() != new["icb_code"].to_numpy()
    frame = pd.DataFrame({"sub": old["sub_icb_code"].to_numpy(), "lsoa": old["lsoa21_code"],
                          "icb": new["icb_code"].to_numpy(), "moved": moved})
    whole = frame.groupby("sub")["icb"].nunique() == 1
    frame = frame[frame["moved"]]
    by_sub = frame[frame["sub"].map(whole)].drop_duplicates("sub")
    by_lsoa = frame[~frame["sub"].map(whole)]
    rows = ([(icb, "sub_icb", sub) for icb, sub in zip(by_sub["icb"], by_sub["sub"], strict=True)]
            + [(icb, "lsoa", code) for icb, code in zip(by_lsoa["icb"], by_lsoa["lsoa"],
                                                        strict=True)])
    return sorted(rows)
