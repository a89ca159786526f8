"""``placemap data build|check``: make the geography store and report what is in it."""

from __future__ import annotations

import argparse
from pathlib import Path

from services.build.store import build_store
from services.io.store import load_store, store_size_bytes
from services.store_summary import report_lines, store_summary


def register(commands: argparse._SubParsersAction) -> None:
    data = commands.add_parser("data", help="build or check the geography store")
    actions = data.add_subparsers(dest="action", required=True)
    build = actions.add_parser("build", help="build the store from PLACEMAP_MIRROR or the web")
    build.add_argument("--store", type=Path, help="store folder (default: PLACEMAP_STORE)")
    build.set_defaults(run=_build)
    check = actions.add_parser("check", help="check the store loads (exit status 2 if not) and "
                                             "print each layer: rows, vintage, population")
    check.add_argument("--store", type=Path, help="store folder (default: PLACEMAP_STORE)")
    check.set_defaults(run=_check)


def _build(args: argparse.Namespace) -> int:
    build_store(args.store)
    return _check(args)


def _check(args: argparse.Namespace) -> int:
    store = load_store(args.store)
    summary = store_summary(store)
    print(summary.to_string(index=False))
    print(f"\nstore: {store.path} ({store_size_bytes(store.path) / 1e6:.1f} MB), "
          f"built {store.meta['built_at']} in {store.meta['build_seconds']} s")
    for line in report_lines(store):
        print(line)
    return 0
