"""What the drafts database answers with, apart from the database itself: its faults and a
save's result. Kept out of :mod:`services.io.drafts_db` so the pages that only catch them (every
page's frame, the live-room controls) do not import SQLAlchemy (~0.2 s of a cold start's first
map, which never opens the database)."""

from __future__ import annotations

from dataclasses import dataclass

from services.drafts import SavedDraft


class DraftsUnavailable(ConnectionError):
    """The drafts database cannot be reached; keep the draft and save it again later."""


class DraftNotFound(KeyError):
    """No draft with this id in this database."""


@dataclass(frozen=True)
class SaveResult:
    saved: SavedDraft
    created: bool  # False: this database already had the draft (same id), as first saved
