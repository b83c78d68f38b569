"""Dash-free data layer: load, validate, cache, query, score, import, export.

This package must never import dash, layouts, callbacks or dashboard.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DEFAULT_DATA_DIR = PACKAGE_DIR
DEFAULT_CATALOGUE = REPO_ROOT / "indicators.csv"
