"""Fixtures for every test; the helpers behind them live in helpers/support.py."""

from helpers.support import clean_environ, script, seed_article, seed_reply  # noqa: F401
