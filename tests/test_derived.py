"""ui/derived.py: made once per live source, never served for another source, let go with it."""

from __future__ import annotations

import gc

from ui.derived import _KEPT, derived


class _Source:
    def __init__(self, value: int) -> None:
        self.value = value


_MADE: list[int] = []


def _doubled(source: _Source) -> int:
    _MADE.append(source.value)
    return source.value * 2


def test_made_once_per_source_and_kept_apart() -> None:
    _MADE.clear()
    one, two = _Source(1), _Source(2)
    assert [derived(one, _doubled), derived(one, _doubled), derived(two, _doubled)] == [2, 2, 4]
    assert _MADE == [1, 2]


def test_let_go_with_its_source() -> None:
    source = _Source(3)
    derived(source, _doubled)
    key = (id(source), _doubled)
    assert key in _KEPT
    del source
    gc.collect()
    assert key not in _KEPT
