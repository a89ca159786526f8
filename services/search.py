"""Find an area by name or code as the user types, tolerant of typos ("bolten" → Bolton).

Names are split into words; each word of the query is scored against every distinct word of
every name (rapidfuzz's C++ ``ratio``, the normalised Levenshtein similarity in %), both whole
and against the name word cut to the query word's length, so a word still being typed ("manch")
matches as well as a finished one. An area matches when every query word is similar to one of
its words (≥ :data:`WORD_MIN_SIMILARITY`); its score is the mean. Codes match exactly or by
prefix. The index is built once per generation and configuration (~9,000 names, ~7,000 words)
and a query costs a few milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

#: A query word matches a name word from this similarity (%): "bolten"/"bolton" 83,
#: "darlinton"/"darlington" 95, "bolte"/"bolto" 80; not "bolten"/"belton" (67).
WORD_MIN_SIMILARITY = 75.0
#: A query word matching only the start of a longer word scores this share of its similarity,
#: so a whole word ("Bury") ranks above a word it begins ("Burythorpe").
PREFIX_WEIGHT = 0.97
#: Query words shorter than this match name words by prefix only (no typo tolerance: "bo" would
#: be similar to half the words of England).
FUZZY_MIN_CHARS = 3
#: A code typed in full scores 100; a code's first characters (at least 3) score this.
CODE_PREFIX_SCORE = 90.0
#: Points off per word of a name beyond the query's, so "Bolton" ranks above "Bolton Central PCN"
#: for "bolten" (at most :data:`EXTRA_WORDS_MAX_PENALTY`).
EXTRA_WORD_PENALTY = 1.0
EXTRA_WORDS_MAX_PENALTY = 10.0
#: Results returned at most.
LIMIT = 20

_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, accents, apostrophes and punctuation dropped, ``&`` read as "and"."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    plain = plain.lower().replace("'", "").replace("&", " and ")
    return " ".join(_WORD.findall(plain))


@dataclass(frozen=True)
class Hit:
    """One area found, with what the results show: type (its layer), name and ICB."""

    layer: str
    code: str
    name: str
    icb_code: str
    icb_name: str
    score: float


@dataclass(frozen=True)
class SearchIndex:
    """Areas (``layer``, ``code``, ``name``, ``icb_code``, ``icb_name`` and optionally
    ``ods_code``, in rank order for ties) with their distinct words and, per word, the areas
    holding it."""

    areas: pd.DataFrame
    words: list[str]
    word_lengths: np.ndarray
    word_areas: list[np.ndarray]
    name_words: np.ndarray
    codes: np.ndarray
    other_codes: np.ndarray
    #: Every word cut to n letters, made once per n (a query word's length).
    _starts: dict[int, list[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, areas: pd.DataFrame) -> SearchIndex:
        areas = areas.reset_index(drop=True)
        holders: dict[str, list[int]] = {}
        for position, name in enumerate(areas["name"]):
            for word in dict.fromkeys(normalise(name).split()):
                holders.setdefault(word, []).append(position)
        words = sorted(holders)
        return cls(areas, words, np.array([len(w) for w in words]),
                   [np.array(holders[w], dtype=np.int64) for w in words],
                   np.array([len(normalise(name).split()) for name in areas["name"]]),
                   areas["code"].str.lower().to_numpy(dtype=str),
                   areas.get("ods_code", pd.Series("", index=areas.index)).fillna("")
                   .str.lower().to_numpy(dtype=str))

    def search(self, query: str, limit: int = LIMIT) -> list[Hit]:
        """The best matches, best first (ties: the order of :attr:`areas`)."""
        words = normalise(query).split()
        scores = np.zeros(len(self.areas))
        if words:
            scores = self._name_scores(words)
        scores = np.maximum(scores, self._code_scores(query.strip().lower()))
        found = np.flatnonzero(scores > 0)
        ranked = found[np.lexsort((found, -scores[found]))][:limit]
        rows = self.areas.iloc[ranked]
        return [Hit(r.layer, r.code, r.name, r.icb_code, r.icb_name, float(scores[i]))
                for i, r in zip(ranked, rows.itertuples(), strict=True)]

    def _name_scores(self, words: list[str]) -> np.ndarray:
        """Mean over query words of each area's best word similarity; 0 unless all match."""
        total = np.zeros(len(self.areas))
        matched = np.ones(len(self.areas), dtype=bool)
        for word in words:
            best = np.zeros(len(self.areas))
            similarity = self._word_similarity(word)
            for w in np.flatnonzero(similarity >= WORD_MIN_SIMILARITY):
                holders = self.word_areas[w]
                best[holders] = np.maximum(best[holders], similarity[w])
            matched &= best > 0
            total += best
        extra = np.clip(self.name_words - len(words), 0, None) * EXTRA_WORD_PENALTY
        return np.where(matched, total / len(words) - np.minimum(extra, EXTRA_WORDS_MAX_PENALTY),
                        0.0)

    def _word_similarity(self, word: str) -> np.ndarray:
        """Similarity (%) of a query word to every index word: whole, or to its start."""
        starts = self._starts.get(len(word))
        if starts is None:
            starts = self._starts[len(word)] = [w[:len(word)] for w in self.words]
        if len(word) < FUZZY_MIN_CHARS:
            return np.array([100.0 if w == word else PREFIX_WEIGHT * 100.0 if s == word
                             else 0.0 for w, s in zip(self.words, starts, strict=True)])
        whole = process.cdist([word], self.words, scorer=fuzz.ratio)[0]
        start = process.cdist([word], starts, scorer=fuzz.ratio)[0]
        longer = self.word_lengths > len(word)
        return np.maximum(whole, np.where(longer, PREFIX_WEIGHT * start, 0.0))

    def _code_scores(self, text: str) -> np.ndarray:
        if len(text) < FUZZY_MIN_CHARS:
            return np.zeros(len(self.codes))
        exact = (self.codes == text) | (self.other_codes == text)
        prefix = np.char.startswith(self.codes, text)
        return np.where(exact, 100.0, np.where(prefix, CODE_PREFIX_SCORE, 0.0))
