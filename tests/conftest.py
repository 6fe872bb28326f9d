"""Fixtures for every test; the helpers behind them live in support.py."""

from support import clean_environ, script, seed_article, seed_reply  # noqa: F401
