"""``placemap map``: one ICB's map view as a slide-ready PNG (1920×1080), SVG or PDF file.

The same renderer (services/slide_map.py) and the same features as the dashboard's Map page and
its "Download map" buttons, so the same view gives the same file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from placemap_cli.report import add_vintage_option
from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.flags import misalignment_flags
from services.io.store import load_store
from services.map_view import map_features
from services.places import DEFAULT_SCHEME, load_config
from services.slide_map import FORMATS, render, selected_area, slide_map
from services.view_state import DEFAULT_LAYERS, MAP_LAYERS
from services.workspace import Workspace


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("map", help="one ICB's map as a slide-ready PNG, SVG or PDF")
    parser.add_argument("--icb", required=True, help="ICB code (E54...), ODS code or name")
    parser.add_argument("--places", default=DEFAULT_SCHEME,
                        help="scheme (hwb_within_icb, sub_icb), published configuration "
                             "(e.g. greater_manchester) or a CSV file place,block_type,code")
    parser.add_argument("--layers", default=",".join(DEFAULT_LAYERS), type=_layers,
                        help=f"comma-separated, of {','.join(MAP_LAYERS)} "
                             f"(default {','.join(DEFAULT_LAYERS)})")
    parser.add_argument("--area", default="", help="the code of an area drawn to select: "
                                                   "outlined, and the map framed on it")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help="share for 'coterminous' / 'within' (default 0.99)")
    parser.add_argument("--sliver", type=float, default=DEFAULT_SLIVER,
                        help="overlaps below this share of the smaller area are slivers")
    parser.add_argument("--store", help="store folder (default: PLACEMAP_STORE)")
    add_vintage_option(parser)
    parser.add_argument("--out", required=True, type=Path,
                        help=f"the file to write; its suffix says the format "
                             f"({', '.join('.' + f for f in FORMATS)})")
    parser.set_defaults(run=_run)


def _layers(raw: str) -> tuple[str, ...]:
    layers = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [layer for layer in layers if layer not in MAP_LAYERS]
    if unknown or not layers:
        raise argparse.ArgumentTypeError(
            f"unknown layer(s) {', '.join(unknown)}: choose among {','.join(MAP_LAYERS)}"
            if unknown else f"no layer given: choose among {','.join(MAP_LAYERS)}")
    return layers


def _run(args: argparse.Namespace) -> int:
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"--out {args.out}: the file name must end in "
                         f"{', '.join('.' + f for f in FORMATS)} (it says the format).")
    ws = Workspace(load_store(args.store), args.vintage)
    icb = ws.find_icb(args.icb)
    places = ws.places(load_config(ws.store, args.places, files=True))
    flagged = frozenset(misalignment_flags(ws, places, icb, threshold=args.threshold,
                                           sliver=args.sliver)[0]["code"])
    features = map_features(ws, icb, places, args.layers, flagged, threshold=args.threshold,
                            sliver=args.sliver)
    if args.area and selected_area(features, args.area) is None:
        raise ValueError(f"--area {args.area} is not drawn on this map (layers "
                         f"{','.join(args.layers)} of {ws.geography('icb').names()[icb]}): give "
                         "the code of an area in the ICB and add its layer to --layers.")
    data = render(slide_map(ws, icb, places, features, args.area), fmt)
    args.out.write_bytes(data)
    print(f"{args.out}: {fmt.upper()}, {len(data):,} bytes")
    return 0
