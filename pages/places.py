"""Places: load, upload or edit a place configuration, on the map or as a table; alignment
recomputes on every edit."""

import streamlit as st

from services.io.place_files import BLOCK_TYPES, HEADER, place_csv_text
from services.limits import UPLOAD_MAX_MB
from services.places import MOST_SPECIFIC_RULE
from ui import configs, edit_history, editing, frame, map_edit, text
from ui import context as ui
from ui.draft_save import save_control
from ui.tables import export_context

view = ui.view()
icb = ui.icb_code()
st.title(f"Places in {ui.icb_name(icb)}")
text.caption("Configuration: {}. " + editing.block_codes_note() + " " + MOST_SPECIFIC_RULE,
             configs.config_label(view.places))
upload = st.file_uploader(editing.UPLOAD_LABEL, type=["csv", "geojson", "json"],
                          max_upload_size=UPLOAD_MAX_MB, help=editing.UPLOAD_HELP)
if upload is not None:
    editing.load_upload(upload)
editing.show_notice()
config = editing.current_config()
blocks = editing.icb_blocks(config, icb)
st.text("Places here: " + ", ".join(sorted(blocks["place"].unique())))
st.subheader("Edit on the map")
edit_history.controls(config)
target = map_edit.controls(icb)
if target is not None:
    map_edit.edit_map(icb, target)
st.subheader("Edit as a table")
shown = editing.named_blocks(blocks)
edited = st.data_editor(
    shown, num_rows="dynamic", hide_index=True, width="stretch",
    key=f"blocks-{view.places}-{icb}-{ui.places().key}",
    column_order=["place", "block_type", "code", "name"],
    column_config={
        "place": st.column_config.TextColumn("Place", required=True),
        "block_type": st.column_config.SelectboxColumn("Block type", options=BLOCK_TYPES,
                                                       required=True,
                                                       help=editing.block_codes_note()),
        "code": st.column_config.TextColumn("Code", required=True),
        "name": st.column_config.TextColumn("Name (from the code)", disabled=True),
    })
if not edited[HEADER].equals(blocks):
    editing.save_edit(config, icb, edited)
editing.show_alignment()
save_control()
st.download_button("Download configuration (CSV)", place_csv_text(config.blocks, config.facts()),
                   file_name=export_context(config.name).file_name("places", "csv"),
                   mime="text/csv")
frame.attribution()
