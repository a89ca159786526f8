"""What a loaded store holds, as ``placemap data check`` and the Data page both show it: one row
per layer vintage, then lines on the generations, the sources, the modelled PCNs and the
data-quality checks (read from the store's meta, never recomputed)."""

from __future__ import annotations

import pandas as pd

from layers import generations_of, layer_vintage
from services.io.store import Store
from services.quality_text import quality_lines


def store_summary(store: Store) -> pd.DataFrame:
    """One row per stored layer vintage, in declaration order."""
    rows = []
    for key, info in store.meta["layer_info"].items():
        layer = layer_vintage(key)
        rows.append({
            "layer": key,
            "title": layer.title,
            "vintage": layer.vintage.label,
            "generations": ", ".join(g.label for g in generations_of(key)),
            "rows": info["rows"],
            "population": info["population"],
            "population_method": layer.population_method,
            "repaired_geometries": info["repaired_geometries"],
        })
    return pd.DataFrame(rows)


def report_lines(store: Store) -> list[str]:
    """Everything else ``data check`` says: pairings, sources, quirks, PCNs, data quality."""
    meta = store.meta
    lines = [f"generation {g['label']}: " + ", ".join(f"{layer} {key}" for layer, key in
                                                       g["layers"].items())
             for g in meta["generations"].values()]
    lines += [f"source {dataset_id}: {used['file']} ({used['copy']})"
              for dataset_id, used in meta["sources"].items() if "copy" in used
              and dataset_id.startswith("lsoa21_sicbl26")]
    lines += [f"warning: {warning}" for warning in meta.get("warnings", [])]
    lines += [f"{key.replace('_', ' ')}: {value}" for key, value in meta.get("quirks",
                                                                            {}).items()]
    for year, part in meta.get("pcn", {}).items():
        lines += pcn_lines(year, part)
    return lines + quality_lines(meta.get("quality", {}))


def pcn_lines(year: str, pcn_meta: dict) -> list[str]:
    """A PCN vintage's footprint method, its quality against list sizes, and the bad input."""
    quality = pcn_meta["quality"]
    lines = [f"pcn {year} method: {pcn_meta['method']}; population "
             f"{quality.get('population_method', 'approximate (modelled footprint)')}"]
    for method in ("approximate", "nearest_practice", "registrations"):
        if method in quality:
            england = quality[method]["england"]
            lines.append(f"pcn {year} quality ({method}): correlation with list size "
                         f"{england['correlation']:.3f}, median ratio to rescaled list size "
                         f"{england['median_ratio']:.3f} over {england['pcns']} PCNs")
    if "pieces" in quality:
        pieces = quality["pieces"]
        lines.append(f"pcn {year} footprints in more than one piece: {pieces['multi_piece']} of "
                     f"{pieces['footprints']} ({pieces['multi_piece_share']:.1%}), at most "
                     f"{pieces['max_pieces']}")
    for row in quality.get("cross_boundary_pcns", []):
        lines.append(f"pcn {year} practices in several sub-ICB locations: {row['code']} "
                     f"{row['name']} ({', '.join(row['sub_icb_codes'])}; ICB "
                     f"{', '.join(row['icb_codes'])})")
    lines += [f"pcn {year} bad input {line['rule']} ({line['source']}): {line['count']}"
              + (f"; {line['action']}" if line.get("action") and line["count"] else "")
              for line in pcn_meta["bad_input"]]
    return lines
