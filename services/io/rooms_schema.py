"""The live rooms' tables (schema version 2 of the drafts database, :data:`drafts_db.MIGRATIONS`):
apart from :mod:`services.io.rooms_db` so the migration list can name them without a cycle."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()
rooms = sa.Table(
    "rooms", metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False),  # sha256 of the presenter's token
    sa.Column("version", sa.Integer, nullable=False),  # +1 on every change of the view
    sa.Column("payload", sa.Text, nullable=False),  # services.rooms.view_payload
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("presenter_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),  # set when the presenter ends it
)
room_viewers = sa.Table(
    "room_viewers", metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("viewer", sa.String(32), primary_key=True),  # a random id per viewer session
    sa.Column("following", sa.Boolean, nullable=False),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)


def create_rooms(conn: Connection) -> None:
    rooms.create(conn, checkfirst=True)
    room_viewers.create(conn, checkfirst=True)
