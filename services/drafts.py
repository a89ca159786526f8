"""Drafts: configurations saved by content, so a link names exactly one of them for ever.

A draft is one tier's areas built from blocks, rows ``<tier>,block_type,code`` (issue 11: the first
CSV column names the tier). Its id is a hash of its canonical form (tier, vintage and the sorted
blocks), so saving the same draft twice gives the same id and an edit is a new draft. The name,
author, ICB and parent describe a draft but are not part of what it *is*. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

import pandas as pd

from layers import GENERATIONS

#: The block types each tier is built from (issue 11, point 3), declared once.
TIER_BLOCK_TYPES: dict[str, tuple[str, ...]] = {
    "icb": ("sub_icb", "hwb", "lad", "lsoa"),
    "place": ("lad", "hwb", "sub_icb", "ward", "lsoa"),
    "neighbourhood": ("ward", "pcn", "lsoa"),
}
TIERS = tuple(TIER_BLOCK_TYPES)
DRAFT_ID_HEX = 16  # 64 bits of sha256: collisions are checked for on save, never assumed away
DRAFT_ID_PATTERN = re.compile(rf"[0-9a-f]{{{DRAFT_ID_HEX}}}")
DRAFT_REF_PREFIX = "draft:"


class DraftError(ValueError):
    """A draft or draft id that cannot be used; the message says what to do."""


def check_tier(found: str, wanted: str, what: str) -> None:
    """Refuse a draft (or draft file) ``what`` of tier ``found`` where ``wanted`` is taken: one
    message for every place a draft is loaded."""
    if found != wanted:
        def one(tier: str) -> str:
            return "an ICB" if tier == "icb" else f"a {tier}"
        raise DraftError(f"{what} is {one(found)} draft, not {one(wanted)} draft "
                         f"({wanted},block_type,code): give it where {found} drafts are taken, "
                         f"or give {one(wanted)} draft here")


class Block(NamedTuple):
    """One row of a draft: ``area`` (the ICB, place or neighbourhood name) is built from the
    block ``block_type`` ``code``. A named tuple, not a dataclass: 2,000-row drafts are sorted,
    compared and written as JSON arrays on every save, at C speed."""

    area: str
    block_type: str
    code: str


@dataclass(frozen=True)
class Draft:
    """What a draft is (hashed: tier, vintage, blocks) and what describes it (not hashed)."""

    tier: str
    vintage: str
    blocks: tuple[Block, ...]
    name: str
    author: str = ""
    icb: str | None = None
    parent_id: str | None = None

    def __post_init__(self) -> None:
        """Blocks are kept sorted (the canonical order), however the draft was made."""
        object.__setattr__(self, "blocks", tuple(sorted(map(Block._make, self.blocks))))

    @cached_property
    def id(self) -> str:
        return draft_id(self.tier, self.vintage, self.blocks)

    @property
    def block_count(self) -> int:
        return len(self.blocks)


@dataclass(frozen=True)
class SavedDraft:
    """A draft as the database holds it."""

    id: str
    draft: Draft
    created_at: datetime


def make_draft(tier: str, vintage: str, rows: list[tuple[str, str, str]], name: str, *,
               author: str = "", icb: str | None = None,
               parent_id: str | None = None) -> Draft:
    """A checked draft in canonical form: names trimmed, block types lower case, codes upper
    case, blocks sorted. Rows are kept as given otherwise (a block named twice is the engine's
    to report, never silently dropped here)."""
    if tier not in TIER_BLOCK_TYPES:
        raise DraftError(f"tier {tier!r} is not one of {', '.join(TIERS)}: the first CSV column "
                         "names the tier, e.g. place,block_type,code")
    if vintage not in GENERATIONS:
        raise DraftError(f"vintage {vintage!r} is not a generation: use one of "
                         f"{', '.join(GENERATIONS)}")
    name, author = " ".join(name.split()), " ".join(author.split())  # one line each
    if not name:
        raise DraftError("a draft needs a name: give --name (e.g. --name 'GM option B')")
    allowed = TIER_BLOCK_TYPES[tier]
    blocks = []
    for area, block_type, code in rows:
        block = Block(area.strip(), block_type.strip().lower(), code.strip().upper())
        if not block.area or not block.code:
            raise DraftError(f"a row has an empty {tier} name or code: {area!r},{block_type!r},"
                             f"{code!r}; fill it in or remove the row")
        if block.block_type not in allowed:
            raise DraftError(f"{tier} {block.area!r}: block_type {block.block_type!r} is not one "
                             f"of {', '.join(allowed)} (the blocks a {tier} is built from)")
        blocks.append(block)
    if not blocks:
        raise DraftError(f"the draft has no blocks: add rows {tier},block_type,code")
    return Draft(tier, vintage, tuple(blocks), name, author,
                 icb.strip().upper() if icb and icb.strip() else None,
                 check_draft_id(parent_id) if parent_id else None)


def canonical_json(tier: str, vintage: str, blocks: tuple[Block, ...]) -> str:
    """The text the id hashes: stable key order, no whitespace, blocks sorted."""
    return json.dumps({"blocks": sorted(map(tuple, blocks)), "tier": tier, "vintage": vintage},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def draft_id(tier: str, vintage: str, blocks: tuple[Block, ...]) -> str:
    digest = hashlib.sha256(canonical_json(tier, vintage, blocks).encode("utf-8")).hexdigest()
    return digest[:DRAFT_ID_HEX]


def blocks_json(blocks: tuple[Block, ...]) -> str:
    """Blocks as stored: a JSON list of [area, block_type, code]."""
    return json.dumps(blocks, ensure_ascii=False, separators=(",", ":"))


def blocks_from_json(text: str) -> tuple[Block, ...]:
    return tuple(map(Block._make, json.loads(text)))


def check_draft_id(text: str) -> str:
    """The id, or a :class:`DraftError` saying what a draft id looks like."""
    candidate = text.strip().lower().removeprefix(DRAFT_REF_PREFIX)
    if not DRAFT_ID_PATTERN.fullmatch(candidate):
        raise DraftError(f"{text!r} is not a draft id: a draft id is {DRAFT_ID_HEX} hex digits "
                         "(0-9, a-f), as printed by `placemap drafts save` or listed by "
                         "`placemap drafts list`; check the link or copy it again")
    return candidate


def is_draft_ref(name: str) -> bool:
    """Whether a configuration name is a saved draft (``draft:<id>``)."""
    return name.startswith(DRAFT_REF_PREFIX)


@dataclass(frozen=True)
class DraftSummary:
    """A listed draft: everything but its blocks."""

    id: str
    tier: str
    vintage: str
    icb: str | None
    name: str
    author: str
    parent_id: str | None
    created_at: datetime
    block_count: int


@dataclass(frozen=True)
class DraftConfig:
    """A saved draft shaped like :class:`services.places.PlaceConfig` (name, source, blocks,
    vintage): ``blocks`` has columns ``<tier>``, block_type, code, so a place draft's blocks are
    exactly a place configuration's ``place,block_type,code``."""

    name: str
    source: str
    blocks: pd.DataFrame
    vintage: str
    tier: str
    draft_id: str

    @property
    def place_count(self) -> int:
        return self.blocks[self.tier].nunique()

    def facts(self) -> dict[str, str]:
        return {"name": self.name, "source": self.source, "vintage": self.vintage,
                "tier": self.tier, "draft": self.draft_id}


def draft_config(saved: SavedDraft) -> DraftConfig:
    draft = saved.draft
    blocks = pd.DataFrame([(b.area, b.block_type, b.code) for b in draft.blocks],
                          columns=[draft.tier, "block_type", "code"])
    return DraftConfig(draft.name, f"{DRAFT_REF_PREFIX}{saved.id}", blocks, draft.vintage,
                       draft.tier, saved.id)
