"""Separate pieces of areas made of whole LSOAs, from the store's LSOA adjacency (no geometry).

An area's pieces are the connected components of its LSOAs over the pairs that share a boundary
(:mod:`services.build.adjacency`), so an island (the Isle of Wight, the Isles of Scilly) or an
enclave left by a moved block is a piece. One connected-components pass over the chosen areas'
LSOAs (:func:`components`, numpy): a few milliseconds for an ICB's places, ~15 ms for every
district of England, as fast as SciPy's sparse graph code, without SciPy's ~0.25 s import on a
cold server's first map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.geography import Geography

#: How many names (of the wards holding most of its people) describe a piece.
PIECE_NAMES_MAX = 3


@dataclass(frozen=True)
class Piece:
    """One piece of an area: its people, LSOAs and the names it lies around (largest first)."""

    population: int
    lsoa_count: int
    around: tuple[str, ...]


@dataclass(frozen=True)
class Adjacency:
    """The store's LSOA adjacency (pairs ``a``, ``b`` of spine positions, each pair once) and
    the same pairs grouped by ``a``: the ``b`` of LSOA ``x`` are ``b_by_a[starts[x]:starts[x +
    1]]``, so an ICB's edges are found without a pass over all of England's."""

    a: np.ndarray
    b: np.ndarray
    starts: np.ndarray
    b_by_a: np.ndarray

    @classmethod
    def from_pairs(cls, pairs: pd.DataFrame, lsoas: int) -> Adjacency:
        a, b = pairs["a"].to_numpy(np.int64), pairs["b"].to_numpy(np.int64)
        order = np.argsort(a, kind="stable")
        starts = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=lsoas))])
        return cls(a, b, starts, b[order])

    def from_lsoas(self, lsoa: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in ``lsoa``, neighbour LSOA) of every pair whose ``a`` is in ``lsoa``."""
        begin, count = self.starts[lsoa], np.diff(self.starts)[lsoa]
        offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        return (np.repeat(np.arange(len(lsoa)), count),
                self.b_by_a[np.repeat(begin, count) + offsets])


def area_pieces(geography: Geography, adjacency: Adjacency, population: np.ndarray,
                label_at: np.ndarray, codes: pd.Index | None = None) -> dict[str, list[Piece]]:
    """Areas (of ``codes``, default all) in two or more pieces → their pieces, most people
    first. ``label_at`` names each spine LSOA's surroundings (its ward's name); ``adjacency``
    has spine positions ``a``, ``b``. A membership row is a node, so an LSOA in two areas is a
    node of each."""
    wanted = np.zeros(len(geography.codes), dtype=bool)
    wanted[geography.areas.index.get_indexer(geography.areas.index if codes is None
                                             else pd.Index(codes))] = True
    rows = np.flatnonzero(wanted[geography.code_positions])
    lsoa = geography.membership["lsoa"].to_numpy()[rows]
    code = geography.code_positions[rows]
    start, end = _edges(lsoa, code, adjacency, len(population), geography.one_code_per_lsoa)
    label = components(len(rows), start, end)
    labels = np.unique(code.astype(np.int64) * max(len(rows), 1) + label) // max(len(rows), 1)
    split = np.flatnonzero(np.bincount(labels, minlength=len(geography.codes)) > 1)
    if not len(split):
        return {}
    chosen = np.isin(code, split)
    code, label, lsoa = code[chosen], label[chosen], lsoa[chosen]
    people, around = population[lsoa], label_at[lsoa]
    return {str(geography.codes[position]): _pieces(label[mine], people[mine], around[mine])
            for position in split for mine in [code == position]}


def components(nodes: int, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Each node's component, named by its lowest node (so components come in the order of their
    first node) over the undirected edges ``start[i]``–``end[i]``. Each round hooks every
    component's root to the lowest root an edge reaches, then jumps each node to its root; the
    roots only ever fall, so the rounds end, each one a few array passes."""
    root = np.arange(nodes)
    while True:
        a, b = root[start], root[end]
        apart = a != b
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(a, b)[apart], np.minimum(a, b)[apart])
        while True:
            jumped = root[root]
            if (jumped == root).all():
                break
            root = jumped


def _edges(lsoa: np.ndarray, code: np.ndarray, adjacency: Adjacency, lsoas: int,
           one_code_per_lsoa: bool) -> tuple[np.ndarray, np.ndarray]:
    """Node pairs (positions in ``lsoa``) of adjacent LSOAs of the same area: an array lookup
    from the nodes' own pairs when each LSOA is in one area, a join otherwise (overlapping
    areas)."""
    a, b = adjacency.a, adjacency.b
    if one_code_per_lsoa:
        node_at = np.full(lsoas, -1, dtype=np.int64)
        node_at[lsoa] = np.arange(len(lsoa))
        start, neighbour = adjacency.from_lsoas(lsoa)
        end = node_at[neighbour]
        start, end = start[end >= 0], end[end >= 0]
        return start[code[start] == code[end]], end[code[start] == code[end]]
    nodes = pd.DataFrame({"lsoa": lsoa, "code": code, "node": np.arange(len(lsoa))})
    joined = (pd.DataFrame({"a": a, "b": b})
              .merge(nodes.rename(columns={"lsoa": "a", "node": "start"}), on="a")
              .merge(nodes.rename(columns={"lsoa": "b", "node": "end"}), on=["b", "code"]))
    return joined["start"].to_numpy(), joined["end"].to_numpy()


def _pieces(label: np.ndarray, people: np.ndarray, around: np.ndarray) -> list[Piece]:
    """One area's pieces (its nodes' component ``label``, ``people`` and ``around`` names),
    most people first (then most LSOAs), each named by its wards (most people first, ties by
    name). Array sums, not a frame per piece: a move that cuts a place off reruns this."""
    pieces = []
    for piece in np.unique(label):
        mine = label == piece
        names, name_at = np.unique(around[mine], return_inverse=True)
        by_name = np.bincount(name_at, weights=people[mine], minlength=len(names))
        named = names[np.argsort(-by_name, kind="stable")][:PIECE_NAMES_MAX]
        pieces.append(Piece(int(people[mine].sum()), int(mine.sum()), tuple(map(str, named))))
    return sorted(pieces, key=lambda p: (-p.population, -p.lsoa_count, p.around))


def pieces_sentence(name: str, pieces: list[Piece]) -> str:
    """"Wigan is in 2 pieces: the main part (320,000 people) and the part around Abram
    (2,000 people, 1 LSOA).\""""
    main, *rest = pieces
    parts = [f"the main part ({main.population:,} people)"] + [
        f"the part around {', '.join(p.around)} ({p.population:,} people, {p.lsoa_count:,} "
        f"LSOA{'s' if p.lsoa_count != 1 else ''})" for p in rest]
    return f"{name} is in {len(pieces)} pieces: {', '.join(parts[:-1])} and {parts[-1]}."
