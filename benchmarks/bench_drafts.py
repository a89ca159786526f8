"""Drafts benchmarks: save and load (< 50 ms each) on SQLite and PostgreSQL, for a Greater
Manchester-size draft (the published 10-locality file) and a large one (2,000 LSOA rows).

Baseline, measured in the same run: the naive way, a new engine (connection, schema check) per
call; the CSV file a draft would otherwise be (write / read and parse) is shown beside it.
PostgreSQL: ``PLACEMAP_TEST_POSTGRES_URL``, else a throwaway cluster on 127.0.0.1 (Debian's
``postgresql`` binaries, as the tests use, but with fsync on, as deployed). SQLite: a temp file
(write-ahead log, fsync per commit). No store is needed.

Run: .venv/bin/python benchmarks/bench_drafts.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from common import print_table, timed

from services.drafts import Draft, make_draft
from services.io.draft_files import draft_csv_text, draft_from_file, read_draft_csv
from services.io.drafts_db import DraftsDB, sqlite_url
from services.io.place_files import PLACES_DIR

# The throwaway cluster is the tests' own (tests/ is not an installed package).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.postgres_server import start_cluster

TARGET_S = 0.050
RUNS = 20


def gm_draft(variant: int) -> Draft:
    """The published Greater Manchester file with one LSOA row making each run a new draft."""
    file = read_draft_csv(PLACES_DIR / "greater_manchester.csv")
    rows = [*file.rows, ("Wigan", "lsoa", f"E01{900000 + variant:06d}")]
    return make_draft(file.tier, file.facts["vintage"], rows, file.facts["name"])


def large_draft(variant: int) -> Draft:
    rows = [(f"Place {i % 10}", "lsoa", f"E01{i:06d}") for i in range(2000)]
    rows.append(("Place 0", "lsoa", f"E01{900000 + variant:06d}"))
    return make_draft("place", "2024", rows, "2,000 LSOAs")


def median_s(work: Callable[[int], object]) -> float:
    work(-1)  # warm (pool, statement cache), as in a running server
    return statistics.median(timed(lambda i=i: work(i)) for i in range(RUNS))


def backend_rows(label: str, url: str, scratch: Path) -> list[list[str]]:
    db = DraftsDB(url)
    rows = []
    offset = 0
    for size, make in (("GM (11 rows)", gm_draft), ("large (2,001 rows)", large_draft)):
        drafts = {i: make(offset + i) for i in range(-1, RUNS)}
        offset += 1000
        saved_ids = [db.save(d).saved.id for d in (make(offset + i) for i in range(-1, RUNS))]
        offset += 1000

        def fresh(work: Callable[[DraftsDB], object]) -> None:
            other = DraftsDB(url)
            work(other)
            other.dispose()

        save_s = median_s(lambda i, d=drafts: db.save(d[i]))
        again_s = median_s(lambda i, d=drafts: db.save(d[i]))
        load_s = median_s(lambda i, ids=saved_ids: db.load(ids[i + 1]))
        naive_drafts = {i: make(offset + i) for i in range(-1, RUNS)}
        offset += 1000
        naive_save_s = median_s(lambda i, d=naive_drafts: fresh(lambda o: o.save(d[i])))
        naive_load_s = median_s(lambda i, ids=saved_ids: fresh(lambda o: o.load(ids[i + 1])))
        rows += [_row(f"{label} save new, {size}", save_s, naive_save_s),
                 _row(f"{label} save again (same id), {size}", again_s, naive_save_s),
                 _row(f"{label} load, {size}", load_s, naive_load_s)]
        if label == "SQLite":
            rows += _csv_rows(size, drafts[0], scratch)
    db.dispose()
    return rows


def _csv_rows(size: str, draft: Draft, scratch: Path) -> list[list[str]]:
    path = scratch / "draft.csv"
    write_s = median_s(lambda _i: path.write_text(draft_csv_text(draft, draft.id)))
    read_s = median_s(lambda _i: draft_from_file(read_draft_csv(path)))
    return [[f"(reference) CSV file write, {size}", _ms(write_s), "", "", "", ""],
            [f"(reference) CSV file read, {size}", _ms(read_s), "", "", "", ""]]


def _row(measure: str, value_s: float, baseline_s: float) -> list[str]:
    return [measure, _ms(value_s), f"< {_ms(TARGET_S)}", f"{_ms(baseline_s)} (new engine)",
            f"{baseline_s / value_s:.1f}x", "PASS" if value_s < TARGET_S else "FAIL"]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        rows = backend_rows("SQLite", sqlite_url(Path(scratch) / "placemap.sqlite3"),
                            Path(scratch))
        given = os.environ.get("PLACEMAP_TEST_POSTGRES_URL")
        cluster = None if given else start_cluster(durable=True)
        try:
            rows += backend_rows("PostgreSQL", given or cluster.url, Path(scratch))
        finally:
            if cluster is not None:
                cluster.remove()
    print(f"Drafts: median of {RUNS} calls each, after one warm-up call")
    print_table(rows)


if __name__ == "__main__":
    main()
