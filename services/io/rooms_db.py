"""Live rooms in the drafts database (:mod:`services.io.drafts_db`: its engine, its schema
migrations, its :class:`DraftsUnavailable`), so servers sharing PostgreSQL share rooms.

Every write names the room's code and the presenter's token; the row holds only the token's
hash, and a write whose token does not match changes nothing (:class:`NotPresenter`). Followers'
browsers poll :meth:`RoomsDB.poll` (one primary-key read) through ui/room_route.py; a session
reads the view with :meth:`RoomsDB.view` when it catches up, and :meth:`RoomsDB.status` with its
heartbeat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from services.io.drafts_db import DraftsDB, database_url, shared_db
from services.io.rooms_schema import room_viewers, rooms
from services.rooms import (
    VIEWER_TIMEOUT,
    NotPresenter,
    RoomEnded,
    RoomNotFound,
    RoomPoll,
    RoomStatus,
    check_code,
    display_code,
    ended_reason,
    new_code,
    new_token,
    token_hash,
    token_matches,
)

CODE_TRIES = 5  # a new code that collides with a live one is drawn again (odds ~1e-11 each)


def _now() -> datetime:
    return datetime.now(UTC)


class RoomsDB:
    """The rooms of one drafts database. ``clock`` is for tests (expiry without waiting)."""

    def __init__(self, db: DraftsDB | None = None, clock: Callable[[], datetime] = _now) -> None:
        self.db = db or shared_db()
        self.clock = clock

    def open(self, payload: str) -> tuple[str, str]:
        """A new room showing ``payload``: (code, write token). Keep the token in the
        presenter's session only."""
        token, now = new_token(), self.clock()
        for _ in range(CODE_TRIES):
            code = new_code()
            row = {"code": code, "token_hash": token_hash(token), "version": 1,
                   "payload": payload, "created_at": now, "presenter_seen_at": now}
            try:
                with self.db._write() as conn:
                    conn.execute(rooms.insert().values(row))
                return code, token
            except sa_exc.IntegrityError:
                continue
        raise RuntimeError(f"no free room code after {CODE_TRIES} tries")

    def publish(self, code: str, token: str, payload: str) -> int:
        """Show ``payload`` to the room's followers; the new version."""
        with self.db._write() as conn:
            version = self._presenters_row(conn, code, token).version + 1
            conn.execute(rooms.update().where(rooms.c.code == code).values(
                version=version, payload=payload, presenter_seen_at=self.clock()))
        return version

    def touch(self, code: str, token: str) -> int:
        """The presenter is still there; how many follow now."""
        with self.db._write() as conn:
            self._presenters_row(conn, code, token)
            conn.execute(rooms.update().where(rooms.c.code == code).values(
                presenter_seen_at=self.clock()))
        return self.followers(code)

    def end(self, code: str, token: str) -> None:
        with self.db._write() as conn:
            self._presenters_row(conn, code, token)
            conn.execute(rooms.update().where(rooms.c.code == code).values(
                ended_at=self.clock()))

    def status(self, code: str) -> RoomStatus:
        """The per-poll read: version and whether (and why) the room ended."""
        code = check_code(code)
        with self.db._read() as conn:
            row = conn.execute(sa.select(rooms.c.version, rooms.c.ended_at,
                                         rooms.c.presenter_seen_at)
                               .where(rooms.c.code == code)).first()
        if row is None:
            raise _not_found(code)
        return RoomStatus(code, row.version, ended_reason(row.ended_at is not None,
                                                          _utc(row.presenter_seen_at),
                                                          self.clock()))

    def poll(self, code: str) -> RoomPoll:
        """A follower browser's poll (ui/room_route.py): one primary-key read of the version,
        the view and whether the room ended; :class:`RoomNotFound` for no such room."""
        code = check_code(code)
        with self.db._read() as conn:
            row = conn.execute(sa.select(rooms.c.version, rooms.c.payload, rooms.c.ended_at,
                                         rooms.c.presenter_seen_at)
                               .where(rooms.c.code == code)).first()
        if row is None:
            raise _not_found(code)
        return RoomPoll(row.version, row.payload, ended_reason(
            row.ended_at is not None, _utc(row.presenter_seen_at), self.clock()))

    def view(self, code: str) -> tuple[int, str]:
        """(version, payload) of a live room; :class:`RoomEnded` once it is over."""
        code = check_code(code)
        with self.db._read() as conn:
            row = conn.execute(sa.select(rooms).where(rooms.c.code == code)).first()
        if row is None:
            raise _not_found(code)
        _check_live(row, self.clock())
        return row.version, row.payload

    def seen(self, code: str, viewer: str, following: bool) -> None:
        """A viewer's heartbeat (insert or refresh its row)."""
        code, now = check_code(code), self.clock()
        with self.db._write() as conn:
            changed = conn.execute(room_viewers.update().where(
                room_viewers.c.code == code, room_viewers.c.viewer == viewer).values(
                following=following, seen_at=now)).rowcount
            if not changed:
                conn.execute(room_viewers.insert().values(code=code, viewer=viewer,
                                                          following=following, seen_at=now))

    def followers(self, code: str) -> int:
        since = self.clock() - VIEWER_TIMEOUT
        with self.db._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(room_viewers).where(
                room_viewers.c.code == code, room_viewers.c.following,
                room_viewers.c.seen_at >= since)).scalar_one()

    def _presenters_row(self, conn: sa.Connection, code: str, token: str):
        row = conn.execute(sa.select(rooms).where(rooms.c.code == check_code(code))).first()
        if row is None:
            raise _not_found(code)
        if not token or not token_matches(token, row.token_hash):
            raise NotPresenter(f"only the presenter's session can change room "
                               f"{display_code(row.code)}: follow it, or start your own room "
                               "with Present live")
        _check_live(row, self.clock())
        return row


def shared_rooms() -> RoomsDB:
    """One per database per process, on the drafts database's shared engine (the sessions and
    the route followers' browsers poll, ui/room_route.py, use the same)."""
    return _rooms_of(database_url())


@cache
def _rooms_of(url: str) -> RoomsDB:
    return RoomsDB(shared_db(url))


def _check_live(row, now: datetime) -> None:
    reason = ended_reason(row.ended_at is not None, _utc(row.presenter_seen_at), now)
    if reason:
        raise RoomEnded(f"room {display_code(row.code)} has ended: {reason}")


def _not_found(code: str) -> RoomNotFound:
    return RoomNotFound(f"there is no live room {display_code(code)}: check the code with the "
                        "presenter (rooms end when the presenter ends them or is not seen for a "
                        "minute)")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
