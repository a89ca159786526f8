"""The drafts database on both backends: SQLite (a temp file) and a real PostgreSQL server
(``PLACEMAP_TEST_POSTGRES_URL``, else a throwaway cluster this run starts on 127.0.0.1)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.drafts import DraftError, make_draft
from services.io.drafts_db import (
    MIGRATIONS,
    DraftNotFound,
    DraftsDB,
    DraftsUnavailable,
    Migration,
    load_draft_config,
    sqlite_url,
)
from services.io.pending_saves import PendingSaves
from tests.postgres_server import PostgresCluster, start_cluster

ROWS = [("Bolton", "lad", "E08000001"), ("Wigan", "lad", "E08000010")]


def draft(name: str = "GM", rows=ROWS, **described):
    return make_draft("place", "2024", rows, name, **described)


def lsoa_draft(count: int, name: str = "big"):
    return draft(name, [(f"Place {i % 7}", "lsoa", f"E01{i:06d}") for i in range(count)])


@dataclass
class Backend:
    """One database to test against; ``cluster`` is set when this run owns the server."""

    name: str
    url: str
    cluster: PostgresCluster | None = None


@pytest.fixture(scope="session")
def postgres() -> Iterator[Backend]:
    given = os.environ.get("PLACEMAP_TEST_POSTGRES_URL")
    if given:
        yield Backend("postgresql", given)
        return
    try:
        cluster = start_cluster()
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield Backend("postgresql", cluster.url, cluster)
    finally:
        cluster.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", sqlite_url(tmp_path / "placemap.sqlite3"))
    chosen = request.getfixturevalue("postgres")
    engine = sa.create_engine(sa.make_url(chosen.url).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:  # each test starts from an empty database
        conn.exec_driver_sql("DROP TABLE IF EXISTS drafts, rooms, room_viewers, schema_version, "
                             "legacy")
    engine.dispose()
    return chosen


@pytest.fixture
def db(backend: Backend) -> Iterator[DraftsDB]:
    database = DraftsDB(backend.url)
    yield database
    database.dispose()


def test_save_and_load_round_trip(db: DraftsDB) -> None:
    saved = db.save(draft(author="JS", icb="E54000057")).saved
    loaded = db.load(saved.id)
    assert loaded == saved
    assert loaded.draft == draft(author="JS", icb="E54000057")
    assert loaded.created_at.tzinfo is not None
    assert load_draft_config(f"draft:{saved.id}", db).blocks.values.tolist() == [
        list(row) for row in ROWS]


def test_a_draft_opened_with_other_boundaries_is_refused(db: DraftsDB) -> None:
    saved = db.save(draft()).saved
    assert load_draft_config(saved.id, db, vintage="2024").draft_id == saved.id
    with pytest.raises(DraftError, match="uses the codes of the April 2024 boundaries, not "
                                         "April 2026: open it with vintage 2024"):
        load_draft_config(saved.id, db, vintage="2026")


def test_saving_twice_is_one_draft_as_first_saved(db: DraftsDB) -> None:
    first = db.save(draft("first name"))
    second = db.save(draft("second name"))
    assert (first.created, second.created) == (True, False)
    assert second.saved == first.saved and second.saved.draft.name == "first name"
    assert [s.id for s in db.list()] == [first.saved.id]


@pytest.mark.parametrize("same", [True, False], ids=["same draft", "different drafts"])
def test_concurrent_saves_from_separate_servers(backend: Backend, same: bool) -> None:
    """Eight threads, each its own DraftsDB (as eight servers), first use included."""
    servers = [DraftsDB(backend.url) for _ in range(8)]
    drafts = [draft(rows=ROWS if same else [("Bolton", "lad", f"E0800000{i}")])
              for i in range(8)]
    results, errors, start = [None] * 8, [], threading.Barrier(8)

    def save(i: int) -> None:
        start.wait()
        try:
            results[i] = servers[i].save(drafts[i])
        except Exception as error:  # collected: an assertion below names it
            errors.append(error)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.created for r in results) == (1 if same else 8)
    assert {r.saved.id for r in results} == {d.id for d in drafts}
    assert len(servers[0].list()) == (1 if same else 8)
    for server in servers:
        server.dispose()


def test_history_follows_parents(db: DraftsDB) -> None:
    v1 = db.save(draft()).saved
    v2 = db.save(draft(rows=[*ROWS, ("Wigan", "ward", "E05000650")], parent_id=v1.id)).saved
    v3 = db.save(draft(rows=ROWS[:1], parent_id=v2.id)).saved
    assert [s.id for s in db.history(v3.id)] == [v3.id, v2.id, v1.id]
    with pytest.raises(DraftNotFound, match=r"has no draft 0123456789abcdef \(named as the parent"):
        db.save(draft(rows=ROWS[1:], parent_id="0123456789abcdef"))
    assert len(db.list()) == 3


def test_list_is_newest_first_without_blocks(db: DraftsDB) -> None:
    ids = []
    for name in ("a", "b", "c"):
        ids.append(db.save(draft(name, rows=[(name, "lad", "E08000001")])).saved.id)
        time.sleep(0.002)
    listed = db.list()
    assert [s.id for s in listed] == ids[::-1]
    assert [s.name for s in listed] == ["c", "b", "a"]
    assert listed[0].block_count == 1 and not hasattr(listed[0], "blocks")
    assert [s.id for s in db.list(limit=2)] == ids[:0:-1]


def test_a_new_database_is_at_the_latest_schema(db: DraftsDB) -> None:
    assert db.schema_version() == MIGRATIONS[-1].version == len(MIGRATIONS) == 2


def test_an_older_schema_is_upgraded_in_place(backend: Backend) -> None:
    """Version 0 (a version table saying 0, another app's table beside it) is upgraded to the
    latest; then a further step (as a future Placemap would add) upgrades it again, keeping
    drafts."""
    engine = sa.create_engine(sa.make_url(backend.url).set(
        drivername="postgresql+psycopg" if backend.name == "postgresql" else "sqlite"))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO schema_version VALUES (0)")
        conn.exec_driver_sql("CREATE TABLE legacy (x INTEGER)")
    first = DraftsDB(backend.url)
    latest = MIGRATIONS[-1].version
    assert first.schema_version() == latest
    saved = first.save(draft()).saved
    first.dispose()

    def add_note(conn: sa.Connection) -> None:
        conn.exec_driver_sql("ALTER TABLE drafts ADD COLUMN note TEXT")

    later = DraftsDB(backend.url, migrations=[*MIGRATIONS, Migration(latest + 1, "note", add_note)])
    assert later.schema_version() == latest + 1
    assert later.load(saved.id) == saved
    later.dispose()
    with pytest.raises(DraftError, match=f"schema version {latest + 1}, newer than this "
                                         rf"Placemap knows \({latest}\): upgrade Placemap"):
        DraftsDB(backend.url).list()
    with engine.connect() as conn:
        assert sa.inspect(conn).has_table("legacy")
    engine.dispose()


def test_malformed_and_unknown_ids_say_so(db: DraftsDB, backend: Backend) -> None:
    with pytest.raises(DraftError, match="'12345' is not a draft id"):
        db.load("12345")
    kind = "SQLite drafts file" if backend.name == "sqlite" else "PostgreSQL drafts database"
    with pytest.raises(DraftNotFound, match=f"the {kind} .* has no draft 0123456789abcdef: "):
        db.load("draft:0123456789abcdef")


def test_unreachable_database_is_said_without_the_password() -> None:
    db = DraftsDB("postgresql://reviewer:s3cret@127.0.0.1:1/drafts", connect_timeout_s=1)
    started = time.perf_counter()
    with pytest.raises(DraftsUnavailable) as caught:
        db.save(draft())
    assert time.perf_counter() - started < 5
    message = str(caught.value)
    assert "PostgreSQL drafts database 'drafts' on 127.0.0.1:1 is unreachable" in message
    assert "s3cret" not in message and "try again" in message


def test_pending_saves_wait_for_the_database_and_lose_nothing(backend: Backend,
                                                              tmp_path: Path) -> None:
    """The database goes away (SQLite: its folder is missing; PostgreSQL: the server stops),
    two saves queue in order, and both are saved when it is back."""
    if backend.name == "sqlite":
        folder = tmp_path / "not yet"
        db = DraftsDB(sqlite_url(folder / "placemap.sqlite3"))
        go_away, come_back = (lambda: None), (lambda: folder.mkdir())
    else:
        if backend.cluster is None:
            pytest.skip("stopping the server needs the test's own cluster "
                        "(PLACEMAP_TEST_POSTGRES_URL is set)")
        db = DraftsDB(backend.url, connect_timeout_s=1)
        db.list()  # connected (and pooled) before the server goes away
        go_away, come_back = backend.cluster.stop, backend.cluster.start
    queue = PendingSaves(db)
    parent = draft()
    child = draft(rows=ROWS[:1], parent_id=parent.id)
    go_away()
    try:
        assert queue.save(parent) is None and queue.save(child) is None
        assert queue.pending == [parent, child]
        assert "is unreachable" in queue.last_error
    finally:
        come_back()
    results = queue.flush()
    assert [r.saved.id for r in results] == [parent.id, child.id]
    assert queue.pending == [] and queue.last_error is None
    assert [s.id for s in db.history(child.id)] == [child.id, parent.id]
    db.dispose()


def test_pending_saves_save_at_once_when_the_database_is_there(db: DraftsDB) -> None:
    result = PendingSaves(db).save(draft())
    assert result is not None and result.created and db.load(result.saved.id)


def test_a_pending_save_that_cannot_be_saved_is_raised_not_retried(db: DraftsDB) -> None:
    queue = PendingSaves(db)
    orphan = draft(parent_id="0123456789abcdef")
    with pytest.raises(DraftNotFound, match="named as the parent"):
        queue.save(orphan)
    assert queue.pending == []
    assert queue.save(draft()).created


def test_a_large_draft_round_trips(db: DraftsDB) -> None:
    big = lsoa_draft(2000)
    assert db.load(db.save(big).saved.id).draft == big
