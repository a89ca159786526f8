"""What a page shows made from a shared result (``st.cache_resource``, read-only) once per
result, not on every run: a chart's rows from a view's coverage, the ICB choices from a store.

Kept by the source's identity while it lives (dropped when its cache lets it go), so it is
never served for another view's result, and costs a dictionary lookup, not a cached function's
argument hashing. ``make`` is a module-level function (its identity is part of the key) whose
result never refers to the source (else the source could never be let go)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

S = TypeVar("S")
T = TypeVar("T")
_KEPT: dict[tuple[int, Callable], object] = {}
_LOCK = threading.Lock()


def derived(source: S, make: Callable[[S], T]) -> T:
    """``make(source)``, made once per live ``source``."""
    key = (id(source), make)
    try:
        return _KEPT[key]  # type: ignore[return-value]
    except KeyError:
        pass
    value = make(source)  # two sessions may both make it once: equal values, one kept
    with _LOCK:
        if key not in _KEPT:
            _KEPT[key] = value
            weakref.finalize(source, _KEPT.pop, key, None)
        return _KEPT[key]  # type: ignore[return-value]


def made(source: object, make: Callable) -> bool:
    """Whether ``make(source)`` is kept for this live ``source``."""
    return (id(source), make) in _KEPT
