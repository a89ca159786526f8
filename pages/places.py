"""Places: load, upload or edit a place configuration; alignment recomputes on every edit."""

import streamlit as st

from services.io.place_files import BLOCK_TYPES, place_csv_text
from services.limits import UPLOAD_MAX_MB
from ui import configs, editing, frame, text
from ui import context as ui
from ui.draft_save import save_control

view = ui.view()
icb = ui.icb_code()
st.title(f"Places in {ui.icb_name(icb)}")
text.caption("Configuration: {}. " + editing.block_codes_note(), configs.config_label(view.places))
upload = st.file_uploader(editing.UPLOAD_LABEL, type=["csv", "geojson", "json"],
                          max_upload_size=UPLOAD_MAX_MB, help=editing.UPLOAD_HELP)
if upload is not None:
    editing.load_upload(upload)
editing.show_notice()
config = editing.current_config()
blocks = editing.icb_blocks(config, icb)
st.text("Places here: " + ", ".join(sorted(blocks["place"].unique())))
edited = st.data_editor(
    blocks, num_rows="dynamic", hide_index=True, width="stretch",
    key=f"blocks-{view.places}-{icb}",
    column_config={
        "place": st.column_config.TextColumn("Place", required=True),
        "block_type": st.column_config.SelectboxColumn("Block type", options=BLOCK_TYPES,
                                                       required=True),
        "code": st.column_config.TextColumn("Code", required=True),
    })
if not edited.equals(blocks):
    editing.save_edit(config, icb, edited)
editing.show_alignment()
save_control()
st.download_button("Download configuration (CSV)", place_csv_text(config.blocks, config.facts()),
                   file_name=f"{config.name}.csv".replace(" ", "_"), mime="text/csv")
frame.attribution()
