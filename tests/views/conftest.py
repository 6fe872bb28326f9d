"""The page tests' fixtures: a headless Chromium, from helpers/browser.py."""

from helpers.browser import chromium  # noqa: F401
