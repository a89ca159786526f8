"""``python -m tests.store_kills ROOT SCENARIO``: kill a store write at every file operation.

For n = 1, 2, … a forked child copies a template store into ``ROOT/kill-<n>`` and writes a new
tiny store there, SIGKILLing itself just before its n-th file operation (mkdir, parquet or JSON
write, rename, symlink, unlink, …), until a write finishes (the last folder: a kill just after
it). Each folder is then a store as a killed build left it, for the test to load. Forked children
keep this fast: one interpreter start, and the new store's frames made once, before any fork.

Scenarios: ``legacy`` (a plain store folder of an earlier Placemap, with a ``.tmp-*`` partial it
left), ``versioned`` (current and previous versions, and a partial version).
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from services.io.store import write_store
from tests.tiny_store import tiny_store, write_tiny

#: File operations that change what is on disk, wrapped to count them (shutil.rmtree and pathlib
#: call these; an fsync changes nothing a kill, as opposed to a power cut, could reveal).
OS_OPERATIONS = ("mkdir", "rename", "replace", "symlink", "unlink", "rmdir")


def _kill_before(n: int) -> None:
    """SIGKILL this process just before its n-th file operation from now."""
    count = 0

    def counted(operation: Callable) -> Callable:
        @functools.wraps(operation)
        def run(*args: object, **kwargs: object) -> object:
            nonlocal count
            count += 1
            if count == n:
                os.kill(os.getpid(), signal.SIGKILL)
            return operation(*args, **kwargs)
        return run

    for name in OS_OPERATIONS:
        setattr(os, name, counted(getattr(os, name)))
    for owner in (pd.DataFrame, gpd.GeoDataFrame):
        owner.to_parquet = counted(owner.to_parquet)
    Path.write_text = counted(Path.write_text)


def _killed_write(n: int, path: Path, store: dict) -> None:
    _kill_before(n)
    write_store(path, **store)


def _in_child(work: Callable[[], object]) -> int:
    """Run ``work`` in a forked child; its wait status."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    return os.waitpid(pid, 0)[1]


def _prepare(template: Path, scenario: str) -> None:
    if scenario == "legacy":
        write_tiny(template / "build" / "store", "old")
        shutil.copytree((template / "build" / "store").resolve(), template / "store")
        shutil.rmtree(template / "build")
        (template / "store.tmp-0badf00d").mkdir()
        (template / "store.tmp-0badf00d" / "spine.parquet").write_bytes(b"PAR1 half")
    else:
        write_tiny(template / "store", "older")
        write_tiny(template / "store", "old")
        (template / "store.versions" / "20000101T000000-0badf00d.tmp").mkdir()


def main(root: Path, scenario: str) -> int:
    template = root / "template"
    if _in_child(lambda: _prepare(template, scenario)) != 0:
        raise SystemExit("could not prepare the template store")
    new = tiny_store("new")
    n = 1
    while True:
        state = root / f"kill-{n:03}"
        shutil.copytree(template, state, symlinks=True)
        status = _in_child(functools.partial(_killed_write, n, state / "store", new))
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            n += 1
            continue
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the write failed at kill point {n} instead of being killed")
        return n  # the write finished: a kill just after its last operation


if __name__ == "__main__":
    print(main(Path(sys.argv[1]), sys.argv[2]))
