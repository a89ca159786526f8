"""Store versions behind one symlink, so a new store is swapped in by one atomic rename.

Layout beside the store path (``geodata/store`` or ``PLACEMAP_STORE``)::

    store -> store.versions/<version>     a relative symlink: what every reader opens
    store.versions/<version>/             complete versions: the current one and the previous
    store.versions/<version>.tmp/         being written; never read
    store.versions/.lock                  held (flock) by a build from writing to tidying

A version is written under ``.tmp``, made complete by one rename, then made current by
``os.replace`` of a new symlink over the old one. A kill at any moment therefore leaves the store
path on a complete version, except while a plain store folder of an older Placemap is moved into
``store.versions`` (a folder cannot be atomically replaced by a symlink): then the next start or
build points the path at the newest complete version. Both also tidy what killed builds left.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

PARTIAL_SUFFIX = ".tmp"
#: A plain store folder moved into ``store.versions`` sorts before every timestamped version.
LEGACY_PREFIX = "0-legacy-"
#: Siblings earlier Placemaps left when killed: a partial write, the good store set aside.
OLD_PARTIAL, OLD_RETIRED, LINK_TEMP = ".tmp-", ".old-", ".link-"


def versions_dir(path: Path) -> Path:
    return path.with_name(f"{path.name}.versions")


@contextmanager
def build_lock(path: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the store's build lock (released by the kernel if the holder is killed); yields
    False at once, without it, when ``wait`` is false and another build holds it."""
    versions_dir(path).mkdir(parents=True, exist_ok=True)
    with open(versions_dir(path) / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def new_version(path: Path) -> Path:
    """A fresh partial version folder to write into (call under :func:`build_lock`)."""
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S.%f}-{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}"
    partial = versions_dir(path) / name
    partial.mkdir()
    return partial


def publish(path: Path, partial: Path) -> None:
    """Make the written ``partial`` complete, then current; keep the version it replaces."""
    _sync_folder(partial)
    complete = partial.with_name(partial.name.removesuffix(PARTIAL_SUFFIX))
    os.rename(partial, complete)
    previous = current_version(path)
    if path.is_dir() and not path.is_symlink():  # a plain store folder of an older Placemap
        previous = versions_dir(path) / f"{LEGACY_PREFIX}{uuid.uuid4().hex[:8]}"
        os.rename(path, previous)
    _point(path, complete)
    _prune(path, keep={complete.name, previous.name if previous else ""})


def current_version(path: Path) -> Path | None:
    """The version folder the store path points at, or None (no store, or a plain folder)."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    return target if target.parent == versions_dir(path).resolve() and target.is_dir() else None


def has_leftovers(path: Path) -> bool:
    """Whether there are versions, or siblings an earlier Placemap left, to tidy."""
    return versions_dir(path).is_dir() or any(_leftovers(path))


def _leftovers(path: Path) -> Iterator[tuple[Path, str]]:
    for sibling in path.parent.glob(f"{path.name}.*"):
        suffix = sibling.name[len(path.name):]
        if suffix.startswith((OLD_PARTIAL, OLD_RETIRED, LINK_TEMP)):
            yield sibling, suffix


def tidy(path: Path) -> None:
    """Recover and clean up after killed builds (call under :func:`build_lock`): adopt a store an
    earlier Placemap set aside, drop partial writes, point a missing store path at the newest
    complete version, and keep only the current and previous versions."""
    versions = versions_dir(path)
    for leftover, suffix in list(_leftovers(path)):
        if suffix.startswith(OLD_RETIRED) and leftover.is_dir():
            os.rename(leftover, versions / f"{LEGACY_PREFIX}{suffix[len(OLD_RETIRED):]}")
        elif suffix.startswith(OLD_PARTIAL):
            shutil.rmtree(leftover, ignore_errors=True)
        elif suffix.startswith(LINK_TEMP):
            leftover.unlink(missing_ok=True)
    for partial in versions.glob(f"*{PARTIAL_SUFFIX}"):
        shutil.rmtree(partial, ignore_errors=True)
    if not path.exists() and complete_versions(path):
        _point(path, complete_versions(path)[-1])
    if path.exists():
        current = current_version(path)  # None for a plain store folder: all versions older
        older = [version for version in complete_versions(path)
                 if current is None or version.name < current.name]
        _prune(path, keep={current.name if current else "", *(v.name for v in older[-1:])})


def complete_versions(path: Path) -> list[Path]:
    """Complete versions, oldest first (names start with their UTC build time, to the µs)."""
    versions = versions_dir(path)
    if not versions.is_dir():
        return []
    return sorted(folder for folder in versions.iterdir()
                  if folder.is_dir() and not folder.name.endswith(PARTIAL_SUFFIX))


def _prune(path: Path, keep: set[str]) -> None:
    """Remove the other versions, each first renamed partial: a kill mid-way leaves no
    half-deleted folder that looks complete."""
    for version in complete_versions(path):
        if version.name not in keep:
            discarded = version.with_name(f"{version.name}{PARTIAL_SUFFIX}")
            os.rename(version, discarded)
            shutil.rmtree(discarded, ignore_errors=True)


def _point(path: Path, version: Path) -> None:
    """Switch the store path to ``version`` with one atomic rename of a relative symlink."""
    link = path.with_name(f"{path.name}{LINK_TEMP}{uuid.uuid4().hex[:8]}")
    os.symlink(os.path.relpath(version, path.parent), link)
    os.replace(link, path)
    _fsync(path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush a written version to disk before it is renamed complete (power loss, not only a
    kill, must leave either the old or the whole new version)."""
    for file in folder.iterdir():
        _fsync(file)
    _fsync(folder)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
