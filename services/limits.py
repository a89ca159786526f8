"""Every bound on input from outside (uploads, configuration files, session edits, links),
declared once. Messages name the limit by these constants' values; the server's
``server.maxUploadSize`` in ``.streamlit/config.toml`` must equal :data:`UPLOAD_MAX_MB`
(a test checks it).

Sizes are set for the job, with wide margins over real inputs measured on the England store:
the default scheme (1,963 rows) exports as a 66 KB CSV, the largest ICB's places as a 63 KB
GeoJSON; a configuration naming every LSOA once has 33,755 rows.
"""

from __future__ import annotations

#: Largest configuration upload (CSV or GeoJSON), in MB as Streamlit counts them (2**20 bytes).
UPLOAD_MAX_MB = 2
UPLOAD_MAX_BYTES = UPLOAD_MAX_MB * 2**20
#: Rows of a configuration (CSV rows, edited rows, GeoJSON features): three times England's
#: 33,755 LSOAs (a block may be named only once), and few enough that the worst case resolves
#: in well under 2 s (benchmarks/bench_inputs.py).
CONFIG_ROWS_MAX = 100_000
#: Uploads and edits one session keeps (the oldest goes first, named): a valid configuration
#: names each block once, so each holds at most ~41,000 rows (every LSOA and ward).
SESSION_CONFIGS_MAX = 10
#: Steps an edit history keeps for undo (each a configuration of at most a few thousand rows).
EDIT_HISTORY_MAX = 50
#: Problem rows shown on a page or in an error message; the total is always given beside them.
PROBLEMS_SHOWN_MAX = 100
#: Characters of one link value: a view's longest real value (a configuration or place name)
#: is well under 200 characters, and a 100 KB value hangs the browser tab for 15-23 s.
LINK_VALUE_MAX_CHARS = 2000
#: Parameters in one link: a view has 12 settings, so more than this is not a Placemap link.
LINK_PARAMS_MAX = 50


def megabytes(size_bytes: int) -> str:
    """``size_bytes`` as Streamlit's uploader states sizes (MB of 2**20 bytes, one decimal)."""
    return f"{size_bytes / 2**20:.1f} MB"
