"""Drafts waiting for the database: nothing a reviewer saved is lost while it is unreachable.

A session keeps one :class:`PendingSaves`; ``save`` tries at once and queues on
:class:`DraftsUnavailable`; ``flush`` (called on the next save or rerun) retries in order, so a
parent is always saved before its child. Thread-safe: a Streamlit session may rerun concurrently.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from services.drafts import Draft
from services.io.drafts_faults import DraftsUnavailable, SaveResult

if TYPE_CHECKING:
    from services.io.drafts_db import DraftsDB


@dataclass
class PendingSaves:
    db: DraftsDB
    pending: list[Draft] = field(default_factory=list)
    #: Why the last attempt failed (the DraftsUnavailable message), for the page to show.
    last_error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def save(self, draft: Draft) -> SaveResult | None:
        """The saved draft, or None when it was queued (its id is ``draft.id`` all the same,
        so a link can be shown at once; it opens once the queue is flushed)."""
        with self._lock:
            self.pending.append(draft)
        results = self.flush()
        return next((r for r in results if r.saved.id == draft.id), None)

    def flush(self) -> list[SaveResult]:
        """Save the queue oldest first, stopping when the database is unreachable (the rest
        wait). Any other error (e.g. an unknown parent) belongs to the oldest pending draft: it
        leaves the queue and is raised, so the caller, who still has that draft, can say why."""
        results = []
        with self._lock:
            while self.pending:
                try:
                    results.append(self.db.save(self.pending[0]))
                except DraftsUnavailable as error:
                    self.last_error = str(error)
                    break
                except Exception:
                    self.pending.pop(0)
                    raise
                self.pending.pop(0)
            else:
                self.last_error = None
        return results
