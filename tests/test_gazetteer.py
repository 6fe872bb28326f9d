"""The places index: built once into a versioned file, read a row at a time."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from summarizer._checks import gazetteer


def test_the_file_name_changes_with_the_format_and_each_registry(monkeypatch) -> None:
    before = gazetteer.index_path()
    assert before.name.startswith(f"places-{gazetteer.INDEX_FORMAT}-")
    monkeypatch.setattr(gazetteer, "version", lambda name: "0.0.0-other")
    assert gazetteer.index_path() != before
    monkeypatch.setattr(gazetteer, "INDEX_FORMAT", gazetteer.INDEX_FORMAT + 1)
    assert gazetteer.index_path().name.startswith(f"places-{gazetteer.INDEX_FORMAT}-")


def test_the_index_is_written_whole_and_answers_like_the_registries(tmp_path) -> None:
    path = tmp_path / "indexes" / "places.sqlite"
    gazetteer._build_file(path)
    assert [p.name for p in path.parent.iterdir()] == ["places.sqlite"]  # no partial file
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    with sqlite3.connect(path) as connection:
        lyon = connection.execute(
            "SELECT country_code FROM cities WHERE key = 'lyon' ORDER BY rank"
        ).fetchone()
        somalia = connection.execute(
            "SELECT code FROM territories WHERE kind = 'name' AND key = 'somali'"
        ).fetchone()
    assert lyon == ("FR",)
    assert somalia == ("SO",)


def test_where_no_file_can_be_written_the_index_is_built_in_memory(tmp_path) -> None:
    code = (
        "import logging; logging.basicConfig();"
        "from summarizer._checks import places;"
        "print(places.city('Lyon').country_code, places.canonical_country('U.S.')[0])"
    )
    env = {**os.environ, gazetteer.INDEX_DIR_ENV: "/proc/no-such-dir"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["FR", "US"]
    assert "places index: cannot write /proc/no-such-dir" in done.stderr


@pytest.mark.parametrize(
    ("text", "code", "how"),
    [("Somalia", "SO", "name"), ("Somali", "SO", "demonym"), ("U.S.", "US", "name"),
     ("New Mexico", "US", "city"), ("Côte d'Ivoire", "CI", "name")],
)  # fmt: skip
def test_territories_read_from_the_index_keep_rigours_answers(text, code, how) -> None:
    from summarizer._checks.places import _territory

    found = _territory(text)
    assert found is not None and (found[0], found[2]) == (code, how)


def test_kosovo_is_known_to_rigour_but_names_no_iso_country() -> None:
    assert gazetteer.territory("Kosovo") is None
