"""The store's versions: a build switches the symlink and keeps the previous version; the next
start (``load_store``) or build recovers or removes what killed builds, old or new, left."""

from __future__ import annotations

import shutil
from pathlib import Path

from services.io import store_swap
from services.io.store import load_store
from tests.tiny_store import write_tiny


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _plain_store(path: Path, built_at: str) -> None:
    """A store folder as Placemap wrote it before versions."""
    write_tiny(path.with_name("scratch"), built_at)
    shutil.copytree(path.with_name("scratch").resolve(), path)
    path.with_name("scratch").unlink()
    shutil.rmtree(path.with_name("scratch.versions"))


def test_builds_keep_the_current_and_previous_versions(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for built_at in ("1", "2", "3"):
        write_tiny(store, built_at)
    versions = store_swap.complete_versions(store)
    assert len(versions) == 2
    assert store.is_symlink() and store.resolve() == versions[-1]
    assert load_store(store).meta["built_at"] == "3"
    assert load_store(versions[0]).meta["built_at"] == "2"


def test_a_plain_store_folder_is_moved_into_the_versions(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _plain_store(store, "old")
    assert load_store(store).meta["built_at"] == "old"
    assert _names(tmp_path) == ["store"]  # loading alone changes nothing
    write_tiny(store, "new")
    assert store.is_symlink() and load_store(store).meta["built_at"] == "new"
    previous = store_swap.complete_versions(store)[0]
    assert previous.name.startswith(store_swap.LEGACY_PREFIX)
    assert load_store(previous).meta["built_at"] == "old"


def test_start_recovers_a_store_set_aside_by_an_earlier_placemap(tmp_path: Path) -> None:
    """Killed between its two renames, an earlier Placemap left the good store in ``.old-*``
    and a complete new one in ``.tmp-*``: the good store comes back, the partial goes."""
    _plain_store(tmp_path / "store.old-1234abcd", "good")
    _plain_store(tmp_path / "store.tmp-5678abcd", "unfinished")
    assert load_store(tmp_path / "store").meta["built_at"] == "good"
    assert _names(tmp_path) == ["store", "store.versions"]
    assert (tmp_path / "store").is_symlink()


def test_start_removes_partial_versions_and_repoints_a_missing_link(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_tiny(store, "1")
    write_tiny(store, "2")
    partial = store_swap.versions_dir(store) / "20990101T000000.000000-deadbeef.tmp"
    partial.mkdir()
    store.unlink()  # as after a kill while a plain folder was being moved aside
    assert load_store(store).meta["built_at"] == "2"
    assert not partial.exists() and store.is_symlink()
    assert len(store_swap.complete_versions(store)) == 2


def test_a_reader_while_a_build_holds_the_lock_reads_the_newest_version(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_tiny(store, "1")
    store.unlink()
    with store_swap.build_lock(store):
        assert load_store(store).meta["built_at"] == "1"
    assert not store.exists()  # left for the build (or the next start) to repoint
