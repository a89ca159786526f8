"""Downloads against a fake ArcGIS FeatureServer on 127.0.0.1: paging, retries, atomic files."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from services.io import download, sources
from services.io.download import DownloadError, fetch_arcgis, fetch_file

LAYER_PATH = re.compile(r"^/arcgis/rest/services/(\w+)/FeatureServer/0(/query)?$")
FAST = {"backoff_s": 0, "progress": False}


@dataclass
class Layer:
    records: list[dict[str, Any]]
    geometries: list[dict[str, Any]] | None = None
    max_record_count: int = 3


@dataclass
class Fault:
    """Answer matching requests (path ending, subset of params) this way, ``times`` times."""

    path_suffix: str
    params: dict[str, str] = field(default_factory=dict)
    status: int = 200
    body: dict[str, Any] | None = None
    sleep_s: float = 0
    truncate: bool = False
    times: int = 1


class FakeArcGIS:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.layers: dict[str, Layer] = {}
        self.files: dict[str, bytes] = {}
        self.faults: list[Fault] = []
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()

    def url(self, name: str) -> str:
        return f"{self.base_url}/arcgis/rest/services/{name}/FeatureServer/0"

    def queries(self, name: str) -> list[dict[str, str]]:
        path = f"/arcgis/rest/services/{name}/FeatureServer/0/query"
        return [params for seen, params in self.seen if seen == path]

    def offsets(self, name: str) -> list[int]:
        return [int(p["resultOffset"]) for p in self.queries(name) if "resultOffset" in p]

    def fault_for(self, path: str, params: dict[str, str]) -> Fault | None:
        with self.lock:
            self.seen.append((path, params))
            for fault in self.faults:
                if (
                    fault.times > 0
                    and path.endswith(fault.path_suffix)
                    and fault.params.items() <= params.items()
                ):
                    fault.times -= 1
                    return fault
        return None

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, bytes]:
        if path in self.files:
            return 200, self.files[path]
        match = LAYER_PATH.match(path)
        if not match or match.group(1) not in self.layers:
            return 404, b"Not Found"
        layer = self.layers[match.group(1)]
        if not match.group(2):
            meta = {"objectIdField": "FID", "maxRecordCount": layer.max_record_count}
            return 200, json.dumps(meta).encode()
        if params.get("returnCountOnly") == "true":
            return 200, json.dumps({"count": len(layer.records)}).encode()
        offset = int(params.get("resultOffset", 0))
        size = min(
            int(params.get("resultRecordCount", layer.max_record_count)), layer.max_record_count
        )
        rows = range(offset, min(offset + size, len(layer.records)))
        exceeded = offset + size < len(layer.records)
        if params.get("f") == "geojson":
            assert layer.geometries is not None
            body: dict[str, Any] = {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": i,
                        "geometry": layer.geometries[i],
                        "properties": layer.records[i],
                    }
                    for i in rows
                ],
            }
            if exceeded:
                body["properties"] = {"exceededTransferLimit": True}
        else:
            body = {
                "objectIdFieldName": "FID",
                "features": [{"attributes": layer.records[i]} for i in rows],
            }
            if exceeded:
                body["exceededTransferLimit"] = True
        return 200, json.dumps(body).encode()


@pytest.fixture
def arcgis() -> Iterator[FakeArcGIS]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = dict(parse_qsl(parts.query))
            fault = fake.fault_for(parts.path, params)
            if fault and fault.sleep_s:
                time.sleep(fault.sleep_s)
                return  # the client has given up: close without an answer
            status, body = fake.answer(parts.path, params)
            if fault and fault.truncate:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                return
            if fault:
                status = fault.status
                body = json.dumps(fault.body).encode() if fault.body else b"fault"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake = FakeArcGIS(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def lad_records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "FID": i + 1,
            "LAD24CD": f"E06{i + 1:06d}",
            "LAD24NM": f"District {i + 1}",
            "RGN24CD": "E12000001",
            "RGN24NM": "North East",
        }
        for i in range(count)
    ]


def square(x: float, y: float) -> dict[str, Any]:
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("query_url", [False, True], ids=["layer-url", "query-url"])
def test_table_is_paged_into_csv(arcgis: FakeArcGIS, tmp_path: Path, query_url: bool) -> None:
    records = lad_records(7)
    records[1] |= {"LAD24NM": 'Ynys Môn, "Anglesey"', "RGN24NM": None}
    arcgis.layers["LU"] = Layer(records)
    url = arcgis.url("LU") + ("/query?where=1%3D1&outFields=*&f=json" if query_url else "")

    dest = fetch_arcgis(url, tmp_path / "LU.csv", as_table=True, **FAST)

    rows = read_csv(dest)
    assert list(rows[0]) == ["FID", "LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM"]
    assert [row["LAD24CD"] for row in rows] == [f"E06{i:06d}" for i in range(1, 8)]
    assert rows[0]["FID"] == "1"
    assert rows[1]["LAD24NM"] == 'Ynys Môn, "Anglesey"'
    assert rows[1]["RGN24NM"] == ""
    assert arcgis.offsets("LU") == [0, 3, 6]
    page = arcgis.queries("LU")[-1]
    assert page | {"resultOffset": "0"} == {
        "where": "1=1",
        "outFields": "*",
        "f": "json",
        "returnGeometry": "false",
        "resultOffset": "0",
        "resultRecordCount": "3",
        "orderByFields": "FID",
    }
    assert leftovers(tmp_path) == ["LU.csv"]


def test_exact_multiple_of_page_size_ends_on_empty_page(arcgis: FakeArcGIS, tmp_path: Path) -> None:
    arcgis.layers["LU"] = Layer(lad_records(6))
    dest = fetch_arcgis(arcgis.url("LU"), tmp_path / "LU.csv", as_table=True, **FAST)
    assert len(read_csv(dest)) == 6
    assert arcgis.offsets("LU") == [0, 3, 6]


def test_geojson_layer_is_one_feature_collection(
    arcgis: FakeArcGIS, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [{"FID": i + 1, "LAD24CD": f"E06{i + 1:06d}", "LAD24NM": f"D{i}"} for i in range(5)]
    arcgis.layers["BGC"] = Layer(records, [square(-1 + i / 10, 52) for i in range(5)])

    # Pages of 4 asked, 3 served: only exceededTransferLimit (in "properties") says "go on".
    dest = fetch_arcgis(
        arcgis.url("BGC"), tmp_path / "BGC.geojson", page_size=4, backoff_s=0, progress=True
    )

    collection = json.loads(dest.read_text())
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["LAD24CD"] for f in collection["features"]] == [
        r["LAD24CD"] for r in records
    ]
    assert all(f["geometry"]["type"] == "Polygon" for f in collection["features"])
    assert arcgis.offsets("BGC") == [0, 3]
    pages = [p for p in arcgis.queries("BGC") if "resultOffset" in p]
    assert all(p["f"] == "geojson" and p["outSR"] == "4326" for p in pages)
    assert all(p["resultRecordCount"] == "4" for p in pages)
    assert "BGC.geojson: 5 / 5 records" in capsys.readouterr().err

    dataset = dataclasses.replace(
        sources.load_manifest()["lad24_boundaries"], url=arcgis.url("BGC"), england_rows=5
    )
    frame, repaired = sources.read_geo(dataset, dest)
    assert len(frame) == 5
    assert repaired == 0


@pytest.mark.parametrize(
    "fault",
    [
        Fault("/query", {"resultOffset": "3"}, status=503),
        Fault("/query", {"resultOffset": "3"}, body={"error": {"code": 500, "message": "Busy"}}),
        Fault("/query", {"resultOffset": "3"}, sleep_s=0.4),
    ],
    ids=["http-503", "arcgis-500", "timeout"],
)
def test_transient_failure_is_retried(arcgis: FakeArcGIS, tmp_path: Path, fault: Fault) -> None:
    arcgis.layers["LU"] = Layer(lad_records(7))
    arcgis.faults.append(fault)
    dest = fetch_arcgis(arcgis.url("LU"), tmp_path / "LU.csv", as_table=True, timeout_s=0.2, **FAST)
    assert len(read_csv(dest)) == 7
    assert arcgis.offsets("LU") == [0, 3, 3, 6]


def test_backoff_doubles(
    arcgis: FakeArcGIS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arcgis.layers["LU"] = Layer(lad_records(2))
    arcgis.faults.append(Fault("/query", {"resultOffset": "0"}, status=429, times=2))
    sleeps: list[float] = []
    monkeypatch.setattr(download.time, "sleep", sleeps.append)
    fetch_arcgis(
        arcgis.url("LU"), tmp_path / "LU.csv", as_table=True, backoff_s=0.5, progress=False
    )
    assert sleeps == [0.5, 1.0]


def test_not_found_is_not_retried_and_leaves_nothing(arcgis: FakeArcGIS, tmp_path: Path) -> None:
    arcgis.layers["LU"] = Layer(lad_records(7))
    arcgis.faults.append(Fault("/query", {"resultOffset": "3"}, status=404, times=5))
    with pytest.raises(DownloadError, match=r"HTTP 404") as failure:
        fetch_arcgis(arcgis.url("LU"), tmp_path / "LU.csv", as_table=True, **FAST)
    assert arcgis.url("LU") in str(failure.value)
    assert "PLACEMAP_MIRROR" in str(failure.value)
    assert arcgis.offsets("LU") == [0, 3]
    assert leftovers(tmp_path) == []


def test_missing_layer_names_the_url(arcgis: FakeArcGIS, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"HTTP 404") as failure:
        fetch_arcgis(arcgis.url("Nope"), tmp_path / "Nope.csv", as_table=True, **FAST)
    assert str(failure.value).startswith(arcgis.url("Nope"))
    assert leftovers(tmp_path) == []


def test_arcgis_error_body_is_reported(arcgis: FakeArcGIS, tmp_path: Path) -> None:
    arcgis.layers["LU"] = Layer(lad_records(7))
    error = {"error": {"code": 400, "message": "Invalid query", "details": []}}
    arcgis.faults.append(Fault("/query", {"resultOffset": "3"}, body=error, times=5))
    with pytest.raises(DownloadError, match=r"ArcGIS error 400: Invalid query"):
        fetch_arcgis(arcgis.url("LU"), tmp_path / "LU.csv", as_table=True, **FAST)
    assert arcgis.offsets("LU") == [0, 3]
    assert leftovers(tmp_path) == []


def test_timeout_gives_up_after_retries(arcgis: FakeArcGIS, tmp_path: Path) -> None:
    arcgis.layers["LU"] = Layer(lad_records(7))
    arcgis.faults.append(Fault("/query", {"resultOffset": "3"}, sleep_s=0.4, times=2))
    with pytest.raises(DownloadError, match=r"no answer .*after 2 attempt"):
        fetch_arcgis(
            arcgis.url("LU"), tmp_path / "LU.csv", as_table=True, timeout_s=0.2, retries=1, **FAST
        )
    assert leftovers(tmp_path) == []


def test_short_answer_against_count_is_refused(arcgis: FakeArcGIS, tmp_path: Path) -> None:
    arcgis.layers["LU"] = Layer(lad_records(7))
    arcgis.faults.append(Fault("/query", {"returnCountOnly": "true"}, body={"count": 9}))
    with pytest.raises(DownloadError, match=r"received 7 records but the server counted 9"):
        fetch_arcgis(arcgis.url("LU"), tmp_path / "LU.csv", as_table=True, **FAST)
    assert leftovers(tmp_path) == []


def test_fetch_file_streams_bytes(arcgis: FakeArcGIS, tmp_path: Path) -> None:
    payload = bytes(range(256)) * 4096
    arcgis.files["/files/ts021.zip"] = payload
    arcgis.faults.append(Fault("/files/ts021.zip", status=502))
    dest = fetch_file(f"{arcgis.base_url}/files/ts021.zip", tmp_path / "ts021.zip", **FAST)
    assert dest.read_bytes() == payload
    assert leftovers(tmp_path) == ["ts021.zip"]


@pytest.mark.parametrize(
    "fault",
    [Fault("/files/ts021.zip", status=404), Fault("/files/ts021.zip", truncate=True)],
    ids=["http-404", "truncated"],
)
def test_fetch_file_failure_leaves_no_file(
    arcgis: FakeArcGIS, tmp_path: Path, fault: Fault
) -> None:
    arcgis.files["/files/ts021.zip"] = b"x" * 100_000
    arcgis.faults.append(fault)
    url = f"{arcgis.base_url}/files/ts021.zip"
    with pytest.raises(DownloadError) as failure:
        fetch_file(url, tmp_path / "ts021.zip", retries=0, **FAST)
    assert str(failure.value).startswith(url)
    assert leftovers(tmp_path) == []


def test_manifest_lookup_downloads_and_validates(
    arcgis: FakeArcGIS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = sources.load_manifest()["lad24_rgn24"]
    assert entry.kind == "arcgis_table"
    assert entry.england_rows is not None
    arcgis.layers["LAD24_RGN24_EN_LU"] = Layer(
        lad_records(entry.england_rows), max_record_count=100
    )
    dataset = dataclasses.replace(entry, url=arcgis.url("LAD24_RGN24_EN_LU"))
    monkeypatch.delenv("PLACEMAP_MIRROR", raising=False)
    monkeypatch.setattr(sources, "CACHE_DIR", tmp_path / "cache")

    path = sources.locate(dataset)

    assert path == tmp_path / "cache" / entry.mirror_file
    table = sources.read_table(dataset, path)
    assert len(table) == entry.england_rows
    assert arcgis.offsets("LAD24_RGN24_EN_LU") == [0, 100, 200]
