"""Session keys, declared once: every value Placemap keeps in ``st.session_state`` is named
here, so no module spells a key as a bare string (a typo would be a silent new key)."""

from enum import StrEnum


class Key(StrEnum):
    """A session-state key (a ``str``, so ``st.session_state[Key.VIEW]`` is the "view" entry)."""

    VIEW = "view"  # the ViewState: page-independent view, read once from the link
    LINK_PAGE = "link_page"  # the page a bare first run asked for (see context._inside_the_frame)
    LINK_PROBLEMS = "link_problems"  # what of the opening link could not be used
    LAST_PAGE = "last_page"  # the url path of the page the previous run showed
    CUSTOM_PLACES = "custom_places"  # this session's uploads and edits, by session key
    MAP_START = "map_start"  # (map content, start position) of the map on screen
    SHARE_SLOT = "share_slot"  # the sidebar's placeholder for the share box
    LAST_UPLOAD = "last_upload"  # the file id of the upload already read
    UPLOAD_CUT_LSOAS = "upload_cut_lsoas"  # LSOAs an uploaded polygon's edge cuts
    PLACES_NOTICE = "places_notice"  # what the Places page says once after an upload or edit
    SLIDE_DOWNLOAD = "slide_download"  # the Map page's "Download map for slides" switch
    ROOM_CODE = "room_code"  # the live room this session presents (services/rooms.py)
    ROOM_TOKEN = "room_token"  # the presenter's write token: this session only, never in a link
    ROOM_PUBLISHED = "room_published"  # the room view this presenter last published
    ROOM_FOLLOWERS = "room_followers"  # how many followed at the presenter's last heartbeat
    ROOM_FOLLOWING = "room_following"  # a viewer's "Follow the presenter" switch
    ROOM_VERSION = "room_version"  # the room version this viewer shows
    ROOM_VIEWER = "room_viewer"  # this viewer's random id (counted as a follower by it)
    ROOM_SEEN = "room_seen"  # monotonic time of this session's last heartbeat
    ROOM_GOTO = "room_goto"  # the room's page, to be opened by the next full run
    ROOM_NOTICE = "room_notice"  # what to say once (the room ended, a join failed)
