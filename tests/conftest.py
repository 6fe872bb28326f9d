"""Fixtures for every test; the helpers behind them live in helpers/support.py and, for a
real PostgreSQL server, helpers/postgres.py."""

from helpers.postgres import postgres_database, postgres_server, postgres_url  # noqa: F401
from helpers.support import clean_environ, script, seed_article, seed_reply  # noqa: F401
