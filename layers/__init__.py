"""Every geography Placemap knows, and every generation of it, declared once.

A *layer* is a kind of area (ICB, lower-tier council, ward…). A layer has *vintages*: one dated
set of codes and areas each (LAD24CD is not LAD25CD). A *generation* (MapIt's word) pairs one
vintage of every layer into the geography as it stood on a date: "April 2026" is the 2026 ICBs with
the 2025 councils and wards. Codes are only ever compared within a generation, or between
generations through the LSOA 2021 spine, never code-to-code across vintages.

The store holds one file per layer vintage (``icb_2026.parquet``) and the spine one code column per
layer vintage (``icb_2026_code``); :meth:`services.io.store.Store.generation` gives the engine a
view with plain layer ids (``icb``, ``icb_code``), so the engine never needs to know the vintage.
Adding a generation is a :class:`Generation` here plus its manifest entries and build step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: The uses a layer can be declared for: ``block``, a building block of place configurations;
#: ``search``, found by the sidebar's search; ``council``, a council geography that places and
#: PCNs are measured against; ``examined``, compared with the councils on the Coterminosity page;
#: ``covered``, an area whose people the Coverage page breaks down; ``covering``, a layer the
#: Coverage page breaks them down by.
ROLES = frozenset({"block", "search", "council", "examined", "covered", "covering"})

EXACT = "exact (sum of whole LSOAs)"
BEST_FIT = "best fit (whole LSOAs, by centroid)"
MODELLED = "approximate (modelled footprint)"


@dataclass(frozen=True)
class Vintage:
    """One published edition of a layer: its codes' source fields and how its figures are made.

    ``lsoa_built``: every area is a union of whole LSOAs (geometry and area from the LSOAs);
    ``population_method`` says how exact the population figures are, beside every figure.
    """

    id: str
    label: str
    source_code_field: str
    source_name_field: str
    lsoa_built: bool = True
    population_method: str = EXACT
    note: str = ""


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    parent: str | None
    colour: str
    line_weight: float
    vintages: tuple[Vintage, ...]
    stored: bool = True  # places are configurations, built on demand, never stored
    #: Position in the map's draw order, bottom (0) to top; None: not offered on the map.
    draw_rank: int | None = None
    #: What the layer is used for (see :data:`ROLES`), so no page or module lists layers again.
    roles: frozenset[str] = frozenset()
    #: As a building block, how specific it is (higher: smaller): an LSOA a more specific block
    #: of one area holds belongs to that area only (:func:`services.places.resolve`); None: not
    #: a block. Blocks of different hierarchies and about the same size, neither nesting in the
    #: other, rank equal (ward = PCN; sub-ICB location = HWB area), so they overlap, never win.
    specificity: int | None = None

    def vintage(self, vintage_id: str) -> Vintage:
        for vintage in self.vintages:
            if vintage.id == vintage_id:
                return vintage
        known = ", ".join(v.id for v in self.vintages)
        raise KeyError(f"Layer {self.id!r} has no vintage {vintage_id!r} ({known}).")


@dataclass(frozen=True)
class LayerVintage:
    """A layer as it stands in one generation: what the engine and the pages read."""

    layer: Layer
    vintage: Vintage

    id = property(lambda self: self.layer.id)
    title = property(lambda self: self.layer.title)
    parent = property(lambda self: self.layer.parent)
    colour = property(lambda self: self.layer.colour)
    line_weight = property(lambda self: self.layer.line_weight)
    lsoa_built = property(lambda self: self.vintage.lsoa_built)
    population_method = property(lambda self: self.vintage.population_method)
    source_code_field = property(lambda self: self.vintage.source_code_field)
    source_name_field = property(lambda self: self.vintage.source_name_field)
    note = property(lambda self: self.vintage.note)

    @property
    def key(self) -> str:
        """The store's name for this layer vintage: ``<key>.parquet``, column ``<key>_code``."""
        return store_key(self.layer.id, self.vintage.id)

    @property
    def spine_column(self) -> str:
        """The layer's code column in a generation's view of the spine."""
        return "lsoa21_code" if self.id == "lsoa" else f"{self.id}_code"

    @property
    def label(self) -> str:
        return f"{self.layer.title}, {self.vintage.label}"


def store_key(layer_id: str, vintage_id: str) -> str:
    """``icb_2026``; a monthly vintage is keyed by its year (``pcn_2023`` for 2023-01)."""
    return layer_id if layer_id == "lsoa" else f"{layer_id}_{vintage_id.split('-')[0]}"


def store_spine_column(key: str) -> str:
    """The spine column of a stored layer vintage (``icb_2026`` → ``icb_2026_code``)."""
    return "lsoa21_code" if key == "lsoa" else f"{key}_code"


def population_method(lsoa_built: bool) -> str:
    """How a configuration's population figures are made (places are always whole LSOAs)."""
    return EXACT if lsoa_built else BEST_FIT


_PCN_NOTE = ("No official boundary: a footprint of whole LSOAs modelled from practice locations "
             "and list sizes (capacity-weighted within the sub-ICB location), or from GP "
             "registrations by LSOA where that file is present.")

LAYERS: dict[str, Layer] = {layer.id: layer for layer in (
    Layer("nhser", "NHS England region", None, "#222222", 4.5, (
        Vintage("2026", "April 2026", "NHSER26CD", "NHSER26NM"),), draw_rank=8),
    Layer("region", "ONS region", None, "#444444", 4.0, (
        Vintage("2024", "May 2024", "RGN24CD", "RGN24NM",
                note="ONS regions, not NHS England regions."),)),
    Layer("icb", "Integrated care board (ICB)", None, "#1d3557", 3.5, (
        Vintage("2024", "April 2024", "ICB24CD", "ICB24NM"),
        Vintage("2026", "April 2026", "ICB26CD", "ICB26NM")), draw_rank=7,
          roles=frozenset({"search", "covered"})),
    Layer("sub_icb", "Sub-ICB location", "icb", "#457b9d", 2.5, (
        Vintage("2024", "April 2024", "SICBL24CD", "SICBL24NM"),
        Vintage("2026", "April 2026", "SICBL26CD", "SICBL26NM")), draw_rank=6,
          roles=frozenset({"block", "search", "examined"}), specificity=1),
    Layer("place", "Place", "icb", "#c2187a", 3.0, (
        Vintage("configuration", "configuration", "place", "place",
                note="No official boundary: a place configuration (scheme, published file or "
                     "upload) of building blocks resolved to whole LSOAs; built on demand."),),
          stored=False, draw_rank=0,
          roles=frozenset({"examined", "covered", "covering"})),
    Layer("lad", "Lower-tier council (LAD)", "hwb", "#f4a261", 2.0, (
        Vintage("2024", "2024", "LAD24CD", "LAD24NM"),
        Vintage("2025", "2025", "LAD25CD", "LAD25NM",
                note="LAD25 recodes Barnsley (E08000038) and Sheffield (E08000039).")),
          draw_rank=4,
          roles=frozenset({"block", "search", "council", "examined", "covered", "covering"}),
          specificity=2),
    Layer("hwb", "Upper-tier council / HWB area", "region", "#e63946", 3.0, (
        Vintage("2024", "2024", "UTLA23CD", "UTLA23NM",
                note="Upper tier from the LTLA23→UTLA23 lookup; LAD23 codes equal LAD24 codes "
                     "in England (checked at build)."),
        Vintage("2025", "2025", "UTLA25CD", "UTLA25NM",
                note="Single-tier councils (E06, E08, E09) are their own upper tier; two-tier "
                     "districts (E07) keep their county from the LTLA23→UTLA23 lookup (checked "
                     "at build to cover every LAD25).")), draw_rank=5,
          roles=frozenset({"block", "search", "council", "covered", "covering"}), specificity=1),
    Layer("pcn", "Primary care network (PCN)", "sub_icb", "#6a4c93", 1.5, (
        Vintage("2023-01", "January 2023", "PCN Code", "PCN Name", population_method=MODELLED,
                note=_PCN_NOTE + " ePCN January 2023."),
        Vintage("2026-08", "August 2026", "PCN_CODE", "PCN_NAME", population_method=MODELLED,
                note=_PCN_NOTE + " Membership and list sizes of August 2026.")), draw_rank=2,
          roles=frozenset({"search", "examined", "covered", "covering"}), specificity=3),
    Layer("ward", "Electoral ward", "lad", "#2a9d8f", 1.0, (
        Vintage("2022", "December 2022", "WD22CD", "WD22NM", lsoa_built=False,
                population_method=BEST_FIT,
                note="Official December 2022 ward polygons (before the April 2023 "
                     "reorganisations); population is a best fit of whole LSOAs, within their "
                     "council."),
        Vintage("2025", "2025", "WD25CD", "WD25NM", population_method=BEST_FIT,
                note="No 2025 ward polygons are published offline: a 2025 ward is drawn as the "
                     "union of its ONS best-fit LSOAs (an approximation of the real ward).")),
          draw_rank=1,
          roles=frozenset({"block", "search", "covering"}), specificity=3),
    Layer("lsoa", "LSOA 2021", "lad", "#999999", 0.5, (
        Vintage("2021", "2021", "LSOA21CD", "LSOA21NM"),),
          roles=frozenset({"block"}), specificity=4),
)}


@dataclass(frozen=True)
class Generation:
    """The geography as it stood on ``effective``: one vintage of each layer it has."""

    id: str
    label: str
    effective: date
    vintages: dict[str, str]
    note: str = ""

    def has(self, layer_id: str) -> bool:
        return layer_id in self.vintages

    def layer(self, layer_id: str) -> LayerVintage:
        if layer_id not in self.vintages:
            known = ", ".join(self.vintages)
            raise KeyError(f"Layer {layer_id!r} is not in the {self.label} generation "
                           f"({known}).")
        layer = get_layer(layer_id)
        return LayerVintage(layer, layer.vintage(self.vintages[layer_id]))

    def layers(self) -> list[LayerVintage]:
        """This generation's layers in declaration order (places included)."""
        return [self.layer(layer_id) for layer_id in LAYERS if layer_id in self.vintages]

    def stored_layers(self) -> list[LayerVintage]:
        return [layer for layer in self.layers() if layer.layer.stored]

    def spine_columns(self) -> dict[str, str]:
        """The store's spine column of each layer vintage → the plain column the engine reads
        (``icb_2026_code`` → ``icb_code``)."""
        return {store_spine_column(layer.key): layer.spine_column
                for layer in self.stored_layers() if layer.id != "lsoa"}


GENERATIONS: dict[str, Generation] = {generation.id: generation for generation in (
    Generation("2026", "April 2026", date(2026, 4, 1), {
        "nhser": "2026", "region": "2024", "icb": "2026", "sub_icb": "2026", "hwb": "2025",
        "pcn": "2026-08", "place": "configuration", "lad": "2025", "ward": "2025",
        "lsoa": "2021"},
        note="36 ICBs; councils and wards of 2025."),
    Generation("2024", "April 2024", date(2024, 4, 1), {
        "region": "2024", "icb": "2024", "sub_icb": "2024", "hwb": "2024", "pcn": "2023-01",
        "place": "configuration", "lad": "2024", "ward": "2022", "lsoa": "2021"},
        note="42 ICBs; councils of 2024, wards of December 2022."),
)}
#: Building block → its specificity rank, most specific highest: LSOA 4, ward = PCN 3, council
#: (LAD) 2, sub-ICB location = HWB area 1 (councils nest in both; the two, former CCGs and
#: upper-tier councils, are of about one size and neither nests in the other).
BLOCK_SPECIFICITY: dict[str, int] = {layer.id: layer.specificity for layer in LAYERS.values()
                                     if layer.specificity is not None}
#: Layers offered on the map, bottom to top: filled places underneath (a fill on top would take
#: every hover), the finest lines next, the ICB and region outlines on top.
MAP_ORDER: tuple[str, ...] = tuple(sorted(
    (layer.id for layer in LAYERS.values() if layer.draw_rank is not None),
    key=lambda layer_id: LAYERS[layer_id].draw_rank))

#: The current generation: the default everywhere.
LATEST = max(GENERATIONS.values(), key=lambda g: g.effective).id


def get_generation(generation_id: str | None) -> Generation:
    if generation_id is None:
        return GENERATIONS[LATEST]
    try:
        return GENERATIONS[str(generation_id)]
    except KeyError:
        known = ", ".join(GENERATIONS)
        raise KeyError(f"Unknown generation {generation_id!r}: choose one of {known}.") from None


def layers_with(role: str) -> tuple[str, ...]:
    """The layers declared for a role, in declaration order."""
    if role not in ROLES:
        raise KeyError(f"Unknown layer role {role!r}: choose one of {', '.join(sorted(ROLES))}.")
    return tuple(layer.id for layer in LAYERS.values() if role in layer.roles)


def get_layer(layer_id: str) -> Layer:
    try:
        return LAYERS[layer_id]
    except KeyError:
        known = ", ".join(LAYERS)
        raise KeyError(f"Unknown layer {layer_id!r}: choose one of {known}.") from None


def stored_keys() -> list[str]:
    """Every layer vintage some generation uses, in declaration order: what the store holds."""
    return [store_key(layer.id, vintage.id) for layer in LAYERS.values() if layer.stored
            for vintage in layer.vintages
            if any(g.vintages.get(layer.id) == vintage.id for g in GENERATIONS.values())]


def layer_vintage(key: str) -> LayerVintage:
    """The layer vintage a store key names (``icb_2026``)."""
    for layer in LAYERS.values():
        for vintage in layer.vintages:
            if store_key(layer.id, vintage.id) == key:
                return LayerVintage(layer, vintage)
    raise KeyError(f"No layer vintage {key!r}: the store holds {', '.join(stored_keys())}.")


def generations_of(key: str) -> list[Generation]:
    """The generations a stored layer vintage belongs to (region 2024 belongs to both)."""
    return [g for g in GENERATIONS.values()
            if any(layer.key == key for layer in g.stored_layers())]
