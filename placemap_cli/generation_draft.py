"""``placemap drafts from-generation G --vintage V``: one generation's ICBs as an ICB draft over
another's boundaries, written from the store (never a committed file cut from the sources).

``placemap drafts from-generation 2026 --vintage 2024 > april2026.csv`` then
``placemap flags --england --vintage 2024 --icbs april2026.csv``: the April 2026 ICBs as just
another configuration over April 2024.
"""

from __future__ import annotations

import argparse
import sys

from layers import GENERATIONS
from services.drafts import make_draft
from services.icb_drafts import generation_icb_rows
from services.io.draft_files import draft_csv_text
from services.io.store import load_store


def register_action(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("from-generation", help="a generation's ICBs as an ICB draft "
                                "over another generation (CSV on stdout)")
    parser.add_argument("generation", choices=list(GENERATIONS), help="whose ICBs to write")
    parser.add_argument("--vintage", required=True, choices=list(GENERATIONS),
                        help="the boundaries the draft is over (its codes' generation)")
    parser.add_argument("--store", help="store folder (default: PLACEMAP_STORE)")
    parser.set_defaults(run=_from_generation)


def _from_generation(args: argparse.Namespace) -> int:
    if args.generation == args.vintage:
        raise ValueError(f"the {GENERATIONS[args.vintage].label} ICBs over themselves change "
                         "nothing: give two different generations")
    target, over = GENERATIONS[args.generation], GENERATIONS[args.vintage]
    rows = generation_icb_rows(load_store(args.store), target.id, over.id)
    draft = make_draft("icb", over.id, rows, f"ICBs of {target.label} over {over.label}")
    sys.stdout.write(draft_csv_text(draft))
    return 0
