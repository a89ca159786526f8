"""A store write killed (SIGKILL) before any one of its file operations leaves a loadable store at
the path, and the next build cleans up what it left: at most the current and previous versions,
no partial folders, the path a symlink switched atomically."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.io.store import load_store, write_store
from tests.tiny_store import tiny_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("scenario", ["legacy", "versioned"])
def test_a_killed_write_leaves_a_loadable_store(tmp_path: Path, scenario: str) -> None:
    run = subprocess.run([sys.executable, "-m", "tests.store_kills", str(tmp_path), scenario],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    states = sorted(tmp_path.glob("kill-*"))
    assert len(states) == int(run.stdout) >= 12
    loaded, following = [], tiny_store("next")
    for state in states:
        loaded.append(load_store(state / "store").meta["built_at"])
        write_store(state / "store", **following)
        assert json.loads((state / "store" / "meta.json").read_text())["built_at"] == "next"
        assert sorted(path.name for path in state.iterdir()) == ["store", "store.versions"]
        assert (state / "store").is_symlink()
        versions = sorted(path.name for path in (state / "store.versions").iterdir())
        assert len(versions) == 3 and versions[0] == ".lock", (state.name, versions)
        assert not any(name.endswith(".tmp") for name in versions)
    # Killed before the switch: the old store; after it: the new one; never anything else.
    assert set(loaded) == {"old", "new"}, loaded
    assert loaded == sorted(loaded, key=["old", "new"].index)
