"""The data-quality checks as text lines for ``placemap data check``, read from their meta.json
part (so a store's recorded figures print without recomputing them)."""

from __future__ import annotations

#: Keys of the two checks in the store meta's ``quality`` part (written by the build).
COUNCIL_KEY = "council_disagreements"
ICB_KEY = "icb_polygon_agreement"


def quality_lines(meta_part: dict) -> list[str]:
    """Text lines for ``placemap data check`` from the meta.json part holding
    :data:`COUNCIL_KEY` and/or :data:`ICB_KEY` (each a ``to_meta()`` dict)."""
    lines = []
    if COUNCIL_KEY in meta_part:
        lines += _council_lines(meta_part[COUNCIL_KEY])
    if ICB_KEY in meta_part:
        lines += _icb_lines(meta_part[ICB_KEY])
    return lines


def _council_lines(part: dict) -> list[str]:
    counts, poly = part["counts"], part["counts"]["polygon_test"]
    lines = [f"Council lookups: {counts['lsoas']:,} LSOAs compared across "
             f"{', '.join(counts['sources'])}: {counts['disagreeing_lsoas']:,} disagree "
             f"({counts['disagreeing_people']:,} people); each vintage kept as published."]
    lines += [f"  {label}: {n:,} LSOAs" for label, n in counts["by_label"].items()]
    lines.append(f"  polygon test ({poly['method']}): {poly['covered']:,} wholly inside their "
                 f"lookup council, {poly['lookup council']:,} mostly inside, "
                 f"{poly['other council']:,} mostly in another council, {poly['indecisive']:,} "
                 f"with no council holding half, {poly['no polygon']:,} outside every council "
                 f"polygon; naive majority test: {poly['majority_differs_naive']:,} differ.")
    walks: dict[str, list[str]] = {}
    for walk in part["crosswalks"]:
        moved = "" if walk["people_share"] == 1 else f" ({walk['people_share']:.2%} of people)"
        walks.setdefault(f"{walk['old_vintage']}→{walk['new_vintage']}", []).append(
            f"{walk['old_code']}→{walk['new_code']}{moved}")
    lines += [f"  crosswalk {pair}: {', '.join(items)}" for pair, items in walks.items()]
    for row in part["disagreements"]:
        said = " · ".join(f"{s} {row[f'{s}_code'] or '—'} {row[f'{s}_name'] or ''}".rstrip()
                          for s in counts["sources"])
        odd = f"odd one out {row['odd_one_out']}; " if row["odd_one_out"] else ""
        lines.append(f"  {row['lsoa21_code']} {row['lsoa21_name']} ({row['population']:,} "
                     f"people): {said}: {odd}{row['label']}")
    return lines


def _icb_lines(part: dict) -> list[str]:
    counts = part["counts"]
    only = [f"only built: {', '.join(counts['only_built'])}" if counts["only_built"] else "",
            f"only official: {', '.join(counts['only_official'])}"
            if counts["only_official"] else ""]
    lines = [f"ICB polygons: {counts['icbs_built']} built from LSOAs, {counts['icbs_official']} "
             f"official; {'; '.join(o for o in only if o) or 'same codes'}.",
             f"  LSOA centroids inside the official polygon of their ICB: "
             f"{counts['lsoas_inside']:,} of {counts['lsoas']:,} "
             f"({counts['people_inside_share']:.2%} of people)"]
    for key, title in (("min_iou", "lowest IoU"),
                       ("min_population_inside_share", "lowest population share inside")):
        if counts[key]:
            lines.append(f"  {title}: {counts[key]['value']:.4f} ({counts[key]['code']} "
                         f"{counts[key]['name']})")
    for row in part["icbs"]:
        iou = "—" if row["iou"] is None else f"{row['iou']:.4f}"
        share = ("—" if row["population_inside_share"] is None
                 else f"{row['population_inside_share']:.2%}")
        lines.append(f"  {row['code']} {row['name']}: built {_km2(row['built_area_km2'])}, "
                     f"official {_km2(row['official_area_km2'])}, IoU {iou}, people inside "
                     f"{share}")
    return lines


def _km2(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} km²"
