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


def wants_lang(req: Request) -> str:
    lang = (req.args.get("lang") or "").strip().lower()
    return lang if lang in ("nb", "en") else "nb"
