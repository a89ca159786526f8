"""The drafts database: SQLite beside the store by default, PostgreSQL when
``PLACEMAP_DATABASE_URL=postgresql://…`` is set (servers sharing drafts), one code path for both
(SQLAlchemy Core).

Drafts are immutable and content-addressed (:mod:`services.drafts`), so a save is an idempotent
insert (``ON CONFLICT DO NOTHING``): concurrent saves of the same draft all get its one row. The
schema carries its version and upgrades itself through :data:`MIGRATIONS` on first use. A
database that cannot be reached raises :class:`DraftsUnavailable`; the caller keeps the draft
(:class:`services.io.pending_saves.PendingSaves`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine, make_url

from layers import GENERATIONS
from services.drafts import (
    Draft,
    DraftConfig,
    DraftError,
    DraftSummary,
    SavedDraft,
    blocks_from_json,
    blocks_json,
    check_draft_id,
    check_tier,
    draft_config,
)
from services.io.drafts_faults import DraftNotFound as DraftNotFound
from services.io.drafts_faults import DraftsUnavailable as DraftsUnavailable
from services.io.drafts_faults import SaveResult as SaveResult
from services.io.rooms_schema import create_rooms
from services.io.store import store_path

DATABASE_URL_ENV = "PLACEMAP_DATABASE_URL"
SQLITE_FILE = "placemap.sqlite3"
CONNECT_TIMEOUT_S = 5
HISTORY_LIMIT = 10_000  # versions followed back by DraftsDB.history (ids cannot form a cycle)
_MIGRATION_LOCK = 0x706C6D70  # PostgreSQL advisory lock key held while the schema upgrades

metadata = sa.MetaData()
schema_version = sa.Table("schema_version", metadata,
                          sa.Column("version", sa.Integer, nullable=False))
drafts = sa.Table(
    "drafts", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("tier", sa.String(16), nullable=False),
    sa.Column("vintage", sa.String(8), nullable=False),
    sa.Column("icb", sa.String(16)),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("parent_id", sa.String(16)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("blocks", sa.Text, nullable=False),
    sa.Column("block_count", sa.Integer, nullable=False),
    sa.Index("drafts_created_at", "created_at"),
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema: from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_drafts(conn: Connection) -> None:
    drafts.create(conn, checkfirst=True)


#: The schema's history, oldest first; a database is upgraded through every step it lacks.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "drafts table", _create_drafts),
    Migration(2, "live rooms and their viewers", create_rooms),
)


def database_url() -> str:
    """``PLACEMAP_DATABASE_URL``, else the SQLite file beside the store."""
    return os.environ.get(DATABASE_URL_ENV) or sqlite_url(store_path().parent / SQLITE_FILE)


def sqlite_url(path: Path) -> str:
    return URL.create("sqlite", database=str(path)).render_as_string()


def describe(url: str | URL) -> str:
    """The database named for people: its kind and place, never its password."""
    url = make_url(url)
    if url.get_backend_name() not in ("postgresql", "postgres"):
        return f"the SQLite drafts file {url.database}"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return f"the PostgreSQL drafts database {url.database!r} on {where}"


def make_engine(url: str | URL, connect_timeout_s: float = CONNECT_TIMEOUT_S) -> Engine:
    """An engine for either backend: ``postgresql://`` goes through psycopg 3; SQLite waits for
    a busy file and takes its write lock when a write transaction begins."""
    url = make_url(url)
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        engine = sa.create_engine(url.set(drivername="postgresql+psycopg"), pool_pre_ping=True,
                                  connect_args={"connect_timeout": max(1, int(connect_timeout_s))})
    elif backend == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": connect_timeout_s})
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    else:
        raise DraftError(f"{DATABASE_URL_ENV} is a {backend} URL: use postgresql://user@host/db "
                         "or leave it unset for the SQLite file beside the store")
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    """Write-ahead log: one fsync per commit (still durable) and readers never blocked by a
    writer, for several servers on one machine sharing the file."""
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class DraftsDB:
    """Saved drafts in one database. Connects on first use, upgrading the schema then."""

    def __init__(self, url: str | URL | None = None, *,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S,
                 migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.url = make_url(url or database_url())
        self.description = describe(self.url)
        self.engine = make_engine(self.url, connect_timeout_s)
        self._migrations = tuple(migrations)
        self._ready = False

    def save(self, draft: Draft) -> SaveResult:
        """Insert the draft unless this database has it (then return that, first-saved row)."""
        draft_id, blocks = draft.id, blocks_json(draft.blocks)
        row = {"id": draft_id, "tier": draft.tier, "vintage": draft.vintage, "icb": draft.icb,
               "name": draft.name, "author": draft.author, "parent_id": draft.parent_id,
               "created_at": datetime.now(UTC), "blocks": blocks, "block_count": draft.block_count}
        insert = (postgresql.insert if self.engine.dialect.name == "postgresql"
                  else sqlite.insert)(drafts).values(row).on_conflict_do_nothing(
            index_elements=["id"]).returning(drafts.c.id)
        with self._write() as conn:
            if draft.parent_id and not self._exists(conn, draft.parent_id):
                raise self._not_found(draft.parent_id, "named as the parent")
            created = conn.execute(insert).first() is not None  # no row back: it was there
            stored = row if created else conn.execute(
                sa.select(drafts).where(drafts.c.id == draft_id)).one()._asdict()
        if (stored["tier"], stored["vintage"], stored["blocks"]) != (draft.tier, draft.vintage,
                                                                    blocks):
            raise DraftError(f"draft id {draft_id} already names different blocks in "
                             f"{self.description} (a hash collision): save nothing, report it")
        first = Draft(draft.tier, draft.vintage, draft.blocks, stored["name"], stored["author"],
                      stored["icb"], stored["parent_id"])
        return SaveResult(SavedDraft(draft_id, first, _utc(stored["created_at"])), created)

    def load(self, draft_id: str) -> SavedDraft:
        draft_id = check_draft_id(draft_id)
        with self._read() as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).one_or_none()
        if row is None:
            raise self._not_found(draft_id)
        return _saved(row)

    def list(self, limit: int | None = None) -> list[DraftSummary]:
        """Newest first (ties by id), without their blocks."""
        columns = [c for c in drafts.c if c.name != "blocks"]
        query = sa.select(*columns).order_by(drafts.c.created_at.desc(), drafts.c.id)
        with self._read() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [DraftSummary(**{**row._asdict(), "created_at": _utc(row.created_at)})
                for row in rows]

    def history(self, draft_id: str) -> list[SavedDraft]:
        """The draft, its parent, its parent's parent… to the first version."""
        chain = [self.load(draft_id)]
        while chain[-1].draft.parent_id and len(chain) <= HISTORY_LIMIT:
            chain.append(self.load(chain[-1].draft.parent_id))
        return chain

    def schema_version(self) -> int:
        with self._read() as conn:
            return _version(conn)

    def dispose(self) -> None:
        self.engine.dispose()

    def _write(self):
        return _Transaction(self, write=True)

    def _read(self):
        return _Transaction(self, write=False)

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        with _Transaction(self, write=True, upgrade=False) as conn:
            upgrade(conn, self._migrations, self.description)
        self._ready = True

    def _exists(self, conn: Connection, draft_id: str) -> bool:
        return conn.execute(sa.select(drafts.c.id).where(drafts.c.id == draft_id)).first() \
            is not None

    def _not_found(self, draft_id: str, role: str = "") -> DraftNotFound:
        role = f" ({role})" if role else ""
        return DraftNotFound(f"{self.description} has no draft {draft_id}{role}: check the id "
                             "(`placemap drafts list` shows the saved ones), or the link comes "
                             "from a server with another drafts database")


class _Transaction:
    """One transaction; a lost or refused connection becomes :class:`DraftsUnavailable`."""

    def __init__(self, db: DraftsDB, *, write: bool, upgrade: bool = True) -> None:
        self.db, self.write, self.upgrade = db, write, upgrade

    def __enter__(self) -> Connection:
        try:
            if self.upgrade:
                self.db._ensure_schema()
            self.conn = self.db.engine.connect().execution_options(write=self.write)
            self.transaction = self.conn.begin()
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            raise _unavailable(self.db, error) from None
        return self.conn

    def __exit__(self, kind, error, _traceback) -> None:
        try:
            if kind is None:
                self.transaction.commit()
            else:
                self.transaction.rollback()
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as lost:
            raise _unavailable(self.db, lost) from None
        finally:
            self.conn.close()
        if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            raise _unavailable(self.db, error) from None


def upgrade(conn: Connection, migrations: Sequence[Migration], description: str) -> int:
    """Bring the schema to the last migration's version inside ``conn``'s write transaction
    (PostgreSQL: under an advisory lock, so two servers starting together upgrade once)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
    schema_version.create(conn, checkfirst=True)
    current, latest = _version(conn), (migrations[-1].version if migrations else 0)
    if current > latest:
        raise DraftError(f"{description} has drafts schema version {current}, newer than this "
                         f"Placemap knows ({latest}): upgrade Placemap to use it")
    for step in migrations[current:]:
        step.apply(conn)
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=step.version))
    return max(current, latest)


def _version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def _unavailable(db: DraftsDB, error: Exception) -> DraftsUnavailable:
    reason = str(getattr(error, "orig", error) or type(error).__name__).strip().splitlines()[0]
    check = ("the folder exists and is writable" if db.engine.dialect.name == "sqlite"
             else f"the server is running and {DATABASE_URL_ENV} names it")
    return DraftsUnavailable(f"{db.description} is unreachable ({reason}): check {check}, then "
                             "try again; nothing in it was changed")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _saved(row) -> SavedDraft:
    draft = Draft(row.tier, row.vintage, blocks_from_json(row.blocks), row.name, row.author,
                  row.icb, row.parent_id)
    return SavedDraft(row.id, draft, _utc(row.created_at))


_shared: dict[str, DraftsDB] = {}
_shared_lock = threading.Lock()


def shared_db(url: str | None = None) -> DraftsDB:
    """One :class:`DraftsDB` (one connection pool) per URL for the whole process."""
    url = url or database_url()
    with _shared_lock:
        if url not in _shared:
            _shared[url] = DraftsDB(url)
        return _shared[url]


def load_draft_config(ref: str, db: DraftsDB | None = None, *,
                      vintage: str | None = None, tier: str | None = None) -> DraftConfig:
    """``draft:<id>`` (or a bare id) as a configuration, for wherever a file is taken:
    ``services.places.load_config`` can begin ``if is_draft_ref(name): return
    load_draft_config(name)``. Given ``vintage`` (the boundaries in use) or ``tier``, a draft of
    another generation or tier is refused. Raises DraftError (malformed id, other vintage or
    tier), DraftNotFound (this database has no such draft) or DraftsUnavailable, each saying
    what to do."""
    draft_id = check_draft_id(ref)
    config = draft_config((db or shared_db()).load(draft_id))
    if tier is not None:
        check_tier(config.tier, tier, f"draft {draft_id} ({config.name!r})")
    if vintage is not None and config.vintage != vintage:
        raise DraftError(f"draft {draft_id} ({config.name!r}) uses the codes of the "
                         f"{GENERATIONS[config.vintage].label} boundaries, not "
                         f"{GENERATIONS[vintage].label}: open it with vintage "
                         f"{config.vintage}")
    return config
