"""Fetch Leaflet into ./static/leaflet (served at /app/static) so maps draw without internet.

folium points at a CDN by default; a meeting room or CI machine may have no internet, so the
map would be blank. Leaflet comes from the npm registry, pinned by version and sha256.
Run: ``python -m ui.assets`` (``make`` does it).
"""

from __future__ import annotations

import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

LEAFLET_URL = "https://registry.npmjs.org/leaflet/-/leaflet-1.9.4.tgz"
LEAFLET_SHA256 = "84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "leaflet"


def fetch_leaflet(dest: Path = STATIC_DIR) -> Path:
    if (dest / "leaflet.js").exists():
        return dest
    with urllib.request.urlopen(LEAFLET_URL, timeout=60) as answer:
        data = answer.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != LEAFLET_SHA256:
        raise SystemExit(f"{LEAFLET_URL}: sha256 {digest} is not the pinned {LEAFLET_SHA256}; "
                         "refusing to serve it.")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("package/dist/") and \
                    not member.name.endswith((".map", ".esm.js", "-src.js")):
                target = dest / member.name.removeprefix("package/dist/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())
    return dest


if __name__ == "__main__":
    print(f"Leaflet in {fetch_leaflet()}", file=sys.stderr)
