"""The engine's working set: one loaded store, its geographies and their overlap tables.

The CLI holds one per run and the dashboard one per server process, so geographies and overlap
tables are built once and shared. Everything here is plain Python over DataFrames.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from layers import BEST_FIT, LAYERS, MODELLED, get_generation, layers_with
from services.block_index import BlockIndex
from services.bounded_cache import BoundedCache
from services.coterminosity import (
    BORDER_LAYERS,
    DEFAULT_SLIVER,
    DEFAULT_THRESHOLD,
    best_partners,
    measure_columns,
    pair_measures,
)
from services.coverage import Coverage, coverage
from services.geography import Geography, store_geography
from services.io.store import Store
from services.overlap import Overlaps
from services.pair_table import PairTable
from services.pieces import Adjacency, Piece, area_pieces
from services.places import PlaceConfig, load_config, resolve
from services.vintages import check_stated_vintage, configuration_vintage

T = TypeVar("T")


def pair_method(a: Geography, b: Geography) -> str:
    """How exact a pair's population figures are: the weaker of the two layers' methods (a
    modelled PCN footprint is approximate whatever it is compared with)."""
    methods = {a.population_method, b.population_method}
    for weaker in (MODELLED, BEST_FIT):
        if weaker in methods:
            return "best fit" if weaker == BEST_FIT else weaker
    return "exact"


def _by_position(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values`` at positions ``at`` (-1: not there, NaN)."""
    if (at >= 0).all():
        return values[at]
    return np.where(at >= 0, values[np.maximum(at, 0)], np.nan)


def _code_at(geography: Geography, lsoas: int) -> np.ndarray:
    """Per spine LSOA, the position of its code in a one-code-per-LSOA geography (−1: none)."""
    at = np.full(lsoas, -1, dtype=np.int64)
    at[geography.membership["lsoa"].to_numpy()] = geography.code_positions
    return at


class Workspace:
    """The engine over one generation of the store (default: the latest). ``store`` is that
    generation's view (plain layer ids); ``generation`` says which one it is."""

    def __init__(self, store: Store, generation: str | None = None) -> None:
        self.store = store.generation(generation)
        self.generation = get_generation(self.store.generation_id)
        self.overlaps = Overlaps.from_store(self.store)
        self.block_index = BlockIndex(self.store)
        self._geographies: dict[str, Geography] = {}
        self._configs: dict[str, PlaceConfig] = {}
        self._lock = threading.Lock()
        self._places: BoundedCache[tuple, Geography] = BoundedCache(32)
        self._block_hashes: BoundedCache[int, tuple[pd.DataFrame, int]] = BoundedCache(32)
        self._totals: BoundedCache[str, pd.DataFrame] = BoundedCache(64)
        self._pairs: BoundedCache[tuple, PairTable] = BoundedCache(128)
        self._in_icb: BoundedCache[tuple, pd.Index] = BoundedCache(256)
        self._derived: BoundedCache[tuple, object] = BoundedCache(512)

    def has(self, layer_id: str) -> bool:
        """Places are always there (built on demand from a configuration); store layers when
        the store holds them (the PCN layer is optional)."""
        return layer_id == "place" or layer_id in self.store.layers

    def geography(self, layer_id: str) -> Geography:
        if layer_id not in self._geographies:
            self._geographies[layer_id] = store_geography(self.store, layer_id)
        return self._geographies[layer_id]

    def config(self, name: str) -> PlaceConfig:
        """A scheme or published configuration by name, made once: building the default scheme
        from the spine takes ~40 ms, and the dashboard asks for it many times per rerun."""
        with self._lock:
            if name not in self._configs:
                self._configs[name] = load_config(self.store, name)  # never a file path
            return self._configs[name]

    def places(self, config: PlaceConfig | str, icb_code: str | None = None) -> Geography:
        """A configuration (or its name) resolved to a geography; cached by its blocks."""
        if isinstance(config, str):
            config = self.config(config)
        key = (config.tier, config.name, icb_code, self._blocks_hash(config.blocks))
        return self._places.get_or_make(key, lambda: self._resolve(config, icb_code))

    def _blocks_hash(self, blocks: pd.DataFrame) -> int:
        """The blocks' content hash, once per blocks frame (the dashboard asks a dozen times
        per page run). Held with the frame, so a new frame at a reused id is rehashed."""
        known = self._block_hashes.get_or_make(id(blocks), lambda: (blocks, _hash(blocks)))
        if known[0] is not blocks:
            known = self._block_hashes[id(blocks)] = (blocks, _hash(blocks))
        return known[1]

    def _resolve(self, config: PlaceConfig, icb_code: str | None) -> Geography:
        """A stated vintage that is no generation is refused before its codes are looked up."""
        check_stated_vintage(config.name, config.vintage)
        return resolve(config, self.store, icb_code, self.block_index)

    def configuration_vintage(self, config: PlaceConfig | str) -> dict:
        """Which generation the configuration's codes are of, stated or inferred."""
        if isinstance(config, str):
            config = self.config(config)
        return configuration_vintage(self.store, config.name, config.blocks, config.vintage)

    def totals(self, geography: Geography) -> pd.DataFrame:
        """P(a) and S(a) per area: sums over the spine for areas made of LSOAs, the polygon area
        for the others (wards), so that shares and their overlap table agree."""
        def make() -> pd.DataFrame:
            totals = pd.DataFrame({"population": self.overlaps.totals(geography)})
            if geography.lsoa_built:
                totals["area_m2"] = geography.sum_by_area(self.overlaps.lsoa_area_m2)
            else:
                totals["area_m2"] = geography.areas["area_m2"].to_numpy()
            return totals
        return self._totals.get_or_make(geography.key, make)

    def pairs(self, a: Geography, b: Geography, *, threshold: float = DEFAULT_THRESHOLD,
              sliver: float = DEFAULT_SLIVER, area: bool = True) -> pd.DataFrame:
        """Every overlapping pair with names, shares both ways, Jaccard and class (cached: treat
        the result as read-only). Population measures only (``area=False``) are served from
        the full table when it is made (the page's tables make it before the flags ask)."""
        return self.pair_table(a, b, threshold=threshold, sliver=sliver, area=area).frame

    def pair_table(self, a: Geography, b: Geography, *, threshold: float = DEFAULT_THRESHOLD,
                   sliver: float = DEFAULT_SLIVER, area: bool = True) -> PairTable:
        """:meth:`pairs` as plain columns, for the engine's own readers (no frame made)."""
        if not area:
            try:
                return self._pairs[(a.key, b.key, threshold, sliver, True)]
            except KeyError:
                pass
        def make() -> PairTable:
            table = self.overlaps.columns(a, b, area=area)
            return PairTable(measure_columns(
                table, self.totals(a), self.totals(b), threshold, sliver,
                bases=("population", "area") if area else ("population",),
                border_population=self._border_population(a, b, table, sliver),
                names=(a.name_array, b.name_array)))
        return self._pairs.get_or_make((a.key, b.key, threshold, sliver, area), make)

    def border_slivers(self, sliver: float = DEFAULT_SLIVER) -> np.ndarray:
        """Per spine LSOA: does it lie where a council area (:data:`BORDER_LAYERS`) reaches
        into its ICB by only a sliver (the plain rule: below ``sliver`` of the smaller of the
        council and the ICB)? E.g. E01027305, Oxfordshire's 1,914 people in Northamptonshire ICB
        (2024)."""
        def make() -> np.ndarray:
            icb = self.geography("icb")
            border = np.zeros(len(self.overlaps.population), dtype=bool)
            icb_at = _code_at(icb, len(border))
            for layer_id in BORDER_LAYERS:
                council = self.geography(layer_id)
                table = self.overlaps.table(council, icb, area=False)
                measured = pair_measures(table, self.totals(council), self.totals(icb),
                                         sliver=sliver, bases=("population",))
                slivers = measured[measured["population_class"] == "sliver"]
                keys = slivers["a_pos"].to_numpy() * len(icb.codes) + slivers["b_pos"].to_numpy()
                at = _code_at(council, len(border)) * len(icb.codes) + icb_at
                border |= np.isin(at, keys) & (icb_at >= 0)
            return border
        return self.memo(("border slivers", sliver), make)

    def _border_population(self, a: Geography, b: Geography, table: dict[str, np.ndarray],
                           sliver: float) -> np.ndarray | None:
        """Each pair's people in border slivers, for :func:`is_sliver`; an area against the ICB
        it belongs to is exempt (a place of border-sliver LSOAs still lies in its own ICB)."""
        border = self.border_slivers(sliver)
        if not border.any():
            return None
        people = self.overlaps.pair_sums(a, b, table,
                                         np.where(border, self.overlaps.population, 0.0))
        for area, other, side, other_side in ((a, b, "a_pos", "b_pos"),
                                              (b, a, "b_pos", "a_pos")):
            if other.id == "icb" and "icb_code" in area.areas:  # e.g. places, sub-ICBs
                home = area.areas["icb_code"].to_numpy(dtype=object)[table[side]]
                people[home == other.codes[table[other_side]]] = 0.0
        return np.round(people)

    def memo(self, key: tuple, make: Callable[[], T]) -> T:
        """Any other result that is a pure function of ``key`` (geography keys, ICB, thresholds),
        kept for the process: e.g. the flags that do not involve places, which an edit of a
        place configuration leaves as they were. Treat it as read-only."""
        return self._derived.get_or_make(key, make)

    def coterminosity(self, a: Geography, b: Geography, *, threshold: float = DEFAULT_THRESHOLD,
                      sliver: float = DEFAULT_SLIVER, codes: pd.Index | None = None,
                      area: bool = True) -> pd.DataFrame:
        """Per area of A (optionally only ``codes``): its best partner in B by population
        Jaccard, the population and area measures of that same pair, and A's class on each
        basis (``area_class`` classifies A by area, so its best partner may differ)."""
        pairs = self.pair_table(a, b, threshold=threshold, sliver=sliver, area=area)
        codes, at, rows = _asked_rows(a, pairs, codes)
        same_pair = ("area_share_of_a", "area_share_of_b", "area_jaccard") if area else ()
        measures, best_at = best_partners(pairs, codes, threshold=threshold, carry=same_pair,
                                          rows=rows)
        best_b, found = np.full(len(codes), -1), best_at >= 0
        best_b[found] = pairs["b_pos"][best_at[found]]
        columns = {"a_code": pd.Index(codes, name="a_code"),
                   "a_name": _by_position(a.name_array, at),
                   "best_b_code": measures.pop("best_b_code"),
                   "best_b_name": _by_position(b.name_array, best_b),
                   "population": _by_position(self.totals(a)["population"].to_numpy(), at),
                   **measures}
        columns["population_class"] = columns.pop("population_area_class")
        for column in same_pair:  # after the class, as the pages list them
            columns[column] = columns.pop(column)
        if area:
            by_area = best_partners(pairs, codes, basis="area", threshold=threshold, rows=rows)
            columns["area_class"] = by_area[0]["area_area_class"].astype(object)  # empty: object
        columns["population_method"] = pair_method(a, b)
        return pd.DataFrame(columns)

    def area_classes(self, a: Geography, b: Geography, *, threshold: float = DEFAULT_THRESHOLD,
                     sliver: float = DEFAULT_SLIVER, codes: pd.Index) -> np.ndarray:
        """:meth:`coterminosity`'s ``population_class`` alone, per code (the map's classes: no
        names, measures or frame)."""
        pairs = self.pair_table(a, b, threshold=threshold, sliver=sliver, area=False)
        codes, _, rows = _asked_rows(a, pairs, codes)
        return best_partners(pairs, codes, threshold=threshold, rows=rows)[0][
            "population_area_class"]

    def coverage(self, a_code: str, a: Geography, b: Geography) -> Coverage:
        """Cached: the page and the gap and overlap rules ask for the same one."""
        return self.memo(("coverage", a_code, a.key, b.key),
                         lambda: coverage(a_code, a, b, self.overlaps.population))

    def pieces(self, geography: Geography, codes: pd.Index | None = None) -> dict[str, list[Piece]]:
        """Areas (of ``codes``) in two or more separate pieces → their pieces, each named by
        the wards holding most of its people (cached: read-only)."""
        if self.store.adjacency is None:
            raise ValueError(f"The store at {self.store.path} has no LSOA adjacency: rebuild it "
                             "with `placemap data build`.")
        chosen = None if codes is None else tuple(sorted(codes))
        adjacency = self.memo(("adjacency",), lambda: Adjacency.from_pairs(
            self.store.adjacency, len(self.overlaps.population)))
        return self.memo(("pieces", geography.key, chosen), lambda: area_pieces(
            geography, adjacency, self.overlaps.population, self._piece_labels(),
            None if chosen is None else pd.Index(chosen)))

    def _piece_labels(self) -> np.ndarray:
        """Per spine LSOA, the name of its ward (by best fit), else its own name."""
        def make() -> np.ndarray:
            ward = self.geography("ward")
            labels = self.store.spine["lsoa21_name"].to_numpy(dtype=object).copy()
            labels[ward.membership["lsoa"].to_numpy()] = ward.names().to_numpy(
                dtype=object)[ward.code_positions]
            return labels
        return self.memo(("piece labels",), make)

    def codes_in_icb(self, geography: Geography, icb_code: str,
                     sliver: float = DEFAULT_SLIVER) -> pd.Index:
        """Areas with more than a sliver of their population in the ICB (population-based)."""
        return self._in_icb.get_or_make((geography.key, icb_code, sliver), lambda: pd.Index(
            sorted(geography.codes[self.in_icb(geography, icb_code, sliver)])))

    def in_icb(self, geography: Geography, icb_code: str,
               sliver: float = DEFAULT_SLIVER) -> np.ndarray:
        """:meth:`codes_in_icb` as a mask over the geography's codes (read-only)."""
        def make() -> np.ndarray:
            icb = self.geography("icb")
            pairs = self.pair_table(geography, icb, sliver=sliver, area=False)
            chosen = (icb.codes[pairs["b_pos"]] == icb_code) & (pairs["population_class"]
                                                                != "sliver")
            mask = np.zeros(len(geography.codes), dtype=bool)
            mask[pairs["a_pos"][chosen]] = True
            return mask
        return self.memo(("in icb", geography.key, icb_code, sliver), make)

    def home_icbs(self, geography: Geography) -> pd.Series:
        """Each area's ICB: the one holding most of its people (areas with nobody: none)."""
        pairs = self.pairs(geography, self.geography("icb"), area=False)
        ranked = pairs.sort_values(["a_code", "population", "b_code"],
                                   ascending=[True, False, True])
        return ranked.drop_duplicates("a_code").set_index("a_code")["b_code"]

    def search_areas(self, places: Geography) -> pd.DataFrame:
        """Every area the sidebar can find (places and the layers declared for ``search``, in
        declaration order): layer, code, name, ods_code, icb_code, icb_name (the home ICB; a
        ward no LSOA best-fits to takes its council's). Areas with no ICB (nobody in them) are
        left out."""
        frames = []
        searched = {i: self.geography(i) for i in layers_with("search") if self.has(i)}
        for layer_id in LAYERS:
            geography = places if layer_id == "place" else searched.get(layer_id)
            if geography is None:
                continue
            names = geography.names()
            icbs = (pd.Series(names.index, index=names.index) if geography.id == "icb"
                    else self.home_icbs(geography).reindex(names.index))
            if "lad_code" in geography.areas:  # wards no LSOA best-fits to: their council's ICB
                by_council = geography.areas["lad_code"].reindex(names.index).map(
                    self.home_icbs(self.geography("lad")))
                icbs = icbs.fillna(by_council)
            frames.append(pd.DataFrame({"layer": geography.id, "code": names.index,
                                        "name": names.to_numpy(), "icb_code": icbs.to_numpy(),
                                        "ods_code": geography.areas.get("ods_code")}))
        found = pd.concat(frames, ignore_index=True).dropna(subset=["icb_code"])
        found["icb_name"] = found["icb_code"].map(self.geography("icb").names())
        return found.reset_index(drop=True)

    def find_icb(self, query: str) -> str:
        """An ICB code from its code, ODS code or (part of) its name."""
        icbs = self.store.layer("icb")
        text = query.strip().lower()
        exact = icbs[(icbs["code"].str.lower() == text) | (icbs["ods_code"].str.lower() == text)
                     | (icbs["name"].str.lower() == text)]
        found = exact if len(exact) else icbs[icbs["name"].str.lower().str.contains(
            text, regex=False)]
        if len(found) != 1:
            hint = "; ".join(found["name"]) if len(found) else "try part of an ICB name"
            raise KeyError(f"{len(found)} ICBs match {query!r} ({hint}). Give an ICB code "
                           "(E54...), ODS code or a unique part of its name.")
        return str(found["code"].iloc[0])


def _asked_rows(a: Geography, pairs: PairTable, codes: pd.Index | None
                ) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """The codes asked (default all of A's), their positions in A and each pair's position
    in them (-1: not asked)."""
    codes = a.areas.index if codes is None else pd.Index(codes)
    at = a.areas.index.get_indexer(codes)
    rows = pairs["a_pos"]
    if not np.array_equal(at, np.arange(len(a.areas))):
        rows = codes.get_indexer(a.codes)[rows]
    return codes, at, rows


def _hash(blocks: pd.DataFrame) -> int:
    """Of every column but the file lines (whatever the tier), whatever the row order: a sum of
    the rows' hashes (Python's, so kept within the process), one pass over the rows. Numbers
    are hashed as text: a float NaN's hash is its object's, so equal frames would differ."""
    columns = [(blocks[c] if blocks[c].dtype == object or isinstance(blocks[c].dtype,
                                                                     pd.StringDtype)
                else blocks[c].astype(str)).tolist() for c in blocks.columns if c != "line"]
    return sum(map(hash, zip(*columns, strict=True))) & 0xFFFF_FFFF_FFFF_FFFF
