"""Shared fixtures. Integration tests read a store built once per run from ``PLACEMAP_MIRROR``;
without the mirror they fail (never skip), because CI must exercise the real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from filelock import FileLock

from services.build.store import build_store
from services.io.store import Store, load_store


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    value = os.environ.get("PLACEMAP_MIRROR")
    if not value or not Path(value).is_dir():
        pytest.fail(
            "Integration tests need the official files: set PLACEMAP_MIRROR to the mirror folder "
            "(e.g. PLACEMAP_MIRROR=../shared/geodata-src), as .ci/run does."
        )
    return Path(value)


@pytest.fixture(scope="session")
def store_dir(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory,
              worker_id: str) -> Path:
    """A store built from the mirror by the code under test, once per test run: with
    pytest-xdist the first worker builds it in the run's shared temp folder and the others wait
    for it. ``PLACEMAP_TEST_STORE`` names a store built by this same code instead: ``make test``
    builds one with ``placemap data build`` and gives it to both of its pytest runs."""
    reuse = os.environ.get("PLACEMAP_TEST_STORE")
    if reuse:
        return Path(reuse)
    if worker_id == "master":  # no xdist: this process alone
        path = tmp_path_factory.mktemp("store") / "store"
        build_store(path, log=lambda message: None)
        return path
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, above each worker's
    path = shared / "store"
    with FileLock(str(shared / "store.lock")):
        if not (shared / "store.built").exists():
            build_store(path, log=lambda message: None)
            (shared / "store.built").touch()
    return path


@pytest.fixture(scope="session")
def loaded_store(store_dir: Path) -> Store:
    """The store as loaded: every generation's layer vintages."""
    return load_store(store_dir)


@pytest.fixture(scope="session")
def store(loaded_store: Store) -> Store:
    return loaded_store


@pytest.fixture(scope="session")
def store_2024(loaded_store: Store) -> Store:
    return loaded_store.generation("2024")


@pytest.fixture(scope="session")
def store_2026(loaded_store: Store) -> Store:
    return loaded_store.generation("2026")
