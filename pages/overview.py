"""England overview: every ICB of the generation, how well its places line up with councils;
click an ICB to open its map."""

import streamlit as st

from ui import context as ui
from ui import frame, overview

ws = ui.workspace()
table = overview.overview_table()
st.title(f"England: {len(table)} ICBs as at {ws.generation.label}")
st.caption(f"{int(table['high'].gt(0).sum())} of {len(table)} ICBs have a high-severity flag; "
           f"{int(table['coterminous_share'].ge(1 - 1e-9).sum())} have every person in a place "
           "that matches one HWB area.")
overview.legend()
overview.show_map(table)
overview.show_table(table)
frame.attribution()
