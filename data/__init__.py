"""Dash-free data layer: load, validate, cache, query, score, import, export.

This package must never import dash, layouts, callbacks or dashboard.

Where the data lives: in a checkout (``make run``, ``make test``) the shipped
files in this folder are the data directory, as they always were. Installed
from the wheel, this folder is read-only package data inside site-packages:
the data directory (where ``import`` writes) is then
``$XDG_DATA_HOME/asker-u4ssc-dashboard`` (``~/.local/share/...``), filled
with a copy of the shipped files on first use. ``DASHBOARD_DATA_DIR`` chooses
another one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
SHIPPED_DATA_DIR = PACKAGE_DIR  # the shipped data files, also when installed
DATA_FILE_NAMES = ("observations.csv", "finance.csv", "finance_norms.csv", "challenge_areas.csv", "initiatives.csv")
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "indicators.csv").is_file()
# the catalogue: the top-level indicators.csv of the checkout; a wheel carries a copy in this package
DEFAULT_CATALOGUE = REPO_ROOT / "indicators.csv" if IN_CHECKOUT else PACKAGE_DIR / "indicators.csv"


def user_data_dir(env: dict | None = None) -> Path:
    """The installed package's writable data directory (XDG base directories), outside site-packages."""
    e = os.environ if env is None else env
    base = e.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "asker-u4ssc-dashboard"


DEFAULT_DATA_DIR = PACKAGE_DIR if IN_CHECKOUT else user_data_dir()


def data_dir_kind(path: Path) -> str:
    """What a data directory is, for public reports that must not show its path: shipped, user or configured."""
    p = Path(path).resolve()
    if p == PACKAGE_DIR:
        return "shipped"
    if p == user_data_dir().resolve():
        return "user"
    return "configured"


def prepare_data_dir(path: Path) -> bool:
    """Fill a new or empty data directory with a copy of the shipped files; True when it did.

    A directory that already holds any data file is left exactly as it is (never overwritten).
    """
    path = Path(path)
    if path.resolve() == PACKAGE_DIR or any((path / n).exists() for n in DATA_FILE_NAMES):
        return False
    path.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILE_NAMES:
        tmp = path / f".{name}.seed"
        shutil.copyfile(SHIPPED_DATA_DIR / name, tmp)
        os.replace(tmp, path / name)
    return True
