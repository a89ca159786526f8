"""Connected components by root hooking (services.pieces.components), on graphs drawn by hand."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from services.pieces import components


def test_components_are_named_by_their_lowest_node() -> None:
    # 0-1-2 joined, 3 alone, 4-5 joined, 6 alone
    labels = components(7, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert labels.tolist() == [0, 0, 0, 3, 4, 4, 6]


def test_a_chain_given_from_its_far_end_is_one_component() -> None:
    # 5-4, 4-3, 3-2, 2-1, 1-0: each round can only hook one step of it without the jumps
    labels = components(6, np.array([5, 4, 3, 2, 1]), np.array([4, 3, 2, 1, 0]))
    assert labels.tolist() == [0] * 6


def test_no_edges_and_no_nodes() -> None:
    assert components(3, np.array([], dtype=int), np.array([], dtype=int)).tolist() == [0, 1, 2]
    assert components(0, np.array([], dtype=int), np.array([], dtype=int)).tolist() == []


def _walked(nodes: int, edges: list[tuple[int, int]]) -> list[int]:
    """The same labels by walking the graph from each node in turn (the slow, obvious way)."""
    near: dict[int, set[int]] = {n: set() for n in range(nodes)}
    for a, b in edges:
        near[a].add(b)
        near[b].add(a)
    labels = [-1] * nodes
    for first in range(nodes):
        if labels[first] < 0:
            todo = [first]
            while todo:
                node = todo.pop()
                if labels[node] < 0:
                    labels[node] = first
                    todo.extend(near[node])
    return labels


@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60))))
def test_components_match_a_walk_of_the_graph(graph: tuple[int, list[tuple[int, int]]]) -> None:
    nodes, edges = graph
    start = np.array([a for a, _ in edges], dtype=int)
    end = np.array([b for _, b in edges], dtype=int)
    assert components(nodes, start, end).tolist() == _walked(nodes, edges)
