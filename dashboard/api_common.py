"""What every API endpoint shares: limits, parameter checks, JSON and download responses, and the export slots
that bound how many large exports one process builds at once."""

from __future__ import annotations

import math
import os
import re
import threading
from contextlib import contextmanager
from urllib.parse import urlencode

import orjson
from flask import Response, request

from data.filters import Filters, parse_filters

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_OFFSET = 100_000_000
MIME = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


LARGE_EXPORT_ROWS = 50_000  # an export of more rows is "expensive": at most EXPENSIVE_SLOTS at once per process
EXPENSIVE_SLOTS = 2
EXPENSIVE_WAIT_SECONDS = 10.0
_expensive = threading.BoundedSemaphore(EXPENSIVE_SLOTS)


def _take_slot(rows: int) -> bool:
    """Large exports take turns, so they cannot starve every other request; one that waits too long gets a 503
    with Retry-After (the client may simply try again). Small exports never wait. True when a slot is held."""
    if rows <= LARGE_EXPORT_ROWS:
        return False
    if not _expensive.acquire(timeout=EXPENSIVE_WAIT_SECONDS):
        raise BadRequest("format", f"the server is busy with {EXPENSIVE_SLOTS} other large exports; try again in a "
                                   "minute", None, status=503)
    return True


def release_slot() -> None:
    _expensive.release()


@contextmanager
def expensive_slot(rows: int):
    held = _take_slot(rows)
    try:
        yield
    finally:
        if held:
            _expensive.release()
            give_back_memory()


def give_back_memory() -> None:
    """After a large export, return freed heap pages to the system (glibc keeps them otherwise, and the worker's
    resident memory would stay at the export's high-water mark)."""
    from data.repository import release_memory

    release_memory()  # Arrow's pool (a Parquet export's buffers) and glibc's freed pages


class _Streamed:
    """A streamed body that holds an export slot until the server has sent it (or the client went away)."""

    def __init__(self, chunks, held: bool) -> None:
        self.chunks, self.held = chunks, held

    def __iter__(self):
        try:
            yield from self.chunks
        finally:  # sent (or abandoned): the slot is free at once, whether or not the server calls close()
            self._release()

    def close(self) -> None:
        try:
            self.chunks.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self.held:
            self.held = False
            _expensive.release()
            give_back_memory()


def _stream(chunks, held: bool, fmt: str, name: str) -> Response:
    r = Response(_Streamed(chunks, held), mimetype=MIME[fmt].split(";")[0], direct_passthrough=True)
    if fmt == "csv":
        r.headers["Content-Type"] = MIME["csv"]
    r.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return r


class BadRequest(Exception):
    def __init__(self, parameter: str, message: str, value: str | None = None, status: int = 400):
        super().__init__(message)
        self.parameter, self.message, self.value, self.status = parameter, message, value, status


def _json(payload: object, status: int = 200) -> Response:
    return Response(orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY), status=status,
                    mimetype="application/json")


def _error(exc: BadRequest) -> Response:
    body = {"error": exc.message, "parameter": exc.parameter}
    if exc.value is not None:
        body["value"] = exc.value[:100]
    resp = _json(body, exc.status)
    if exc.status == 503:
        resp.headers["Retry-After"] = "30"
    return resp


def _args(allowed: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for name in request.args:
        if name not in allowed:
            raise BadRequest(name, f"unknown parameter '{name[:40]}'; allowed: {', '.join(allowed)}", None)
        values = request.args.getlist(name)
        if len(values) > 1:
            raise BadRequest(name, f"'{name}' is given {len(values)} times; give it once (lists are comma-separated)")
        out[name] = values[0]
    return out


def _lang(args: dict[str, str]) -> str:
    lang = args.get("lang", "en").strip().lower() or "en"
    if lang not in ("nb", "en"):
        raise BadRequest("lang", "lang must be nb or en", args.get("lang"))
    return lang


def _paging(args: dict[str, str]) -> tuple[int, int]:
    def num(name: str, default: int, top: int) -> int:
        raw = args.get(name)
        if raw is None or raw == "":
            return default
        if not re.fullmatch(r"[0-9]{1,12}", raw):  # ASCII digits only: "²" or "١٢" are not numbers here
            raise BadRequest(name, f"{name} must be a whole number from 0 to {top}", raw)
        v = int(raw)
        if v > top:
            raise BadRequest(name, f"{name} must be a whole number from 0 to {top}", raw)
        return v

    return num("limit", DEFAULT_LIMIT, MAX_LIMIT), num("offset", 0, MAX_OFFSET)


def _filters(args: dict[str, str], ds) -> Filters:
    f = parse_filters(args, ds)
    if f.invalid:
        first = f.invalid[0]
        raise BadRequest(first.parameter, f"{first.parameter}: {first.reason}", first.value)
    return f


def _clean(v: object) -> object:
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _records(frame, columns: list[str]) -> list[dict]:
    cols = {c: frame[c].tolist() for c in columns}
    return [{c: _clean(cols[c][i]) for c in columns} for i in range(len(frame))]


def _download(body: bytes, fmt: str, name: str) -> Response:
    r = Response(body, mimetype=MIME[fmt].split(";")[0])
    if fmt == "csv":
        r.headers["Content-Type"] = MIME["csv"]
    r.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return r


# An XLSX row costs about 50 times a CSV row to write (openpyxl): 200 000 rows take about 45 s and 350 MB,
# so the web export stops there; the CLI writes a whole sheet.
WEB_XLSX_MAX_ROWS = int(os.environ.get("DASHBOARD_MAX_XLSX_ROWS", "200000"))


def permalink(filters: Filters, lang: str) -> str:
    params = {**filters.as_params()}
    if lang != "nb":
        params["lang"] = lang
    return request.host_url.rstrip("/") + "/data" + ("?" + urlencode(params) if params else "")
