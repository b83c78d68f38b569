"""Shared fixtures: a temporary data directory, an app, a live server, a real browser."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = ("observations.csv", "finance.csv", "finance_norms.csv", "challenge_areas.csv", "initiatives.csv")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped data in a temporary directory."""
    d = tmp_path / "data"
    d.mkdir()
    for name in DATA_FILES:
        shutil.copy(ROOT / "data" / name, d / name)
    return d


@pytest.fixture()
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture()
def catalogue():
    from data.catalogue import load_catalogue

    return load_catalogue(ROOT / "indicators.csv")


@pytest.fixture()
def make_app(data_dir, cache_dir):
    from dashboard import Settings, create_app

    def _make(**overrides):
        kw = {"data_dir": data_dir, "cache_dir": cache_dir, "reload_check_seconds": 0.0} | overrides
        return create_app(Settings(**kw))

    return _make


@pytest.fixture()
def client(make_app):
    return make_app().server.test_client()


class LiveServer:
    def __init__(self, app):
        import logging

        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        self._srv = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._srv.server_port}"
        self._thread = threading.Thread(target=self._srv.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._srv.shutdown()


@pytest.fixture()
def live_server(make_app):
    with LiveServer(make_app()) as srv:
        yield srv


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not os.path.exists(path):
        msg = f"Chromium not found at {path} (set CHROMIUM_PATH, or run `make test`, which installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture()
def page_factory(browser):
    """New pages that record console errors, CSP violations and dialogs; fail the test on any."""
    contexts = []
    problems: list[str] = []

    def _new(width: int = 1280, height: int = 900):
        ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        contexts.append(ctx)
        page = ctx.new_page()
        def _console(m):
            # an unknown route answers 404 on purpose: the document's own status is not a page error
            if m.type != "error":
                return
            if "status of 404" in m.text and (m.location or {}).get("url", "").split("?")[0] == page.url.split("?")[0]:
                return
            problems.append(f"console {m.type}: {m.text}")

        page.on("console", _console)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: (problems.append(f"dialog fired: {d.message}"), d.dismiss()))
        return page

    yield _new
    for ctx in contexts:
        ctx.close()
    assert not problems, "browser reported problems:\n" + "\n".join(problems)


ARTIFACTS = ROOT / "test-artifacts"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
