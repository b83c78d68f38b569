"""Settings from environment variables, with defaults that resolve from this file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from data import DEFAULT_CATALOGUE, DEFAULT_DATA_DIR, IN_CHECKOUT, data_dir_kind, prepare_data_dir, user_data_dir


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "asker-u4ssc-dashboard"


def _bool(text: str | None) -> bool:
    return (text or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    catalogue_path: Path = DEFAULT_CATALOGUE
    cache_dir: Path = field(default_factory=_default_cache_dir)
    redis_url: str | None = None
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8050
    reload_check_seconds: float = 5.0
    max_request_bytes: int = 1024 * 1024
    max_import_bytes: int = 512 * 1024 * 1024
    max_import_rows: int = 5_000_000
    hsts: bool = False
    # static markup as one StaticTree component per subtree (layouts/static_tree.py); off draws html components
    static_markup: bool = True
    # a chart page's index carries its first screen, drawn before Dash starts (dashboard/first_paint.py)
    first_screen: bool = True

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> Settings:
        e = os.environ if env is None else env
        kw: dict = {}
        if not IN_CHECKOUT:  # installed: the data directory is the user's, never inside site-packages
            kw["data_dir"] = user_data_dir(e)
        if e.get("DASHBOARD_DATA_DIR"):
            kw["data_dir"] = Path(e["DASHBOARD_DATA_DIR"]).expanduser()
        if e.get("DASHBOARD_CATALOGUE"):
            kw["catalogue_path"] = Path(e["DASHBOARD_CATALOGUE"]).expanduser()
        if e.get("DASHBOARD_CACHE_DIR"):
            kw["cache_dir"] = Path(e["DASHBOARD_CACHE_DIR"]).expanduser()
        if e.get("REDIS_URL"):
            kw["redis_url"] = e["REDIS_URL"]
        if e.get("DASHBOARD_DEBUG"):
            kw["debug"] = _bool(e["DASHBOARD_DEBUG"])
        if e.get("DASHBOARD_HSTS"):
            kw["hsts"] = _bool(e["DASHBOARD_HSTS"])
        if e.get("DASHBOARD_STATIC_MARKUP"):
            kw["static_markup"] = _bool(e["DASHBOARD_STATIC_MARKUP"])
        if e.get("DASHBOARD_FIRST_SCREEN"):
            kw["first_screen"] = _bool(e["DASHBOARD_FIRST_SCREEN"])
        if e.get("DASHBOARD_MAX_IMPORT_BYTES"):
            kw["max_import_bytes"] = int(e["DASHBOARD_MAX_IMPORT_BYTES"])
        if e.get("DASHBOARD_MAX_IMPORT_ROWS"):
            kw["max_import_rows"] = int(e["DASHBOARD_MAX_IMPORT_ROWS"])
        if e.get("DASHBOARD_RELOAD_SECONDS"):
            kw["reload_check_seconds"] = float(e["DASHBOARD_RELOAD_SECONDS"])
        kw.update(overrides)
        return cls(**kw)

    @property
    def data_dir_kind(self) -> str:
        """``shipped`` (the checkout's data/), ``user`` (the installed default) or ``configured``."""
        return data_dir_kind(self.data_dir)

    def prepare(self) -> Settings:
        """The installed default data directory gets a copy of the shipped files on first use."""
        if self.data_dir_kind == "user":
            prepare_data_dir(self.data_dir)
        return self
