"""Live rooms, the pure part: room codes, write tokens, expiry and the view a room carries.

A presenter's session opens a room and gets a short code (for people to type or read out) and a
write token (kept in that session only; the database holds its hash, so a leaked database row or
viewer link cannot write). Viewers poll the room's version and read its view only when it
changed. The view is the presenter's :class:`ViewState` as a link query plus the page, so a room
carries exactly what a link does (:mod:`services.view_state`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

from services.text import fill
from services.view_state import ViewState, from_query

#: Letters and digits nobody confuses when reading a code out (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes: a guess per millisecond finds a given room in ~13 years
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
TOKEN_BYTES = 32
#: A room ends when its presenter has not been seen for this long.
PRESENTER_TIMEOUT = timedelta(seconds=60)
#: The presenter's session says it is there this often (well inside the timeout).
PRESENTER_HEARTBEAT_S = 10.0
#: A viewer is counted as following while seen within this; viewers say so this often.
VIEWER_TIMEOUT = timedelta(seconds=15)
VIEWER_HEARTBEAT_S = 5.0
#: How often a follower's browser asks the room for its version (ui/follow.py): a centre or zoom
#: moves its map within ~this, a new page, ICB, layer or area within this and one rerun.
BROWSER_POLL_S = 0.25
#: A room's view as stored: the page's url path and the link query.
PAGE_KEY = "_page"
#: The parts of a view a follower's browser applies itself (the map's setView), no rerun.
POSITION_KEYS = ("lat", "lon", "zoom")


class RoomError(ValueError):
    """A room code or token that cannot be used; the message says what to do."""


class RoomNotFound(RoomError):
    """No room with this code (never opened here, or long gone)."""


class RoomEnded(RoomError):
    """The room was ended by its presenter, or its presenter stopped being seen."""


class NotPresenter(RoomError):
    """A write with a token that is not the room's: only the presenter's session may change it."""


@dataclass(frozen=True)
class RoomView:
    """What followers show: a page and a view (never the presenter's own room or token)."""

    page: str
    view: ViewState


@dataclass(frozen=True)
class RoomStatus:
    """The cheap per-poll read: the version, and why the room ended ("" while it is live)."""

    code: str
    version: int
    ended: str = ""


@dataclass(frozen=True)
class RoomPoll:
    """A follower browser's poll, read in one primary-key read: version, view and end."""

    version: int
    payload: str
    ended: str = ""


@dataclass(frozen=True)
class FollowView:
    """A room view as a follower's browser applies it: ``where`` (the page and every part of the
    view but the position: a change reruns the follower's session) and the map's position (a
    change only moves its map)."""

    where: str
    page: str
    lat: float | None
    lon: float | None
    zoom: int | None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)


def display_code(code: str) -> str:
    """``ABCD-EFGH``: easier to read out; :func:`check_code` takes either form."""
    return f"{code[:4]}-{code[4:]}"


def check_code(raw: str) -> str:
    """A room code as typed or linked (any case, spaces or dashes) → its stored form, or a
    :class:`RoomError` saying what a code looks like."""
    code = re.sub(r"[\s-]", "", str(raw)).upper()
    if not _CODE.fullmatch(code):
        raise RoomError(fill(f"{{}} is not a room code: a code is {CODE_LENGTH} letters and "
                             "digits, e.g. ABCD-EF23, as the presenter's screen shows it",
                             str(raw)[:40]))
    return code


def ended_reason(ended_by_presenter: bool, presenter_seen_at: datetime, now: datetime) -> str:
    """Why a room is over ("" while it is live)."""
    if ended_by_presenter:
        return "the presenter ended it"
    if now - presenter_seen_at > PRESENTER_TIMEOUT:
        seconds = int(PRESENTER_TIMEOUT.total_seconds())
        return f"the presenter has not been seen for {seconds} seconds"
    return ""


def view_payload(page: str, view: ViewState) -> str:
    """The room's stored view: the presenter's link query with the page; the room itself and
    presentation mode stay each screen's own."""
    query = view.with_(room="", present=False).to_query()
    return urlencode({PAGE_KEY: page, **query}, safe=",")


def read_payload(payload: str) -> tuple[RoomView, list[str]]:
    """(room view, problems) from :func:`view_payload`'s text (problems as a link's)."""
    query = dict(parse_qsl(payload, keep_blank_values=True))
    page = query.pop(PAGE_KEY, "")
    view, problems = from_query(query)
    return RoomView(page, view), problems


def follow_view(payload: str) -> FollowView:
    """:func:`view_payload`'s text split into what needs a rerun and what only moves the map."""
    query = dict(parse_qsl(payload, keep_blank_values=True))
    position = {key: query.pop(key, None) for key in POSITION_KEYS}
    lat, lon, zoom = (position[key] for key in POSITION_KEYS)
    located = lat is not None and lon is not None and zoom is not None
    return FollowView(urlencode(query, safe=","), query.get(PAGE_KEY, ""),
                      float(lat) if located else None, float(lon) if located else None,
                      int(zoom) if located else None)


def poll_answer(poll: RoomPoll, since: int | None) -> dict:
    """What a follower's browser is told (JSON): the version and why the room ended; the view
    only when the version is not the one it says it has (``since``). Never the token."""
    answer: dict = {"version": poll.version, "ended": poll.ended}
    if not poll.ended and poll.version != since:
        answer.update(asdict(follow_view(poll.payload)))
    return answer
