"""Downloads of official source files, retried and written atomically.

ONS ArcGIS FeatureServer layers cap each answer at the layer's ``maxRecordCount``, so every layer
is walked page by page and checked against the server's own record count before it is kept.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

ADVICE = (
    "Check your connection and retry `placemap data build`, or download the file by hand and "
    "set PLACEMAP_MIRROR to its folder."
)
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 2000
# Query parameters this module sets itself; any others in the given URL (where, outFields…) stay.
PAGING_PARAMS = frozenset(
    {
        "f",
        "outSR",
        "returnGeometry",
        "returnCountOnly",
        "resultOffset",
        "resultRecordCount",
        "orderByFields",
    }
)
T = TypeVar("T")
RETRYABLE_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class DownloadError(RuntimeError):
    """A download failed; the message names the URL, the problem and what to do."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"{url}: {problem}. {ADVICE}")
        self.url = url
        self.problem = problem


class _Retryable(Exception):
    """A failure worth another attempt (no answer, timeout, HTTP 429/5xx, ArcGIS 5xx error)."""


def fetch_arcgis(
    url: str,
    dest: Path,
    *,
    as_table: bool = False,
    page_size: int | None = None,
    timeout_s: float = 60,
    retries: int = 4,
    backoff_s: float = 1.0,
    progress: bool = True,
) -> Path:
    """Download every record of an ArcGIS FeatureServer layer (its URL, or a ``/query`` URL whose
    ``where`` / ``outFields`` are kept) to ``dest``: a CSV of attributes when ``as_table``,
    otherwise a GeoJSON FeatureCollection in EPSG:4326."""
    layer_url, base_params = _split_query_url(url)
    query_url = f"{layer_url}/query"
    with requests.Session() as session:

        def get_json(target: str, params: dict[str, Any]) -> dict[str, Any]:
            return _get_json(session, target, params, timeout_s, retries, backoff_s)

        meta = get_json(layer_url, {"f": "json"})
        max_records = meta.get("maxRecordCount") or DEFAULT_PAGE_SIZE
        size = page_size or min(int(max_records), MAX_PAGE_SIZE)
        total = get_json(query_url, {**base_params, "returnCountOnly": "true", "f": "json"}).get(
            "count"
        )
        params = {**base_params, "resultRecordCount": size}
        if oid_field := _object_id_field(meta):
            params["orderByFields"] = oid_field
        if as_table:
            params |= {"f": "json", "returnGeometry": "false"}
        else:
            params |= {"f": "geojson", "outSR": "4326"}

        report = _progress_line(dest.name, total, "records") if progress else None
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _atomic_text(dest) as handle:
            writer = _CsvWriter(handle, query_url) if as_table else _GeoJsonWriter(handle)
            fetched = 0
            for features in _pages(get_json, query_url, params, total):
                writer.write(features)
                fetched += len(features)
                if report:
                    report(fetched)
            writer.close()
            if report:
                report(fetched, final=True)
            if total is not None and fetched != total:
                raise DownloadError(
                    query_url, f"received {fetched} records but the server counted {total}"
                )
    return dest


def fetch_file(
    url: str,
    dest: Path,
    *,
    timeout_s: float = 120,
    retries: int = 4,
    backoff_s: float = 1.0,
    progress: bool = True,
) -> Path:
    """Stream ``url`` to ``dest``; the file appears only once it is complete."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = _part_path(dest)

    def attempt(session: requests.Session) -> None:
        with session.get(url, stream=True, timeout=timeout_s) as response:
            _check_status(url, response)
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            report = _progress_line(dest.name, total, "bytes") if progress else None
            received = 0
            with open(part, "wb") as handle:
                for chunk in response.iter_content(chunk_size=1 << 20):
                    handle.write(chunk)
                    received += len(chunk)
                    if report:
                        report(received)
            if report:
                report(received, final=True)

    try:
        with requests.Session() as session:
            _with_retries(url, lambda: attempt(session), retries, backoff_s)
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return dest


def _pages(
    get_json: Callable[[str, dict[str, Any]], dict[str, Any]],
    query_url: str,
    params: dict[str, Any],
    total: int | None,
) -> Iterator[list[dict[str, Any]]]:
    """Each page's features, while the server says it held some back or a full page came."""
    size = params["resultRecordCount"]
    fetched = 0
    while True:
        page = get_json(query_url, {**params, "resultOffset": fetched})
        features = page.get("features")
        if not isinstance(features, list):
            raise DownloadError(query_url, f"the answer at offset {fetched} has no features")
        if not features:
            return
        fetched += len(features)
        if total is not None and fetched > total:
            raise DownloadError(query_url, f"more records than the {total} the server counted")
        yield features
        # f=json puts the flag at the top level, f=geojson inside "properties".
        exceeded = page.get("exceededTransferLimit") or (page.get("properties") or {}).get(
            "exceededTransferLimit"
        )
        if not exceeded and len(features) < size:
            return


def _split_query_url(url: str) -> tuple[str, dict[str, str]]:
    """The layer URL (without ``/query``) and the query's own filters, defaulting to all rows."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    path = path.removesuffix("/query")
    layer_url = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    params = {k: v for k, v in parse_qsl(parts.query) if k not in PAGING_PARAMS}
    params.setdefault("where", "1=1")
    params.setdefault("outFields", "*")
    return layer_url, params


def _object_id_field(meta: dict[str, Any]) -> str | None:
    if meta.get("objectIdField"):
        return str(meta["objectIdField"])
    for spec in meta.get("fields") or ():
        if spec.get("type") == "esriFieldTypeOID":
            return str(spec["name"])
    return None


def _get_json(
    session: requests.Session,
    url: str,
    params: dict[str, Any],
    timeout_s: float,
    retries: int,
    backoff_s: float,
) -> dict[str, Any]:
    """GET a JSON answer, treating ArcGIS's HTTP 200 ``{"error": ...}`` bodies as failures."""
    full_url = f"{url}?{urlencode(params)}"

    def attempt() -> dict[str, Any]:
        response = session.get(url, params=params, timeout=timeout_s)
        _check_status(full_url, response)
        try:
            body = response.json()
        except ValueError as exc:
            raise _Retryable("the answer is not valid JSON") from exc
        if not isinstance(body, dict):
            raise DownloadError(full_url, "the answer is not a JSON object")
        if isinstance(error := body.get("error"), dict):
            code = error.get("code")
            details = "; ".join(map(str, error.get("details") or ()))
            problem = f"ArcGIS error {code}: {error.get('message')}" + (
                f" ({details})" if details else ""
            )
            if _is_transient(code):
                raise _Retryable(problem)
            raise DownloadError(full_url, problem)
        return body

    return _with_retries(full_url, attempt, retries, backoff_s)


def _check_status(url: str, response: requests.Response) -> None:
    if response.status_code < 400:
        return
    problem = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
    if _is_transient(response.status_code):
        raise _Retryable(problem)
    raise DownloadError(url, problem)


def _is_transient(code: object) -> bool:
    return isinstance(code, int) and (code == 429 or code >= 500)


def _with_retries(url: str, attempt: Callable[[], T], retries: int, backoff_s: float) -> T:
    """Run ``attempt``, retrying transient failures ``retries`` times with exponential backoff."""
    failures = 0
    while True:
        try:
            return attempt()
        except (_Retryable, *RETRYABLE_ERRORS) as exc:
            if failures >= retries:
                problem = str(exc) if isinstance(exc, _Retryable) else f"no answer ({exc})"
                raise DownloadError(url, f"{problem}, after {failures + 1} attempt(s)") from exc
            time.sleep(backoff_s * 2**failures)
            failures += 1


def _part_path(dest: Path) -> Path:
    return dest.with_suffix(dest.suffix + ".part")


@contextmanager
def _atomic_text(dest: Path) -> Iterator[IO[str]]:
    """A text handle on ``dest.part``, renamed to ``dest`` on success and removed on failure."""
    part = _part_path(dest)
    try:
        with open(part, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


class _CsvWriter:
    """ArcGIS ``f=json`` features as CSV rows: header from the first feature, values as text."""

    def __init__(self, handle: IO[str], source: str) -> None:
        self._writer = csv.writer(handle)
        self._source = source
        self._header: list[str] | None = None

    def write(self, features: list[dict[str, Any]]) -> None:
        for feature in features:
            attributes = feature.get("attributes") or {}
            if self._header is None:
                self._header = list(attributes)
                self._writer.writerow(self._header)
            elif set(attributes) != set(self._header):
                raise DownloadError(
                    self._source, f"record fields {sorted(attributes)} differ from the first's"
                )
            self._writer.writerow(
                "" if attributes[name] is None else str(attributes[name]) for name in self._header
            )

    def close(self) -> None:
        """Nothing to finish: CSV rows are complete as written."""


class _GeoJsonWriter:
    """GeoJSON features streamed into one FeatureCollection, so large layers never sit in memory."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._count = 0
        handle.write('{"type": "FeatureCollection", "features": [\n')

    def write(self, features: list[dict[str, Any]]) -> None:
        for feature in features:
            if self._count:
                self._handle.write(",\n")
            json.dump(feature, self._handle, ensure_ascii=False, separators=(",", ":"))
            self._count += 1

    def close(self) -> None:
        self._handle.write("\n]}\n")


def _progress_line(label: str, total: int | None, unit: str) -> Callable[..., None]:
    """A reporter that rewrites one stderr line: ``label: done / total unit``."""
    of_total = f" / {total:,}" if total is not None else ""

    def report(count: int, *, final: bool = False) -> None:
        end = "\n" if final else ""
        print(f"\r{label}: {count:,}{of_total} {unit}", end=end, file=sys.stderr, flush=True)

    return report
