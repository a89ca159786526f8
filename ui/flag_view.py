"""A flag read out on the Flags page (rule as a sentence, figures as rows of text) and shown on
the map with every area it names (services/flag_details.py, services/highlight.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.flag_details import AreaRef, flag_areas, flag_details
from services.flags import RULE_BY_ID
from services.highlight import highlighted
from services.measures import MEASURES
from services.view_state import MAP_LAYERS
from ui import context, text

#: The flags table as the page shows it: column → (label, help).
FLAG_COLUMNS = {
    "severity": ("Severity", "high, medium, low or info: how much the rule matters."),
    "title": ("Rule", "The rule that raised the flag (its id is kept in the CLI and exports)."),
    "name": ("Area", "The area the flag is about."),
    "sentence": ("What it means", "The flag's figures in one sentence."),
}
#: The Flags page's table of slivers (services.flag_context.SLIVER_COLUMNS, names first).
SLIVER_TABLE_COLUMNS = ("comparison", "a_name", "b_name", "population", "population_share_of_a",
                        "population_share_of_b", "a_code", "b_code")


def flags_table(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags with each rule's title beside its id (the table shows the title)."""
    return flags.assign(title=flags["rule"].map(lambda rule: RULE_BY_ID[rule].title))[
        list(FLAG_COLUMNS)]


def flag_column_config() -> dict:
    return {column: st.column_config.Column(label, help=help_)
            for column, (label, help_) in FLAG_COLUMNS.items()}


def sliver_column_config() -> dict:
    """The slivers table's columns through the declared measures (services.measures)."""
    people = {c: st.column_config.NumberColumn(MEASURES[c].label, help=MEASURES[c].formula,
                                               format="%d" if MEASURES[c].kind == "people"
                                               else "percent")
              for c in SLIVER_TABLE_COLUMNS if MEASURES[c].kind in ("people", "share")}
    return {c: st.column_config.Column(MEASURES[c].label, help=MEASURES[c].formula)
            for c in SLIVER_TABLE_COLUMNS} | people


def _name_of(ref: AreaRef) -> str:
    ws = context.workspace()
    if ref.layer != "place" and not ws.has(ref.layer):
        return ref.code
    return str(context.geography(ref.layer).names().get(ref.code, ref.code))


def show_flag(flag: pd.Series) -> None:
    """The selected flag: its rule as a sentence, its figures as rows, and the button that
    opens the map on every area it names."""
    rule = RULE_BY_ID[flag["rule"]]
    st.markdown(f"**{rule.title}** ({rule.severity}): {rule.meaning}")
    rows = flag_details(flag, _name_of)
    st.dataframe(pd.DataFrame({"What": [r.what for r in rows], "Value": [r.value for r in rows]}),
                 hide_index=True, width="stretch")
    areas = flag_areas(flag)
    if flag["layer"] in MAP_LAYERS and areas and st.button("Show on map", help=(
            f"Open the map on the {len(areas)} area(s) this flag names, highlighted.")):
        context.show_on_map(flag["layer"], flag["code"],
                            highlight=tuple(ref.key for ref in areas))


@st.cache_resource(show_spinner=False, max_entries=64)
def _highlighted(_places, places_key: str, vintage: str, keys: tuple[str, ...]):
    """Shared by every session (read-only)."""
    return highlighted(context.workspace(), _places, keys)


def highlight_note() -> None:
    """On the map: which areas are highlighted together, and any not found here."""
    keys = context.view().highlight
    if not keys:
        return
    places = context.places()
    found, missing = _highlighted(places, places.key, context.view().vintage, keys)
    shown = "; ".join(f"{{}} ({layer})" for layer in found["layer"])  # layer titles are ours
    text.caption(f"Highlighted (the first in bold, the map fitted to all): {shown}",
                 *found["name"])
    if missing:
        text.warning("Not found as at this generation or configuration, not highlighted: "
                     + "; ".join("{}" for _ in missing), *missing)
