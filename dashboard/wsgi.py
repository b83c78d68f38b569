"""WSGI entry: ``gunicorn dashboard.wsgi:server``."""

from .app import create_app
from .settings import Settings

app = create_app(Settings.from_env())
server = app.server
