"""The pytest fixture `summarizer.testing` exports: apart, so that recording and replaying
need no pytest installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .testing import CassetteSession, cassette_path

__all__ = ["summarizer_cassette"]


@pytest.fixture
def summarizer_cassette(request: pytest.FixtureRequest) -> Iterator[CassetteSession]:
    """The calling test's cassette: replayed offline, recorded with SUMMARIZER_RECORD=1."""
    session = CassetteSession(cassette_path(request.path, request.node.name))
    try:
        yield session
    finally:
        session.close()
