"""Whether this server can reach the basemap's tile host: one short HEAD request per process.

A meeting room or this CI machine may have no internet: tiles would fail one by one behind an
OpenStreetMap credit over a grey map. Asked once (the launcher asks as the server starts) and
kept; any answer but a success within the timeout counts as unreachable. Sessions asking while
the launcher's request is out wait for its answer instead of sending their own.
"""

from __future__ import annotations

import functools
import threading
import urllib.request

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # folium's "OpenStreetMap" tiles
PROBE_URL = TILE_URL.format(z=0, x=0, y=0)
PROBE_TIMEOUT_S = 2.0


_ASKING = threading.Lock()


def tiles_reachable(url: str = PROBE_URL, timeout_s: float = PROBE_TIMEOUT_S) -> bool:
    with _ASKING:  # functools.cache alone lets every caller of a first, slow answer ask again
        return _answer(url, timeout_s)


@functools.cache
def _answer(url: str, timeout_s: float) -> bool:
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "Placemap"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            return 200 <= answer.status < 400
    except (OSError, ValueError):  # URLError, HTTPError, timeouts are OSErrors
        return False
