"""The ``placemap`` command: one argparse tree, each command group in its own module."""

from __future__ import annotations

import argparse
import sys

from placemap_cli import changes, data, drafts, maps, report
from services.io.download import DownloadError
from services.io.drafts_faults import DraftsUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="placemap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (data, report, changes, maps, drafts):
        module.register(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except (ValueError, KeyError, FileNotFoundError, DownloadError, DraftsUnavailable) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"placemap: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
