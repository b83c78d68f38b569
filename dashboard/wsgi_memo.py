"""Memo hits before Flask: a repeated view is answered from a WSGI layer in front of the app.

Dash's page callback, the layout request and the read-only API are pure
functions of the request (method, path and query, body,
``Referer`` for the layout, scheme and host, whether gzip is accepted), the
data version and the date (printed on paper and in export files). The first
answer of each, when it is a whole 200 response of modest size, is kept here
with its final status line and headers (security headers and compression
applied once); a repeat costs a dictionary lookup and never enters Flask,
Dash or the data layer. The store is bounded by bytes (least recently used
out first), per process. Anything else, any other status, a streamed export
and any request with a body larger than the app accepts passes straight
through. The index pages are never kept: each carries Dash's signed per-load
``end_id`` token, which is not to be shared. The scripts and style sheets a
cold page asks for (about twenty at once) are kept too, compressed, keyed on
the file alone (see ``_static_key``). The Flask-level memo in ``dashboard/app.py`` (shared through Redis
when configured) still serves what this layer has not seen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import threading
from collections import OrderedDict

from dash.fingerprint import check_fingerprint

from dashboard.first_page import ROUTER_OUTPUT
from dashboard.security import STATIC_PREFIXES  # Dash's scripts, our assets and vendored files
from data.repository import DataUnavailable, Repository

PAGES_OUTPUT = ROUTER_OUTPUT.encode()
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")
ASSET_STAMP = re.compile(r"m=[0-9]+(\.[0-9]+)?")  # the ?m=<modification time> Dash adds to /assets/ addresses
MAX_BODY = 64 * 1024  # a page callback's body is well under 1 KB; bigger ones are not memoised here
MAX_ENTRY = 4 * 1024 * 1024  # a larger answer (an export) is rebuilt each time


class WsgiMemo:
    def __init__(self, app, repo: Repository, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.app, self.repo, self.max_bytes = app, repo, max_bytes
        self.entries: OrderedDict[tuple, tuple[str, list, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    # -- which requests, under which key ----------------------------------------------------------------------
    def _key(self, environ) -> tuple | None:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        body = b""
        if method == "POST" and path == "/_dash-update-component":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return None
            if not 0 < length <= MAX_BODY:
                return None
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)  # the app reads the same bytes on a miss
            if PAGES_OUTPUT not in body:
                return None
        elif method == "GET" and path.startswith(STATIC_PREFIXES):
            return self._static_key(environ, path)
        elif method != "GET" or not (path.startswith("/api/v1/") or path == "/_dash-layout"):
            return None
        try:
            fingerprint = self.repo.snapshot().fingerprint
        except DataUnavailable:
            return None
        referer = environ.get("HTTP_REFERER", "") if path == "/_dash-layout" else ""
        # a callback's query string carries only the renderer's per-page-load endId token (used by background
        # callbacks, which this app has none of): the answer is a function of the body alone
        query = "" if method == "POST" else environ.get("QUERY_STRING", "")
        gzip = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower()
        digest = hashlib.sha256(b"\0".join([
            method.encode(), path.encode("utf-8", "surrogateescape"),
            query.encode("latin-1", "replace"), body,
            referer.encode("latin-1", "replace")])).digest()
        return (digest, environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), gzip, fingerprint,
                dt.date.today().isoformat())

    @staticmethod
    def _static_key(environ, path: str) -> tuple | None:
        """The scripts and style sheets of a cold page, in the form the index page names them: a component
        bundle with Dash's cache-busting fingerprint, an asset with Dash's ``?m=`` stamp, a vendored file (its
        digest is checked by its route), compressed. Such a file is the same bytes for every host, data
        version and day: keyed on the file itself (the fingerprint taken out, so invented ones share the
        real file's entry) and the scheme (HSTS). So the entries are bounded by the files Dash serves; any
        other form, query, revalidation or range goes to Flask."""
        if any(h in environ for h in CONDITIONAL) or "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", "").lower():
            return None
        if not path.endswith((".js", ".css")) or "//" in path or "/." in path:
            return None
        query = environ.get("QUERY_STRING", "")
        real, fingerprinted = check_fingerprint(path)
        if path.startswith("/_dash-component-suites/"):
            ok = fingerprinted and not query
        elif path.startswith("/assets/"):
            ok = ASSET_STAMP.fullmatch(query) is not None
        else:
            ok = not query
        if not ok:
            return None
        return ("static", real, environ.get("wsgi.url_scheme", ""), environ.get("HTTP_X_FORWARDED_PROTO", ""))

    # -- the store ----------------------------------------------------------------------------------------------
    def _get(self, key):
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return hit

    @staticmethod
    def _cost(headers: list, body: bytes) -> int:
        return len(body) + sum(len(k) + len(v) for k, v in headers) + 200

    def _put(self, key, status: str, headers: list, body: bytes) -> None:
        cost = self._cost(headers, body)
        if cost > min(MAX_ENTRY, self.max_bytes):
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:  # the same answer stored twice (two misses at once): counted once
                self.size -= self._cost(old[1], old[2])
            self.entries[key] = (status, headers, body)
            self.size += cost
            while self.size > self.max_bytes and self.entries:
                _, (_, h, b) = self.entries.popitem(last=False)
                self.size -= self._cost(h, b)

    def stats(self) -> dict:
        with self.lock:
            return {"entries": len(self.entries), "bytes": self.size, "hits": self.hits, "misses": self.misses}

    # -- WSGI ---------------------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        hit = self._get(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, list(headers))
            return [body]
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, list(headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        headers = dict((k.lower(), v) for k, v in seen.get("headers", []))
        try:
            length = int(headers.get("content-length", "-1"))
        except ValueError:
            length = -1
        if not seen.get("status", "").startswith("200") or not 0 <= length <= MAX_ENTRY \
                or "set-cookie" in headers:
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if len(body) == length:
            self._put(key, seen["status"], seen["headers"], body)
        return [body]
