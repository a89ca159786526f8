"""Every geography Placemap knows, declared once.

A layer is a boundary *generation* in MapIt's sense: its codes belong to one vintage (LAD24CD is not
LAD23CD), so two layers are only joined through the LSOA 2021 spine, never code-to-code across
vintages. ``spine_column`` names the layer's code column in ``spine.parquet``; a layer whose
``lsoa_built`` is true is a union of whole LSOAs, so population figures over it are exact, while the
others (wards) get a best-fit population (each LSOA wholly in one ward of its council).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    vintage: str
    source_code_field: str
    source_name_field: str
    parent: str | None
    lsoa_built: bool
    colour: str
    line_weight: float
    note: str = ""

    @property
    def spine_column(self) -> str:
        return "lsoa21_code" if self.id == "lsoa" else f"{self.id}_code"

    @property
    def population_method(self) -> str:
        return population_method(self.lsoa_built)


def population_method(lsoa_built: bool) -> str:
    """How a layer's population figures are made, said beside every figure."""
    return "exact (sum of whole LSOAs)" if lsoa_built else "best fit (whole LSOAs, by centroid)"


LAYERS: dict[str, Layer] = {
    layer.id: layer
    for layer in (
        Layer("region", "ONS region", "2024", "RGN24CD", "RGN24NM", None, True, "#444444", 4.0,
              "ONS regions, not NHS England regions: no 2024 NHS region lookup is in the sources."),
        Layer("icb", "Integrated care board (ICB)", "2024", "ICB24CD", "ICB24NM", None, True,
              "#1d3557", 3.5),
        Layer("sub_icb", "Sub-ICB location", "2024", "SICBL24CD", "SICBL24NM", "icb", True,
              "#457b9d", 2.5),
        Layer("hwb", "Upper-tier council / HWB area", "2024", "UTLA23CD", "UTLA23NM", "region",
              True,
              "#e63946", 3.0,
              "Upper tier from the LTLA23→UTLA23 lookup; LAD23 codes equal LAD24 codes in England "
              "(checked at build), and no upper-tier change took effect in 2024."),
        Layer("pcn", "Primary care network (PCN)", "2023-01", "PCN Code", "PCN Name", "sub_icb",
              True, "#6a4c93", 1.5,
              "No official boundary: footprint of whole LSOAs, 'registrations' (each LSOA to the "
              "PCN with most of its registered patients) when the GP registrations by LSOA file is "
              "present, else 'approximate' (practice locations and list sizes, capacity-weighted "
              "within the sub-ICB location). ePCN January 2023, current practice relationships."),
        Layer("place", "Place", "configuration", "place", "place", "icb", True, "#c2187a", 3.0,
              "No official boundary: a place configuration (scheme, published file or upload) "
              "of building blocks resolved to whole LSOAs; never stored, built on demand."),
        Layer("lad", "Lower-tier council (LAD)", "2024", "LAD24CD", "LAD24NM", "hwb", True,
              "#f4a261", 2.0),
        Layer("ward", "Electoral ward", "2022", "WD22CD", "WD22NM", "lad", False, "#2a9d8f", 1.0,
              "Official December 2022 ward polygons (before the April 2023 reorganisations); "
              "population is a best fit of whole LSOAs, within their council."),
        Layer("lsoa", "LSOA 2021", "2021", "LSOA21CD", "LSOA21NM", "lad", True, "#999999", 0.5),
    )
}


def get_layer(layer_id: str) -> Layer:
    try:
        return LAYERS[layer_id]
    except KeyError:
        known = ", ".join(LAYERS)
        raise KeyError(f"Unknown layer {layer_id!r}: choose one of {known}.") from None
