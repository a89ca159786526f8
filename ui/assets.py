"""Fetch the pinned browser assets: Leaflet into ./static/leaflet (served at /app/static) so maps
draw without internet, and axe-core into ./.cache/axe-core for the browser tests' accessibility
checks (a test tool, so never served).

folium points at a CDN by default; a meeting room or CI machine may have no internet, so the
map would be blank. Both come from the npm registry, pinned by version and sha256; a file
already fetched is kept. Run: ``python -m ui.assets`` (``make`` does it).
"""

from __future__ import annotations

import hashlib
import io
import sys
import tarfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Asset:
    """An npm package tarball pinned by sha256; ``pick`` maps a member's name to its path under
    ``dest`` (None: not wanted); ``marker`` is the file whose presence means "fetched"."""

    name: str
    url: str
    sha256: str
    dest: Path
    marker: str
    pick: Callable[[str], str | None]


def _leaflet_file(member: str) -> str | None:
    if member.startswith("package/dist/") and not member.endswith((".map", ".esm.js", "-src.js")):
        return member.removeprefix("package/dist/")
    return None


def _axe_file(member: str) -> str | None:
    return member.removeprefix("package/") if member in ("package/axe.min.js",
                                                         "package/LICENSE") else None


LEAFLET = Asset("Leaflet", "https://registry.npmjs.org/leaflet/-/leaflet-1.9.4.tgz",
                "84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77",
                ROOT / "static" / "leaflet", "leaflet.js", _leaflet_file)
AXE = Asset("axe-core", "https://registry.npmjs.org/axe-core/-/axe-core-4.14.1.tgz",
            "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745",
            ROOT / ".cache" / "axe-core", "axe.min.js", _axe_file)
ASSETS = (LEAFLET, AXE)


def fetch(asset: Asset) -> Path:
    """The asset's marker file, fetched and checked against the pinned sha256 if missing."""
    if (asset.dest / asset.marker).exists():
        return asset.dest / asset.marker
    with urllib.request.urlopen(asset.url, timeout=60) as answer:
        data = answer.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != asset.sha256:
        raise SystemExit(f"{asset.url}: sha256 {digest} is not the pinned {asset.sha256}; "
                         "refusing to use it.")
    asset.dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            relative = asset.pick(member.name) if member.isfile() else None
            if relative:
                target = asset.dest / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())
    return asset.dest / asset.marker


if __name__ == "__main__":
    for asset in ASSETS:
        print(f"{asset.name} in {fetch(asset).parent}", file=sys.stderr)
