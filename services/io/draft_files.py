"""Draft files: CSV whose first column names the tier (``icb|place|neighbourhood,block_type,code``)
with ``# key: value`` header lines (name, vintage, icb, author, parent).

:func:`draft_csv_text` writes what :func:`read_draft_csv` reads back to the same draft (same id).
Every bad row is reported with its line (:class:`PlaceFileError`), never dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

from layers import LATEST
from services.drafts import TIER_BLOCK_TYPES, TIERS, Draft, DraftError, check_draft_id, make_draft
from services.io.place_files import PlaceFileError, problems_frame

#: Header facts a draft file may carry, in the order they are written.
FACT_KEYS = ("name", "vintage", "icb", "author", "parent", "draft")


@dataclass(frozen=True)
class DraftFile:
    """A draft file as read: its facts, its tier and its rows (area, block_type, code), with
    each row's line in the file (for problem lists)."""

    facts: dict[str, str]
    tier: str
    rows: list[tuple[str, str, str]]
    lines: tuple[int, ...] = ()


def read_draft_csv(data: str | bytes | Path, source: str | None = None) -> DraftFile:
    """The tier from the header's first column, the rows checked against that tier's blocks."""
    if isinstance(data, Path):
        source = source or data.name
        data = data.read_bytes()
    source = source or "draft CSV"
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _error(source, 1, f"not UTF-8 text ({exc.reason}); save the file as CSV "
                                    "UTF-8") from None
    lines = data.splitlines()
    facts: dict[str, str] = {}
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        key, _, value = lines[start][1:].partition(":")
        facts[key.strip().lower()] = value.strip()
        start += 1
    reader = csv.reader(io.StringIO("\n".join(lines[start:])))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if len(header) != 3 or header[0] not in TIERS or header[1:] != ["block_type", "code"]:
        shapes = " or ".join(f"{tier},block_type,code" for tier in TIERS)
        raise _error(source, start + 1, f"header is {','.join(header) or '(empty)'}; it must "
                                        f"be {shapes} (the first column names the tier)")
    tier = header[0]
    rows, lines, problems = [], [], []
    for line, cells in enumerate(reader, start=start + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != 3:
            problems.append({"line": line, "problem": f"{len(cells)} values; expected 3 "
                                                      f"({tier}, block_type, code)"})
            continue
        area, block_type, code = (cell.strip() for cell in cells)
        row = {"line": line, "place": area, "block_type": block_type.lower(), "code": code}
        if not area or not code:
            problems.append({**row, "problem": f"empty {tier} name or code"})
        elif row["block_type"] not in TIER_BLOCK_TYPES[tier]:
            problems.append({**row, "problem": f"block_type {block_type!r} is not one of "
                             f"{', '.join(TIER_BLOCK_TYPES[tier])} (what a {tier} is built "
                             "from)"})
        else:
            rows.append((area, block_type, code))
            lines.append(line)
    if problems:
        raise PlaceFileError(source, problems_frame(problems))
    if not rows:
        raise _error(source, start + 2, f"no rows: add {tier},block_type,code lines")
    return DraftFile(facts, tier, rows, tuple(lines))


def draft_csv_text(draft: Draft, draft_id: str | None = None) -> str:
    """The draft as CSV text with its facts as header lines."""
    values = {"name": draft.name, "vintage": draft.vintage, "icb": draft.icb,
              "author": draft.author, "parent": draft.parent_id, "draft": draft_id}
    buffer = io.StringIO()
    for key in FACT_KEYS:
        if values[key]:
            buffer.write(f"# {key}: {values[key]}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([draft.tier, "block_type", "code"])
    writer.writerows((b.area, b.block_type, b.code) for b in draft.blocks)
    return buffer.getvalue()


def _error(source: str, line: int, problem: str) -> PlaceFileError:
    return PlaceFileError(source, problems_frame([{"line": line, "problem": problem}]))


def draft_from_file(file: DraftFile, *, name: str | None = None, vintage: str | None = None,
                    author: str | None = None, parent_id: str | None = None,
                    icb: str | None = None, default_vintage: str = LATEST) -> Draft:
    """The draft a file describes, options overriding its header facts. A vintage given both
    ways must agree (codes are of one generation); stated neither way, it is ``default_vintage``.
    A file exported from a draft (``# draft: ID``) and then edited has that draft as its parent;
    unedited, it is that draft again."""
    stated = file.facts.get("vintage")
    if vintage and stated and vintage != stated:
        raise DraftError(f"the file says '# vintage: {stated}' but --vintage {vintage} was "
                         "given: its codes are of one generation; drop one of them")
    draft = make_draft(file.tier, vintage or stated or default_vintage, file.rows,
                       name or file.facts.get("name", ""),
                       author=author if author is not None else file.facts.get("author", ""),
                       icb=icb or file.facts.get("icb"),
                       parent_id=parent_id or file.facts.get("parent"))
    exported_from = file.facts.get("draft")
    if parent_id or not exported_from or exported_from == draft.id:
        return draft
    return replace(draft, parent_id=check_draft_id(exported_from))
