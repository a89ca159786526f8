"""The measures the pages show, declared once: each engine column's plain-English label and the
formula behind it (shown as the column's help), and which columns a table shows first.

A is the area a row is about; B is an area of the other layer (for coterminosity, the best
match: the partner with the highest Jaccard). P(x) is the Census 2021 population summed over
the LSOA 2021 spine; "area" measures use m² in EPSG:27700.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """One column: its label, the formula (or definition) behind it, and how its values read
    (``text``, ``people``, ``share`` or ``count``)."""

    label: str
    formula: str
    kind: str = "text"


_CLASSES = ("coterminous: both population shares ≥ the threshold; within: A lies inside its "
            "best match; contains: A is made of whole areas of B (at least the threshold of "
            "its people); straddles: none of these; none: no overlap beyond slivers")

MEASURES: dict[str, Measure] = {
    "a_name": Measure("Area", "A: the area this row is about."),
    "a_code": Measure("Code", "A's official code (a place's code is its name)."),
    "population_class": Measure("Class", f"By population. {_CLASSES}."),
    "best_b_name": Measure("Best match", "B: the area of the other layer with the highest "
                                         "Jaccard overlap with A."),
    "b_name": Measure("Other area", "B: the area of the other layer."),
    "b_code": Measure("Other code", "B's official code."),
    "population_share_of_a": Measure("Area's people in match",
                                     "P(A∩B) / P(A): the share of A's people living in B.",
                                     "share"),
    "population_share_of_b": Measure("Match's people in area",
                                     "P(A∩B) / P(B): the share of B's people living in A.",
                                     "share"),
    "population": Measure("People", "P(A): Census 2021 usual residents summed over LSOA 2021 "
                                    "(for a pair of areas, P(A∩B)).", "people"),
    "population_share": Measure("Share of people", "P(A∩B) / P(A): the share of the area's "
                                                   "people living in B.", "share"),
    "population_jaccard": Measure("Overlap (Jaccard)", "P(A∩B) / P(A∪B): 100% when A and B "
                                                       "hold the same people.", "share"),
    "partners": Measure("Areas overlapped", "How many areas of the other layer hold more than "
                                            "a sliver of A's people.", "count"),
    "area_share_of_a": Measure("Area's land in match", "area(A∩B) / area(A), m² in EPSG:27700 "
                                                       "(distorted by coasts and generalised "
                                                       "lines).", "share"),
    "area_share_of_b": Measure("Match's land in area", "area(A∩B) / area(B), m² in "
                                                       "EPSG:27700.", "share"),
    "area_class": Measure("Class by land area", f"The same classes by m². {_CLASSES}."),
    "population_method": Measure("How people are counted",
                                 "exact for layers of whole LSOAs; best fit for wards; "
                                 "approximate (modelled footprint) for PCNs."),
    "comparison": Measure("Comparison", "The two layers compared."),
}

#: What a coterminosity table shows first (the class right after the name, so it is seen
#: without scrolling), and the rest, shown beside the name in a second table.
COTERMINOSITY_FIRST = ("a_name", "population_class", "best_b_name", "population_share_of_a",
                       "population_share_of_b", "population")
COTERMINOSITY_MORE = ("a_name", "a_code", "population_jaccard", "partners", "area_share_of_a",
                      "area_share_of_b", "area_class", "population_method")


def labels(columns: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Engine column → label, for the columns that have a measure (others keep their name)."""
    return {c: MEASURES[c].label for c in columns if c in MEASURES}
