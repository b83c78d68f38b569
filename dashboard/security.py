"""Security headers on every response, and the request-size limit."""

from __future__ import annotations

from flask import Flask, Request, request


def content_security_policy(script_hashes: list[str]) -> str:
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def install(server: Flask, script_hashes, hsts: bool, max_request_bytes: int) -> None:
    """``script_hashes`` is called once, after Dash has set itself up on the first
    request (Dash adds inline scripts then), to build the policy."""
    server.config["MAX_CONTENT_LENGTH"] = max_request_bytes
    policy: list[str] = []

    @server.after_request
    def _headers(resp):
        if not policy:
            policy.append(content_security_policy(list(script_hashes())))
        h = resp.headers
        h["Content-Security-Policy"] = policy[0]
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "strict-origin-when-cross-origin"
        h["X-Frame-Options"] = "DENY"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        if hsts and (request.is_secure or request.headers.get("X-Forwarded-Proto") == "https"):
            h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        h.pop("Server", None)
        return resp


COMPRESSIBLE = ("application/json", "text/csv", "text/html")
MIN_COMPRESS_BYTES = 1024


STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/vendor/")
STATIC_TYPES = ("application/javascript", "text/javascript", "text/css", "application/json")


STATIC_GZIP_MAX_BYTES = 16 * 1024 * 1024  # every bundle the pages use, compressed, is about 2 MB


def install_compression(server: Flask) -> None:
    """Gzip answers when the client accepts it.

    JSON and CSV (callbacks, layouts, API) are compressed per response. The
    static bundles (plotly.js alone is 4.8 MB) are compressed once per process
    and kept: later requests only look the compressed bytes up by path and
    size, so no bundle is compressed twice.
    """
    import gzip
    import threading
    from collections import OrderedDict

    from dash.fingerprint import check_fingerprint

    # keyed on the real file (Dash's cache-busting fingerprint removed from the path) and bounded by bytes,
    # so a client inventing fingerprints cannot grow it
    packed: OrderedDict[tuple[str, int], bytes] = OrderedDict()
    lock = threading.Lock()
    server.extensions["static_gzip"] = packed

    @server.after_request
    def _gzip_static(resp):
        if (not request.path.startswith(STATIC_PREFIXES) or resp.status_code != 200
                or resp.mimetype not in STATIC_TYPES or "Content-Encoding" in resp.headers
                or "gzip" not in request.headers.get("Accept-Encoding", "").lower()):
            return resp
        resp.direct_passthrough = False
        body = resp.get_data()
        if len(body) < MIN_COMPRESS_BYTES:
            return resp
        key = (check_fingerprint(request.path)[0], len(body))
        with lock:
            zipped = packed.get(key)
            if zipped is not None:
                packed.move_to_end(key)
        if zipped is None:
            zipped = gzip.compress(body, compresslevel=9)
            with lock:
                packed[key] = zipped
                while sum(len(v) for v in packed.values()) > STATIC_GZIP_MAX_BYTES and len(packed) > 1:
                    packed.popitem(last=False)
        resp.set_data(zipped)
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Content-Length"] = str(len(zipped))
        resp.vary.add("Accept-Encoding")
        return resp

    @server.after_request
    def _gzip(resp):
        if request.path.startswith(STATIC_PREFIXES):
            return resp
        if (resp.mimetype not in COMPRESSIBLE or resp.direct_passthrough or resp.status_code < 200
                or "Content-Encoding" in resp.headers
                or "gzip" not in request.headers.get("Accept-Encoding", "").lower()):
            return resp
        body = resp.get_data()
        if len(body) < MIN_COMPRESS_BYTES:
            return resp
        resp.set_data(gzip.compress(body, compresslevel=5))
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Content-Length"] = str(len(resp.get_data()))
        resp.vary.add("Accept-Encoding")
        return resp


MAX_CALLBACK_ITEMS = 60


def callback_request_problem(body: object, callbacks: dict) -> str | None:
    """Why a ``/_dash-update-component`` body is not one our pages could send, or None.

    Checked before Dash sees it, so a malformed or unknown call is a 400 and
    never reaches a callback (Dash itself answers such bodies with a 500).
    """
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        return "unknown callback output"
    spec = callbacks[output]
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or len(items) > MAX_CALLBACK_ITEMS:
            return f"'{key}' must be a list of at most {MAX_CALLBACK_ITEMS} items"
        if len(items) != len(spec.get(key, [])):
            return f"'{key}' must have {len(spec.get(key, []))} item(s) for this callback"
        for item in items:
            group = item if isinstance(item, list) else [item]
            if len(group) > MAX_CALLBACK_ITEMS:
                return f"'{key}' holds a group of more than {MAX_CALLBACK_ITEMS} items"
            for one in group:
                if not isinstance(one, dict) or "id" not in one or not isinstance(one.get("property"), str):
                    return f"every item of '{key}' needs an id and a property"
                if not isinstance(one["id"], (str, dict)):
                    return f"an id in '{key}' must be a string or an object"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "'changedPropIds' must be a list of strings"
    outputs = body.get("outputs")
    if isinstance(outputs, dict):
        outputs = [outputs]
    if not isinstance(outputs, list) or not outputs or len(outputs) > MAX_CALLBACK_ITEMS:
        return "'outputs' must be an object or a non-empty list"
    for one in outputs:
        group = one if isinstance(one, list) else [one]
        for o in group:
            if not isinstance(o, dict) or not isinstance(o.get("id"), (str, dict)) \
                    or not isinstance(o.get("property"), str):
                return "every output needs an id and a property"
    return None


def wants_lang(req: Request) -> str:
    lang = (req.args.get("lang") or "").strip().lower()
    return lang if lang in ("nb", "en") else "nb"
