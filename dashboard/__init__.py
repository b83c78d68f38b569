"""Composition root: settings, the app factory, the CLI and the WSGI entry."""

from .app import create_app
from .settings import Settings

__all__ = ["create_app", "Settings"]
