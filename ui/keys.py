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
    DRAFT_ICBS = "draft_icbs"  # the ICB each draft this session uses was saved for, by draft:<id>
    DRAFT_SAVED = "draft_saved"  # what the Save draft control says once after a save
    DRAFT_PICKED = "draft_picked"  # the draft the Drafts page opens or downloads
    DRAFT_COMPARE_FIRST = "draft_compare_first"  # the Drafts page's first draft to compare
    DRAFT_COMPARE_SECOND = "draft_compare_second"  # … and the second
    DRAFT_UPLOAD = "draft_upload"  # the Drafts page's draft file uploader
    DRAFT_FORM = "draft_form"  # the Save draft form on the Places page
    CUSTOM_PLACES = "custom_places"  # this session's uploads and edits, by session key
    MAP_START = "map_start"  # (map content, start position) of the map on screen
    SHARE_SLOT = "share_slot"  # the sidebar's placeholder for the share box
    LAST_UPLOAD = "last_upload"  # the file id of the upload already read
    UPLOAD_CUT_LSOAS = "upload_cut_lsoas"  # LSOAs an uploaded polygon's edge cuts
    PLACES_NOTICE = "places_notice"  # what the Places page says once after an upload or edit
    SLIDE_DOWNLOAD = "slide_download"  # the Map page's "Download map for slides" switch
