"""The reviewer's report for one ICB: coterminosity, coverage and flags as plain records.

One function builds the report and the CLI only formats it, so the table, CSV and JSON forms
carry the same numbers (JSON layout: docs/report-json.md). Shares are rounded to 4 decimals.
"""

from __future__ import annotations

from layers import layers_with
from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD, layer_summary
from services.flags import misalignment_flags
from services.geography import Geography
from services.neighbourhoods import NEIGHBOURHOOD_BAND, PopulationBand, home_areas
from services.places import DEFAULT_SCHEME, PlaceConfig
from services.records import records
from services.workspace import Workspace

#: What each reportable layer is compared with: the council geographies, and PCNs also with
#: the places.
COMPARED_WITH = {"place": layers_with("council"), "pcn": (*layers_with("council"), "place")}
COTERMINOSITY_FIELDS = ["a_code", "a_name", "population", "best_b_code", "best_b_name",
                        "population_share_of_a", "population_share_of_b", "population_jaccard",
                        "population_class", "partners", "area_share_of_a", "area_share_of_b",
                        "area_jaccard", "area_class", "population_method"]


def icb_report(ws: Workspace, icb_code: str, places: PlaceConfig | str = DEFAULT_SCHEME,
               layer: str = "place",
               threshold: float = DEFAULT_THRESHOLD, sliver: float = DEFAULT_SLIVER,
               neighbourhoods: PlaceConfig | None = None,
               band: PopulationBand = NEIGHBOURHOOD_BAND) -> dict:
    """The report; with ``neighbourhoods`` (a neighbourhood configuration within the places)
    also their section and rules."""
    if layer not in COMPARED_WITH:
        raise KeyError(f"--layer {layer!r} is not supported: choose place or pcn.")
    place_geography = ws.places(places, None)
    subject = place_geography if layer == "place" else ws.geography(layer)
    codes = ws.codes_in_icb(subject, icb_code, sliver)
    if layer == "place":
        codes = codes.intersection(
            place_geography.areas.index[place_geography.areas["icb_code"] == icb_code])
    icb = ws.store.layer("icb").set_index("code").loc[icb_code]
    report = {
        "generation": _generation(ws, places),
        "icb": {"code": icb_code, "name": icb["name"], "population": int(icb["population"])},
        "places": {"name": place_geography.title.removeprefix("Places: "),
                   "vintage": place_geography.vintage},
        "layer": layer,
        "threshold": threshold,
        "sliver": sliver,
        "coterminosity": {},
        "summary": {},
        "coverage": {},
    }
    for other_id in COMPARED_WITH[layer]:
        other = place_geography if other_id == "place" else ws.geography(other_id)
        table = ws.coterminosity(subject, other, threshold=threshold, sliver=sliver, codes=codes)
        report["coterminosity"][other_id] = records(table[COTERMINOSITY_FIELDS])
        report["summary"][other_id] = records(layer_summary(table))
        pairs = ws.pairs(subject, other, threshold=threshold, sliver=sliver, area=False)
        pairs = pairs[pairs["a_code"].isin(codes)]
        report["coverage"][other_id] = records(pairs[[
            "a_code", "a_name", "b_code", "b_name", "population", "population_share_of_a",
            "population_share_of_b", "population_class"]])
    icb_cover = ws.coverage(icb_code, ws.geography("icb"), place_geography)
    report["icb_coverage_by_place"] = {
        "population": icb_cover.population, "uncovered": icb_cover.uncovered,
        "double_counted": icb_cover.double_counted, "rows": records(icb_cover.rows)}
    hoods = ws.places(neighbourhoods) if neighbourhoods is not None else None
    if hoods is not None:
        report["neighbourhoods"] = _neighbourhoods(ws, hoods, place_geography, icb_code, band,
                                                   sliver)
    flags, slivers = misalignment_flags(ws, place_geography, icb_code, threshold=threshold,
                                        sliver=sliver, neighbourhoods=hoods, band=band)
    if layer == "pcn":
        flags = flags[flags["rule"].str.startswith("pcn_")]
    report["flags"] = records(flags)
    report["slivers"] = records(slivers)
    return report


def _neighbourhoods(ws: Workspace, hoods: Geography, places: Geography, icb_code: str,
                    band: PopulationBand, sliver: float) -> dict:
    """The neighbourhoods in the ICB, each with its home place, and how the people of each
    place holding one are split across them (gaps, double counting)."""
    codes = ws.codes_in_icb(hoods, icb_code, sliver)
    areas = hoods.areas.loc[codes]
    home = home_areas(ws, hoods, places)
    rows = [{"code": code, "name": str(row["name"]), "population": int(row["population"]),
             "lsoa_count": int(row["lsoa_count"]), "place": home.get(code),
             "icb_code": row["icb_code"], "blocks": row["blocks"]}
            for code, row in areas.iterrows()]
    covered = []
    for place in sorted(set(home.reindex(codes).dropna())):
        cover = ws.coverage(place, places, hoods)
        covered.append({"place": place, "population": cover.population,
                        "uncovered": cover.uncovered, "double_counted": cover.double_counted,
                        "rows": records(cover.rows)})
    return {"name": hoods.title.split(": ", 1)[-1], "vintage": hoods.vintage,
            "band": [band.low, band.high], "areas": rows, "coverage_by_place": covered}


def england_flags(ws: Workspace, places: PlaceConfig | str = DEFAULT_SCHEME,
                  threshold: float = DEFAULT_THRESHOLD,
                  sliver: float = DEFAULT_SLIVER) -> dict:
    place_geography = ws.places(places, None)
    flags, slivers = misalignment_flags(ws, place_geography, None, threshold=threshold,
                                        sliver=sliver)
    return {"generation": _generation(ws, places), "scope": "England", "places": {
        "name": place_geography.title.removeprefix("Places: "),
        "vintage": place_geography.vintage}, "threshold": threshold,
        "sliver": sliver, "flags": records(flags), "slivers": records(slivers)}


def _generation(ws: Workspace, places: PlaceConfig | str) -> dict:
    """Which boundaries a report describes (every output names its generation), and which
    generation the place configuration's codes are of."""
    return {"id": ws.generation.id, "label": ws.generation.label,
            "layers": {layer.id: layer.key for layer in ws.generation.stored_layers()},
            "configuration": ws.configuration_vintage(places)}
