"""``placemap changes``: what changed between two boundary generations (ICBs, sub-ICB locations,
councils' and HWB areas' ICB splits, places of the default scheme), for England or one ICB.

Output is deterministic (sorted by the service) in three forms: ``table`` for reading, ``csv``
(one tidy table: a ``section`` column naming the table, then the union of the tables' columns)
and ``json`` (``from``, ``to``, ``scope``, ``summary`` and one list of records per table).
Columns name their vintage (``icb_2024_code``, ``lad_2025_name``, ``people_2026``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from layers import GENERATIONS, Generation
from services.changes import DEFAULT_FROM, DEFAULT_TO, TITLES, Changes, changes
from services.export import csv_line
from services.io.store import load_store
from services.workspace import Workspace


def register(commands: argparse._SubParsersAction) -> None:
    labels = ", ".join(f"{g.id} = {g.label}" for g in GENERATIONS.values())
    parser = commands.add_parser("changes", help="what changed between two boundary generations")
    parser.add_argument("--from", dest="old", default=DEFAULT_FROM, choices=list(GENERATIONS),
                        help=f"the earlier generation ({labels}; default {DEFAULT_FROM})")
    parser.add_argument("--to", dest="new", default=DEFAULT_TO, choices=list(GENERATIONS),
                        help=f"the later generation (default {DEFAULT_TO})")
    parser.add_argument("--icb", help="only what touches this ICB's people: an ICB code of "
                                      "either generation (E54...), ODS code or name")
    parser.add_argument("--format", default="table", choices=["table", "csv", "json"])
    parser.add_argument("--store", help="store folder (default: PLACEMAP_STORE)")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    if args.old == args.new:
        raise ValueError(f"--from and --to are both {args.old}: choose two different generations "
                         f"({', '.join(GENERATIONS)}).")
    store = load_store(args.store)
    result = changes(Workspace(store, args.old), Workspace(store, args.new), args.icb)
    if args.format == "json":
        json.dump(as_json(result), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.format == "csv":
        write_csv(result, sys.stdout)
    else:
        print(as_table(result))
    return 0


def _generation(generation: Generation) -> dict:
    return {"id": generation.id, "label": generation.label,
            "effective": generation.effective.isoformat()}


def _scope(result: Changes) -> str:
    return "England" if result.icb_code is None else f"what touches ICB {result.icb_code}"


def as_json(result: Changes) -> dict:
    return {"from": _generation(result.old), "to": _generation(result.new),
            "scope": _scope(result), "population": "Census 2021 usual residents, exact (sums "
            "of whole LSOAs)", "summary": result.summary(),
            "tables": {name: [{key: _plain(value) for key, value in row.items()}
                              for row in frame.to_dict(orient="records")]
                       for name, frame in result.tables().items()}}


def _plain(value: object) -> object:
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def write_csv(result: Changes, out) -> None:
    """One tidy table: ``section`` then the union of every table's columns, in first-seen
    order, through the one CSV writer (formula cells neutralised, see services.export)."""
    columns = list(dict.fromkeys(c for frame in result.tables().values() for c in frame.columns))
    out.write(csv_line(["section", *columns]))
    for name, frame in result.tables().items():
        for row in frame.reindex(columns=columns).itertuples(index=False):
            out.write(csv_line([name, *(_plain(value) for value in row)]))


def as_table(result: Changes) -> str:
    out = [f"Changes from {result.old.label} to {result.new.label} ({_scope(result)}); people: "
           "Census 2021 usual residents (exact, sums of whole LSOAs)"]
    summary = result.summary()
    out.append("  " + "; ".join(f"{key.replace('_', ' ')}: {value:,}"
                                for key, value in summary.items()))
    with pd.option_context("display.width", 250, "display.max_colwidth", 120,
                           "display.max_rows", None, "display.max_columns", None):
        for name, frame in result.tables().items():
            out.append(f"\n{TITLES[name]} ({len(frame)})")
            out.append(frame.fillna("").to_string(index=False) if len(frame) else "(none)")
    return "\n".join(out)
