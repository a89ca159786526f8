"""Session keys, declared once: every value Placemap keeps in ``st.session_state`` is named
here, so no module spells a key as a bare string (a typo would be a silent new key)."""

from enum import StrEnum


class Key(StrEnum):
    """A session-state key (a ``str``, so ``st.session_state[Key.VIEW]`` is the "view" entry)."""

    VIEW = "view"  # the ViewState: page-independent view, read once from the link
    LINK_PAGE = "link_page"  # the page a bare first run asked for (see context._inside_the_frame)
    LINK_PROBLEMS = "link_problems"  # what of the opening link could not be used
    LAST_PAGE = "last_page"  # the url path of the page the previous run showed
    PENDING_DRAFTS = "pending_drafts"  # PendingSaves: drafts waiting for the drafts database
    ICB_DRAFTS = "icb_drafts"  # the ICB drafts this session opened, by draft:<id>
    NEIGHBOURHOOD_DRAFTS = "neighbourhood_drafts"  # … neighbourhood drafts, by (ref, vintage)
    DRAFT_ICBS = "draft_icbs"  # the ICB each draft this session uses was saved for, by draft:<id>
    DRAFT_SAVED = "draft_saved"  # what the Save draft control says once after a save
    DRAFT_PICKED = "draft_picked"  # the draft the Drafts page opens or downloads
    DRAFT_COMPARE_FIRST = "draft_compare_first"  # the Drafts page's first draft to compare
    DRAFT_COMPARE_SECOND = "draft_compare_second"  # … and the second
    DRAFT_UPLOAD = "draft_upload"  # the Drafts page's draft file uploader
    DRAFT_FORM = "draft_form"  # the Save draft form on the Places page
    CUSTOM_PLACES = "custom_places"  # this session's uploads and edits, by session key
    URL_WRITTEN = "url_written"  # the query this session last wrote into the address bar
    MAP_START = "map_start"  # (map content, start position) of the map on screen
    SHARE_SLOT = "share_slot"  # the sidebar's placeholder for the share box
    LAST_UPLOAD = "last_upload"  # the file id of the upload already read
    UPLOAD_CUT_LSOAS = "upload_cut_lsoas"  # LSOAs an uploaded polygon's edge cuts
    PLACES_NOTICE = "places_notice"  # what the Places page says once after an upload or edit
    MAP_LABELS = "map_labels"  # the Map page's labels switch (ui/map_areas.py)
    MAP_AREAS_OPEN = "map_areas_open"  # widget: the Map page's "Areas on the map" expander
    HANDLED_CLICK = "handled_click"  # (map key, (lat, lon)) of the last map click handled
    HERE_POINT = "here_point"  # (lat, lon) of the last map click the "What is here?" panel shows
    HERE_SELECT = "here_select"  # prefix of the panel's Select buttons (+ layer, vintage, code)
    HERE_CHOSEN = "here_chosen"  # (layer, code, generation, ICB) a Select asked the map for
    FIND = "find"  # the sidebar search box's state (streamlit-searchbox keeps it here)
    SLIDE_DOWNLOAD = "slide_download"  # the Map page's "Download map for slides" switch
    EDIT_HISTORY = "edit_history"  # the session's EditHistory (undo/redo of its edits)
    EDIT_TARGET = "edit_target"  # widget: the place a map click moves blocks to
    EDIT_NEW_NAME = "edit_new_name"  # widget: the name of a new place to click blocks into
    EDIT_BLOCK_TYPE = "edit_block_type"  # widget: the block layer a map click picks
    EDIT_MAP_START = "edit_map_start"  # (map content, start position) of the edit map
    EDIT_MAP_VIEW = "edit_map_view"  # the edit map's last reported centre and zoom
    EDIT_UNDO = "edit_undo"  # widget: the undo button
    EDIT_REDO = "edit_redo"  # widget: the redo button
    ROOM_CODE = "room_code"  # the live room this session presents (services/rooms.py)
    ROOM_TOKEN = "room_token"  # the presenter's write token: this session only, never in a link
    ROOM_PUBLISHED = "room_published"  # the room view this presenter last published
    ROOM_FOLLOWERS = "room_followers"  # how many followed at the presenter's last heartbeat
    ROOM_FOLLOWING = "room_following"  # a viewer's "Follow the presenter" switch
    ROOM_VERSION = "room_version"  # the room version this viewer shows
    ROOM_POLLER = "room_poller"  # the follower's poller widget (ui/follow.py), + "-CODE"
    ROOM_WHERE = "room_where"  # that version's view but its position (ui/follow.py compares it)
    ROOM_VIEWER = "room_viewer"  # this viewer's random id (counted as a follower by it)
    ROOM_SEEN = "room_seen"  # monotonic time of this session's last heartbeat
    ROOM_READ = "room_read"  # monotonic time a run of this session last read its room
    ROOM_NOTICE = "room_notice"  # what to say once (the room ended, a join failed)
