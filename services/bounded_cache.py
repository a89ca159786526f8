"""A dict that forgets its oldest entries, for results cached for a whole server process.

The dashboard shares one workspace between sessions, and every edit of a place configuration or
move of a threshold slider makes new tables, so unbounded caches would grow for ever. Sessions
run in threads: entries are read and written under a lock, and a value is made outside it (two
sessions may both make a missing value; the second simply replaces the first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(OrderedDict, Generic[K, V]):
    def __init__(self, max_entries: int) -> None:
        super().__init__()
        self.max_entries = max_entries
        self._lock = threading.RLock()

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self:
                return self[key]
        value = make()
        with self._lock:
            self[key] = value
        return value

    def __getitem__(self, key: K) -> V:
        with self._lock:
            value = super().__getitem__(key)
            self.move_to_end(key)
            return value

    def __setitem__(self, key: K, value: V) -> None:
        with self._lock:
            super().__setitem__(key, value)
            self.move_to_end(key)
            while len(self) > self.max_entries:
                self.popitem(last=False)
