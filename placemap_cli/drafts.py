"""``placemap drafts save|list|show``: drafts in the shared database from the command line.

``save`` prints the draft id as its last line (for scripts); ``show --format csv`` prints a file
that ``save`` reads back to the same draft. The database is ``PLACEMAP_DATABASE_URL`` or the
SQLite file beside the store (``--database`` overrides both).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from layers import GENERATIONS, LATEST
from placemap_cli.generation_draft import register_action
from services.drafts import SavedDraft
from services.io.draft_files import draft_csv_text, draft_from_file, read_draft_csv
from services.io.drafts_db import DraftsDB, DraftsUnavailable


def register(commands: argparse._SubParsersAction) -> None:
    drafts = commands.add_parser("drafts", help="save, list and show drafts in the database")
    actions = drafts.add_subparsers(dest="action", required=True)
    save = actions.add_parser("save", help="save a draft file (prints its id last)")
    save.add_argument("file", type=Path, help="CSV icb|place|neighbourhood,block_type,code")
    save.add_argument("--name", help="the draft's name (default: the file's '# name:')")
    save.add_argument("--author", help="who made it (a label, e.g. initials)")
    save.add_argument("--parent", help="the draft id this is an edit of (history)")
    save.add_argument("--icb", help="the ICB code the draft is for")
    save.add_argument("--vintage", choices=list(GENERATIONS),
                      help=f"the generation its codes are of (default: the file's "
                           f"'# vintage:', else {LATEST})")
    save.set_defaults(run=_save)
    listing = actions.add_parser("list", help="saved drafts, newest first")
    listing.add_argument("--format", default="table", choices=["table", "json"])
    listing.add_argument("--limit", type=int, help="only the newest N")
    listing.set_defaults(run=_list)
    show = actions.add_parser("show", help="one draft, as CSV (re-savable) or JSON")
    show.add_argument("id", help="draft id (or draft:ID)")
    show.add_argument("--format", default="csv", choices=["csv", "json"])
    show.set_defaults(run=_show)
    register_action(actions)
    for parser in (save, listing, show):
        parser.add_argument("--database", help="database URL (default: PLACEMAP_DATABASE_URL, "
                                               "else the SQLite file beside the store)")


def _save(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise FileNotFoundError(f"no draft file {args.file}: give a CSV "
                                "icb|place|neighbourhood,block_type,code")
    file = read_draft_csv(args.file)
    draft = draft_from_file(file, name=args.name, vintage=args.vintage, author=args.author,
                            parent_id=args.parent, icb=args.icb)
    if not args.vintage and "vintage" not in file.facts:
        print(f"note: the file states no '# vintage:'; saved as {draft.vintage} "
              f"({GENERATIONS[draft.vintage].label}); give --vintage if its codes are of "
              "another generation", file=sys.stderr)
    result = _db(args, lambda db: db.save(draft))
    saved = result.saved
    if result.created:
        print(f"saved {saved.draft.tier} draft {saved.draft.name!r} ({saved.draft.block_count} "
              f"blocks, vintage {saved.draft.vintage})")
    else:
        print(f"already saved on {saved.created_at:%Y-%m-%d %H:%M} UTC as "
              f"{saved.draft.name!r}: the same draft keeps its id")
    print(saved.id)
    return 0


def _list(args: argparse.Namespace) -> int:
    summaries = _db(args, lambda db: db.list(args.limit))
    records = [{"id": s.id, "name": s.name, "tier": s.tier, "icb": s.icb, "vintage": s.vintage,
                "created_at": s.created_at.isoformat(timespec="seconds"), "author": s.author,
                "parent_id": s.parent_id, "block_count": s.block_count} for s in summaries]
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif records:
        print(pd.DataFrame(records).fillna("").to_string(index=False))
    else:
        print("(no drafts saved yet: `placemap drafts save FILE --name N`)")
    return 0


def _show(args: argparse.Namespace) -> int:
    saved: SavedDraft = _db(args, lambda db: db.load(args.id))
    if args.format == "csv":
        sys.stdout.write(draft_csv_text(saved.draft, saved.id))
        return 0
    draft = saved.draft
    json.dump({"id": saved.id, "name": draft.name, "tier": draft.tier, "vintage": draft.vintage,
               "icb": draft.icb, "author": draft.author, "parent_id": draft.parent_id,
               "created_at": saved.created_at.isoformat(), "block_count": draft.block_count,
               "blocks": [{draft.tier: b.area, "block_type": b.block_type, "code": b.code}
                          for b in draft.blocks]},
              sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _db(args: argparse.Namespace, action):
    """Run one database action; an unreachable database is said, exit status 3."""
    db = DraftsDB(args.database)
    try:
        return action(db)
    except DraftsUnavailable as error:
        print(f"placemap: {error}", file=sys.stderr)
        raise SystemExit(3) from None
    finally:
        db.dispose()
