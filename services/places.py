"""Place configurations: named places built from building blocks, resolved to LSOAs.

Places have no official boundary file, so a configuration is data: rows ``place,block_type,code``
where a block is a lower-tier council (``lad``, LAD24CD), an upper-tier council / HWB area
(``hwb``, UTLA23CD), a sub-ICB location (``sub_icb``, SICBL24CD), an electoral ward (``ward``,
WD22CD, by ONS best fit) or an ``lsoa`` (LSOA21CD). Every block resolves to whole LSOAs through the
spine, so a place is built exactly like a store layer and its population figures are exact.

Each place belongs to one ICB: the ICB named by the caller, or else the ICB holding most of the
place's population. A block wholly outside that ICB is an error; a block partly outside is not (the
place then crosses its ICB boundary, which the flags report).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from layers import BLOCK_SPECIFICITY, get_generation
from services.block_index import BlockIndex
from services.drafts import is_draft_ref
from services.geography import Geography, lsoa_geometry_union
from services.io.place_files import (
    HEADER,
    PlaceFileError,
    problems_frame,
    published_configurations,
    read_place_csv,
    tier_block_types,
    too_many_rows,
)
from services.io.store import Store
from services.limits import CONFIG_ROWS_MAX, SESSION_CONFIGS_MAX
from services.vintages import unknown_code_hints

SCHEMES = {
    "hwb_within_icb": "Upper-tier council (HWB area) within ICB",
    "sub_icb": "Sub-ICB locations",
}
DEFAULT_SCHEME = "hwb_within_icb"
#: Configurations made in a session (uploads, edits) are kept under keys ``"<kind>: <name>"``,
#: a namespace no scheme or published configuration (identifiers, file stems) can be in, so a
#: file named ``hwb_within_icb`` or ``greater_manchester`` never replaces the real one. Values:
#: how the dashboard labels each kind.
SESSION_KINDS = {"upload": "Your upload", "edit": "Your edit", "draft": "Saved draft"}
#: The rule of overlapping blocks, said on the Places page (README and docs say the same).
MOST_SPECIFIC_RULE = (
    "The most specific block wins: a ward or LSOA listed for one place inside a council or "
    "HWB area listed for another belongs to the first only (a move, never a double count); "
    "only blocks of equal rank (LSOA > ward = PCN > council > sub-ICB location = HWB area) "
    "listed for two places overlap.")
#: How a resolved configuration of each tier is titled ("Places: Greater Manchester").
TIER_TITLES = {"icb": "ICBs", "place": "Places", "neighbourhood": "Neighbourhoods"}


@dataclass(frozen=True)
class PlaceConfig:
    """A named configuration; ``blocks`` has columns ``<tier>`` (place), block_type, code (and
    ``line`` when read from a file)."""

    name: str
    source: str
    blocks: pd.DataFrame
    #: The generation whose codes the file says it uses (``# vintage: 2024``), if it says.
    vintage: str | None = None
    #: What its areas are (the first CSV column, and the name of ``blocks``' first column):
    #: places, or neighbourhoods within places (:data:`services.drafts.TIER_BLOCK_TYPES`).
    tier: str = "place"

    @property
    def place_count(self) -> int:
        return self.blocks[self.tier].nunique()

    def facts(self) -> dict[str, str]:
        return {"name": self.name, "source": self.source,
                **({"vintage": self.vintage} if self.vintage else {})}


def session_key(kind: str, name: str) -> str:
    """The session key of an upload or edit named ``name`` (one line, spaces collapsed)."""
    if kind not in SESSION_KINDS:
        raise KeyError(f"Unknown session configuration kind {kind!r}")
    return f"{kind}: {' '.join(name.split())}"


def session_label(key: str, name: str) -> str:
    """How the dashboard names a session configuration: its kind, then its own name."""
    return f"{SESSION_KINDS[key.partition(':')[0]]}: {name}"


def keep_session_config(configs: dict[str, PlaceConfig], key: str,
                        config: PlaceConfig) -> list[str]:
    """Keep ``config`` under ``key`` as the newest of a session's configurations; the oldest
    beyond ``SESSION_CONFIGS_MAX`` are removed and their labels returned, to be said."""
    configs.pop(key, None)
    configs[key] = config
    dropped = list(configs)[:max(len(configs) - SESSION_CONFIGS_MAX, 0)]
    return [session_label(old, configs.pop(old).name) for old in dropped]


def scheme_config(store: Store, scheme: str = DEFAULT_SCHEME) -> PlaceConfig:
    """A built-in scheme over all of England.

    ``hwb_within_icb``: one place per HWB area ∩ ICB, as whole HWB areas where they lie in one
    ICB, else whole LADs, else LSOAs. ``sub_icb``: one place per sub-ICB location.
    """
    if scheme not in SCHEMES:
        raise KeyError(f"Unknown place scheme {scheme!r}: choose one of {', '.join(SCHEMES)}, "
                       "a published configuration or a CSV file.")
    spine = store.spine
    if scheme == "sub_icb":
        names = store.layer("sub_icb").set_index("code")["name"]
        codes = sorted(spine["sub_icb_code"].unique())
        blocks = pd.DataFrame({"place": [names[c] for c in codes], "block_type": "sub_icb",
                               "code": codes})
        return PlaceConfig(SCHEMES[scheme], "built-in scheme", blocks)
    hwb_names = store.layer("hwb").set_index("code")["name"]
    icb_ods = store.layer("icb").set_index("code")["ods_code"]
    hwb_icbs = spine.groupby("hwb_code")["icb_code"].nunique()
    lad_icbs = spine.groupby("lad_code")["icb_code"].nunique()
    rows = []
    for (hwb, icb), part in spine.groupby(["hwb_code", "icb_code"], sort=True):
        if hwb_icbs[hwb] == 1:
            rows.append((hwb_names[hwb], "hwb", hwb))
            continue
        place = f"{hwb_names[hwb]} ({icb_ods[icb]})"
        for lad, lad_part in part.groupby("lad_code", sort=True):
            if lad_icbs[lad] == 1:
                rows.append((place, "lad", lad))
            else:
                rows.extend((place, "lsoa", code) for code in lad_part["lsoa21_code"])
    blocks = pd.DataFrame(rows, columns=HEADER)
    return PlaceConfig(SCHEMES[scheme], "built-in scheme", blocks)


def load_config(store: Store, name: str, *, files: bool = False,
                tier: str = "place") -> PlaceConfig:
    """A saved draft (``draft:<id>``, of this ``tier`` and of the store's generation), a scheme
    id, a published configuration (file stem in geodata/places) or, only when ``files`` is true
    (the CLI), a CSV path: a name arriving in a shared link must never make the server read an
    arbitrary file."""
    if is_draft_ref(name):
        return _draft(store, name, tier)
    if tier == "place" and name in SCHEMES:
        return scheme_config(store, name)
    published = published_configurations() if tier == "place" else {}
    path = published.get(name)
    if path is None:
        known = ", ".join([*SCHEMES, *published]) if tier == "place" else "draft:<id>"
        if not files:
            raise KeyError(f"No {tier} configuration {name!r}: choose one of {known}, or upload "
                           "a CSV on the Places page.")
        path = Path(name)
        if not path.is_file():
            raise KeyError(f"No {tier} configuration {name!r}: give a CSV file or one of "
                           f"{known}.")
    facts, blocks = read_place_csv(path, tier=tier)
    return PlaceConfig(facts.get("name", path.stem), facts.get("source", str(path)), blocks,
                       facts.get("vintage"), tier)


def _draft(store: Store, ref: str, tier: str) -> PlaceConfig:
    """A saved draft as a configuration; a draft of another tier or generation is refused."""
    from services.io.drafts_db import load_draft_config  # SQLAlchemy: only for a draft

    draft = load_draft_config(ref, vintage=store.generation_id, tier=tier)
    return PlaceConfig(draft.name, draft.source, draft.blocks, draft.vintage, tier)


def resolve(config: PlaceConfig, store: Store, icb_code: str | None = None,
            index: BlockIndex | None = None) -> Geography:
    """The configuration's areas (places, neighbourhoods: its ``tier``) as a geography over the
    spine, or :class:`PlaceFileError` listing every unknown code, block wholly outside its area's
    ICB and block named twice. **The most specific block wins** (:data:`BLOCK_SPECIFICITY`): an
    LSOA that blocks of two areas hold belongs only to the area of the more specific block (a
    ward of B inside a council of A is B's: a move, never a double count); only blocks of equal
    specificity make an overlap. Linear in the rows (repeated blocks are grouped, never
    rescanned, the winner per LSOA is one array pass): 100,000 rows take well under 2 s.
    ``index``: the store's block lookups, kept by the caller across calls (made here if not)."""
    index = index or BlockIndex(store)
    blocks = _numbered(config)
    repeated, problems = _repeats(blocks, config.tier)
    row, lsoa = _members(blocks, ~repeated, store, config.tier, index, problems)
    area_of_block, names = pd.factorize(blocks["area"], sort=True)
    area = area_of_block[row]
    keep = _most_specific(blocks["block_type"], row, lsoa, len(store.spine))
    icbs, icb_at = index.icbs()
    wanted = None if icb_code is None else int(icbs.get_indexer([icb_code])[0]) % (len(icbs) + 1)
    icb_names = np.append(icbs.to_numpy(dtype=object), icb_code)  # position -1: none / unknown
    area_icb = _area_icbs(area[keep], lsoa[keep], icb_at, index.population, len(names), wanted)
    fallback = _area_icbs(area, lsoa, icb_at, index.population, len(names), wanted)
    area_icb = np.where(area_icb >= 0, area_icb, fallback)  # areas all taken by others
    inside = np.bincount(row, weights=icb_at[lsoa] == area_icb[area], minlength=len(blocks))
    held = np.bincount(row, minlength=len(blocks)) > 0
    wholly_outside = held & (inside == 0)
    if wholly_outside.any():
        outside = blocks[wholly_outside]
        icb_text = icb_names[area_icb[area_of_block[wholly_outside]]].astype(str)
        problems.append(_problems(outside, outside["block_type"] + " " + outside["code"]
                                  + " lies wholly outside " + outside["area"] + "'s ICB "
                                  + icb_text))
    if problems := [frame for frame in problems if len(frame)]:
        raise PlaceFileError(config.name, pd.concat(problems, ignore_index=True).sort_values(
            "line", kind="stable"))
    pairs = np.unique(area[keep].astype(np.int64) * len(store.spine) + lsoa[keep])
    member_area, member_lsoa = pairs // len(store.spine), pairs % len(store.spine)
    membership = pd.DataFrame({"lsoa": member_lsoa,
                               "code": names.to_numpy(dtype=object)[member_area]})
    areas = _place_areas(names, member_area, index.population[member_lsoa],
                         icb_names[area_icb],
                         _block_labels(blocks if held.all() else blocks[held], config.tier))
    vintages = sorted({_block_vintage(store, t) for t in blocks["block_type"].unique()})
    return Geography(
        id=config.tier, title=f"{TIER_TITLES[config.tier]}: {config.name}",
        vintage=" + ".join(vintages), lsoa_built=True, membership=membership, areas=areas,
        geometry_factory=lambda: lsoa_geometry_union(store, membership),
        generation=store.view_id,
    )


def _most_specific(block_types: pd.Series, row: np.ndarray, lsoa: np.ndarray,
                   lsoas: int) -> np.ndarray:
    """Which (block, LSOA) pairs are of each LSOA's most specific blocks: one array pass."""
    kinds, names = pd.factorize(block_types)  # a few kinds: no per-row Python mapping
    rank = np.array([BLOCK_SPECIFICITY.get(name, 0) for name in names], dtype=np.int64)[
        kinds][row]
    best = np.zeros(lsoas, dtype=np.int64)
    np.maximum.at(best, lsoa, rank)
    return rank == best[lsoa]


def _area_icbs(area: np.ndarray, lsoa: np.ndarray, icb_at: np.ndarray, population: np.ndarray,
               areas: int, wanted: int | None) -> np.ndarray:
    """Each area's ICB position: ``wanted`` when the caller names one (one past the last when
    no LSOA has it), else the ICB holding most of its people (ties: the smaller code; -1:
    none)."""
    if wanted is not None or not len(area):
        return np.full(areas, -1 if wanted is None else wanted, dtype=np.int64)
    pairs = np.unique(area.astype(np.int64) * len(population) + lsoa)
    pair_area, pair_lsoa = pairs // len(population), pairs % len(population)
    icbs = icb_at.max() + 1
    keys, people = np.unique(pair_area * icbs + icb_at[pair_lsoa], return_inverse=True)
    sums = np.bincount(people, weights=population[pair_lsoa])
    order = np.lexsort((keys % icbs, -sums, keys // icbs))
    first = order[np.r_[True, np.diff((keys // icbs)[order]) != 0]]
    chosen = np.full(areas, -1, dtype=np.int64)
    chosen[keys[first] // icbs] = keys[first] % icbs
    return chosen


def _numbered(config: PlaceConfig) -> pd.DataFrame:
    """The blocks with their area under ``area``, their file ``line`` (as in a CSV when none is
    given) and ``row`` position; none, or more than the row limit, is an error."""
    if config.blocks.empty:
        raise PlaceFileError(config.name, problems_frame([{
            "line": None, "problem": f"the configuration has no building blocks: add at least "
            f"one row {config.tier},block_type,code (e.g. Bolton,lad,E08000001)"}]))
    if len(config.blocks) > CONFIG_ROWS_MAX:
        raise too_many_rows(config.name)
    index = pd.RangeIndex(len(config.blocks))  # one frame made, not a copy per step
    columns = {"area" if name == config.tier else name: column.set_axis(index)
               for name, column in config.blocks.items()}
    if "line" not in columns:
        columns["line"] = np.arange(2, len(index) + 2)
    return pd.DataFrame({**columns, "row": np.arange(len(index))}, index=index)


def _repeats(blocks: pd.DataFrame, tier: str) -> tuple[np.ndarray, list[pd.DataFrame]]:
    """(rows naming a block an earlier row named, problems: those rows and block types the
    tier is not built from), found by one pass over the rows."""
    repeated = _repeated(zip(blocks["block_type"].tolist(), blocks["code"].tolist(),
                             strict=True))
    problems = []
    if repeated.any():
        first = blocks.groupby(["block_type", "code"], sort=False)["row"].transform("first")
        again, earlier = blocks[repeated], blocks.iloc[first[repeated].to_numpy()]
        problems.append(_problems(again, again["block_type"] + " " + again["code"]
                                  + " is already used on line "
                                  + earlier["line"].astype(str).to_numpy()
                                  + " (" + earlier["area"].astype(str).to_numpy() + ")"))
    allowed = tier_block_types(tier)
    unknown = np.array([block_type not in allowed for block_type in
                        blocks["block_type"].tolist()], dtype=bool)
    if unknown.any():
        unknown_type = blocks[unknown]
        problems.append(_problems(unknown_type, "block_type '" + unknown_type["block_type"]
                                  + f"' is not one of {', '.join(allowed)}"))
    return repeated, problems


def _repeated(keys: Iterable[tuple]) -> np.ndarray:
    """Whether each key is one an earlier key was (``DataFrame.duplicated``): one pass of a
    set, cheaper than the frame's on the few rows of an edited configuration."""
    seen: set[tuple] = set()
    repeated = []
    for key in keys:
        repeated.append(key in seen)
        seen.add(key)
    return np.array(repeated, dtype=bool)


def _members(blocks: pd.DataFrame, usable: np.ndarray, store: Store, tier: str,
             index: BlockIndex, problems: list[pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """(block row, LSOA) arrays, one pair per LSOA a ``usable`` block holds; unknown codes and
    blocks holding no LSOA are added to ``problems``."""
    rows, lsoas = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    block_types = blocks["block_type"].to_numpy(dtype=object)
    codes = blocks["code"].to_numpy(dtype=object)
    for block_type in tier_block_types(tier):
        positions = np.flatnonzero(usable & (block_types == block_type))
        if not len(positions):
            continue
        known, holding, (which, lsoa) = index.lookup(block_type).members(codes[positions])
        if not holding.all():  # an unknown code holds nothing either
            problems.extend(_member_problems(blocks.iloc[positions], block_type, known,
                                             holding, store))
        rows.append(positions[which])
        lsoas.append(lsoa)
    return np.concatenate(rows), np.concatenate(lsoas)


def _member_problems(chosen: pd.DataFrame, block_type: str, known: np.ndarray,
                     holding: np.ndarray, store: Store) -> list[pd.DataFrame]:
    """The blocks of one type with an unknown code, and those holding no LSOA."""
    problems = []
    if not known.all():
        problems.append(_problems(chosen[~known], f"unknown {block_type} code "
                                  + chosen["code"] + unknown_code_hints(
                                      store, block_type, chosen["code"][~known])))
    if not (holding | ~known).all():
        empty = chosen[known & ~holding]
        problems.append(_problems(empty, f"{block_type} " + empty["code"] + " holds no "
                                  "LSOA by best fit (population 0), so it adds nobody: "
                                  "remove it or name the LSOAs you mean"))
    return problems


def _problems(rows: pd.DataFrame, problem: pd.Series | str) -> pd.DataFrame:
    """One problem row per row of ``rows`` (``problem`` indexed like them, or one text); the
    area's name goes in the problem table's ``place`` column, whatever the tier."""
    frame = rows.rename(columns={"area": "place"}).reindex(
        columns=["line", "place", "block_type", "code"])
    if isinstance(problem, pd.Series):  # only the rows' own texts (an empty frame would
        problem = problem.reindex(rows.index).to_numpy()  # adopt the whole series' index)
    return frame.assign(problem=problem).reset_index(drop=True)


def _block_vintage(store: Store, block_type: str) -> str:
    """How a block's codes are dated in the place's vintage label ("2021 LSOAs + 2024")."""
    vintage = get_generation(store.generation_id).layer(block_type).vintage
    plural = {"ward": "wards", "lsoa": "LSOAs", "pcn": "PCNs"}.get(block_type)
    return f"{vintage.id} {plural}" if plural else vintage.id


def _block_labels(blocks: pd.DataFrame, tier: str) -> dict[str, str]:
    """Each area's blocks as listed ("lad:E08000001, ward:E05000650"), by block type in layer
    order, then as listed."""
    order = {block_type: i for i, block_type in enumerate(tier_block_types(tier))}
    block_types, codes = blocks["block_type"].tolist(), blocks["code"].tolist()
    areas = blocks["area"].tolist()
    ranks = np.array([order.get(block_type, len(order)) for block_type in block_types])
    labels: dict[str, list[str]] = {}
    for i in np.lexsort((blocks["row"].to_numpy(), ranks)).tolist():
        labels.setdefault(areas[i], []).append(f"{block_types[i]}:{codes[i]}")
    return {area: ", ".join(parts) for area, parts in labels.items()}


def _place_areas(names: pd.Index, member_area: np.ndarray, people: np.ndarray,
                 icb_codes: np.ndarray, labels: dict[str, str]) -> pd.DataFrame:
    """One row per area listed (an area whose every LSOA a more specific block of another area
    took is kept, with nobody: never silently dropped), with the blocks listed for it."""
    codes = names.to_numpy(dtype=object)
    return pd.DataFrame({
        "code": codes, "name": codes, "icb_code": icb_codes,
        "population": np.round(np.bincount(member_area, weights=people,
                                           minlength=len(names))).astype(np.int64),
        "lsoa_count": np.bincount(member_area, minlength=len(names)).astype(np.int64),
        "blocks": np.array([labels.get(code, np.nan) for code in codes], dtype=object),
    }, index=codes)
