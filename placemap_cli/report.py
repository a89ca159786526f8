"""``placemap report`` and ``placemap flags``: the engine for boundary reviewers, no browser needed.

Output is deterministic (sorted by the services) in three forms: ``table`` for reading, ``csv``
(one tidy table with a ``section`` column) and ``json`` (docs/report-json.md).
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from layers import GENERATIONS, LATEST
from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.export import csv_line
from services.icb_drafts import DraftedIcbs, apply_icb_draft
from services.icb_flags import icb_draft_section
from services.io.store import load_store
from services.io.tier_drafts import load_tier_draft
from services.neighbourhoods import NEIGHBOURHOOD_BAND, PopulationBand
from services.places import DEFAULT_SCHEME, load_config
from services.report import england_flags, icb_report
from services.text import printable
from services.workspace import Workspace

CSV_FIELDS = ["section", "subject_code", "subject_name", "other_code", "other_name", "population",
              "share_of_subject", "share_of_other", "jaccard", "class", "severity", "sentence",
              "generation"]


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="coterminosity, coverage and flags for one ICB")
    report.add_argument("--icb", required=True, help="ICB code (E54...), ODS code or name")
    report.add_argument("--layer", default="place", choices=["place", "pcn"],
                        help="what to report on: the places, or the PCNs")
    report.add_argument("--neighbourhoods", help="neighbourhoods within the places: a CSV file "
                        "neighbourhood,block_type,code (ward, pcn, lsoa blocks) or draft:ID")
    report.add_argument("--band", nargs=2, type=int, metavar=("LOW", "HIGH"),
                        default=[NEIGHBOURHOOD_BAND.low, NEIGHBOURHOOD_BAND.high],
                        help="guidance band of a neighbourhood's people (default "
                             f"{NEIGHBOURHOOD_BAND.low} {NEIGHBOURHOOD_BAND.high})")
    _common(report)
    report.set_defaults(run=_report)
    flags = commands.add_parser("flags", help="misalignment flags")
    flags.add_argument("--england", action="store_true", required=True,
                       help="every rule over all ICBs")
    _common(flags)
    flags.set_defaults(run=_flags)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--places", default=DEFAULT_SCHEME,
                        help="scheme (hwb_within_icb, sub_icb), published configuration "
                             "(e.g. greater_manchester), a CSV file place,block_type,code or "
                             "draft:ID (a saved draft)")
    parser.add_argument("--icbs", help="an ICB draft over the --vintage boundaries: a CSV "
                        "icb,block_type,code (sub_icb, hwb, lad, lsoa blocks) or draft:ID; "
                        "every ICB it does not touch stays as published")
    parser.add_argument("--format", default="table", choices=["table", "csv", "json"])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help="share for 'coterminous' / 'within' (default 0.99)")
    parser.add_argument("--sliver", type=float, default=DEFAULT_SLIVER,
                        help="overlaps below this share of the smaller area are slivers")
    parser.add_argument("--store", help="store folder (default: PLACEMAP_STORE)")
    add_vintage_option(parser)


def add_vintage_option(parser: argparse.ArgumentParser) -> None:
    """Every command that reads geography takes the generation (default: the latest)."""
    labels = ", ".join(f"{g.id} = {g.label}" for g in GENERATIONS.values())
    parser.add_argument("--vintage", default=LATEST, choices=list(GENERATIONS),
                        help=f"boundaries as at ({labels}; default {LATEST})")


def _workspace(args: argparse.Namespace) -> tuple[Workspace, DraftedIcbs | None]:
    """The generation asked for, with the ICB draft of ``--icbs`` applied when given."""
    view = load_store(args.store).generation(args.vintage)
    if not args.icbs:
        return Workspace(view), None
    drafted = apply_icb_draft(view, load_tier_draft(args.icbs, "icb", args.vintage))
    return Workspace(drafted.store), drafted


def _report(args: argparse.Namespace) -> int:
    ws, drafted = _workspace(args)
    places = load_config(ws.store, args.places, files=True)
    hoods = (load_config(ws.store, args.neighbourhoods, files=True, tier="neighbourhood")
             if args.neighbourhoods else None)
    icb_code = ws.find_icb(args.icb)
    report = icb_report(ws, icb_code, places, args.layer, args.threshold, args.sliver, hoods,
                        PopulationBand(*args.band))
    if drafted is not None:
        report["icb_draft"] = icb_draft_section(ws, drafted, icb_code, threshold=args.threshold,
                                                sliver=args.sliver)
    _emit(report, args.format)
    return 0


def _flags(args: argparse.Namespace) -> int:
    ws, drafted = _workspace(args)
    places = load_config(ws.store, args.places, files=True)
    report = england_flags(ws, places, args.threshold, args.sliver)
    if drafted is not None:
        report["icb_draft"] = icb_draft_section(ws, drafted, threshold=args.threshold,
                                                sliver=args.sliver)
    _emit(report, args.format)
    return 0


def _emit(report: dict, form: str) -> None:
    if form == "json":
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif form == "csv":  # one writer for every CSV: formula cells neutralised (OWASP)
        rows = [{**row, "generation": report["generation"]["label"]} for row in _csv_rows(report)]
        sys.stdout.write(csv_line(CSV_FIELDS))
        sys.stdout.writelines(csv_line([row.get(field) for field in CSV_FIELDS]) for row in rows)
    else:
        print(printable(_table(report)))  # names come from files: no terminal escapes


def _csv_rows(report: dict) -> list[dict]:
    rows = []
    for other, records in report.get("coterminosity", {}).items():
        rows += [{"section": f"coterminosity_{other}", "subject_code": r["a_code"],
                  "subject_name": r["a_name"], "other_code": r["best_b_code"],
                  "other_name": r["best_b_name"], "population": r["population"],
                  "share_of_subject": r["population_share_of_a"],
                  "share_of_other": r["population_share_of_b"],
                  "jaccard": r["population_jaccard"], "class": r["population_class"]}
                 for r in records]
    for other, records in report.get("coverage", {}).items():
        rows += [{"section": f"coverage_{other}", "subject_code": r["a_code"],
                  "subject_name": r["a_name"], "other_code": r["b_code"],
                  "other_name": r["b_name"], "population": r["population"],
                  "share_of_subject": r["population_share_of_a"],
                  "share_of_other": r["population_share_of_b"], "class": r["population_class"]}
                 for r in records]
    hoods = report.get("neighbourhoods", {})
    rows += [{"section": "neighbourhood", "subject_code": r["code"], "subject_name": r["name"],
              "other_code": r["place"], "other_name": r["place"], "population": r["population"]}
             for r in hoods.get("areas", [])]
    rows += _flag_rows(report["flags"], "flag") + _sliver_rows(report["slivers"], "sliver")
    return rows + _draft_csv_rows(report.get("icb_draft"))


def _flag_rows(flags: list[dict], section: str) -> list[dict]:
    return [{"section": section, "subject_code": r["code"], "subject_name": r["name"],
             "class": r["rule"], "severity": r["severity"], "sentence": r["sentence"]}
            for r in flags]


def _sliver_rows(slivers: list[dict], section: str) -> list[dict]:
    return [{"section": f"{section}:{r['comparison']}", "subject_code": r["a_code"],
             "subject_name": r["a_name"], "other_code": r["b_code"], "other_name": r["b_name"],
             "population": r["population"], "share_of_subject": r["population_share_of_a"],
             "share_of_other": r["population_share_of_b"], "class": "sliver"}
            for r in slivers]


def _draft_csv_rows(draft: dict | None) -> list[dict]:
    """The ICB draft's rows: each ICB it changed, its flags and its slivers."""
    if draft is None:
        return []
    rows = [{"section": f"icb_draft:{r['status']}", "subject_code": r["icb_code"],
             "subject_name": r["icb_name"], "population": r["population"],
             "sentence": f"before {r['population_before']:,}; in {r['people_in']:,} from "
                         f"{r['from'] or '-'}; out {r['people_out']:,} to {r['to'] or '-'}"}
            for r in draft["icbs"]]
    return (rows + _flag_rows(draft["flags"], "icb_draft_flag")
            + _sliver_rows(draft["slivers"], "icb_draft_sliver"))


def _table(report: dict) -> str:
    out = [f"Boundaries as at {report['generation']['label']}; places: "
           f"{report['generation']['configuration']['note']}"]
    if "icb" in report:
        icb = report["icb"]
        out.append(f"{icb['name']} ({icb['code']}), population {icb['population']:,}")
    out.append(f"Places: {report['places']['name']} (vintage {report['places']['vintage']}); "
               f"coterminous when both population shares >= {report['threshold']}, "
               f"slivers below {report['sliver']:.1%}")
    for other, records in report.get("coterminosity", {}).items():
        out.append(f"\n{report['layer']} vs {other} (population-based; area-based alongside)")
        frame = pd.DataFrame(records)
        out.append(frame[["a_name", "population", "best_b_name", "population_share_of_a",
                          "population_share_of_b", "population_jaccard", "population_class",
                          "area_class"]].to_string(index=False) if len(frame) else "(none)")
        summary = report["summary"][other]
        out.append("  " + "; ".join(f"{row['class']}: {row['areas']} areas, "
                                    f"{row['population_share']:.1%} of people"
                                    for row in summary if row["areas"]))
    if "icb_coverage_by_place" in report:
        cover = report["icb_coverage_by_place"]
        out.append(f"\nICB population by place: {cover['population']:,} people; "
                   f"{cover['uncovered']:,} in no place, {cover['double_counted']:,} counted twice")
        out.append(pd.DataFrame(cover["rows"]).to_string(index=False))
    if "neighbourhoods" in report:
        hoods = report["neighbourhoods"]
        out.append(f"\nNeighbourhoods: {hoods['name']} (vintage {hoods['vintage']}; band "
                   f"{hoods['band'][0]:,}–{hoods['band'][1]:,} people)")
        frame = pd.DataFrame(hoods["areas"])
        out.append(frame[["name", "population", "place", "lsoa_count"]].to_string(index=False)
                   if len(frame) else "(none in this ICB)")
        out += [f"  {c['place']}: {c['population']:,} people; {c['uncovered']:,} in no "
                f"neighbourhood, {c['double_counted']:,} counted twice"
                for c in hoods["coverage_by_place"]]
    out.append(f"\nFlags ({len(report['flags'])})")
    out += [f"  [{r['severity']}] {r['rule']}: {r['sentence']}" for r in report["flags"]]
    out.append(f"\nSlivers, not misalignments ({len(report['slivers'])})")
    out += [f"  {r['comparison']}: {r['a_name']} / {r['b_name']}: {r['population']:,} people"
            for r in report["slivers"]]
    return "\n".join(out + _draft_table(report.get("icb_draft")))


def _draft_table(draft: dict | None) -> list[str]:
    if draft is None:
        return []
    out = [f"\nICB draft {draft['name']!r} ({draft['id']}, {draft['source']}). {draft['rule']}",
           f"ICBs it changes ({len(draft['icbs'])})"]
    out += [f"  {r['icb_name']} ({r['icb_code']}), {r['status']}: {r['population_before']:,} -> "
            f"{r['population']:,} people; in from {r['from'] or '-'}; out to {r['to'] or '-'}"
            for r in draft["icbs"]]
    out.append(f"ICB tier flags ({len(draft['flags'])})")
    out += [f"  [{r['severity']}] {r['rule']}: {r['sentence']}" for r in draft["flags"]]
    out.append(f"ICB tier slivers, not misalignments ({len(draft['slivers'])})")
    out += [f"  {r['comparison']}: {r['a_name']} / {r['b_name']}: {r['population']:,} people"
            for r in draft["slivers"]]
    return out
