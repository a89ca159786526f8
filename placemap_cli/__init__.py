"""The ``placemap`` command: one argparse tree, each command group in its own module."""

from __future__ import annotations

import argparse
import sys

from placemap_cli import data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="placemap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (data,):
        module.register(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except (ValueError, KeyError, FileNotFoundError) as exc:
        print(f"placemap: {exc}", file=sys.stderr)
        return 2
