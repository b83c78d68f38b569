"""WSGI entry: ``gunicorn -c gunicorn.conf.py dashboard.wsgi:server``."""

from data.repository import limit_malloc_arenas

from .app import create_app
from .settings import Settings

limit_malloc_arenas()  # threads in every worker would otherwise each grow their own malloc arena
app = create_app(Settings.from_env())
server = app.server
