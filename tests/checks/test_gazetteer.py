"""The places index: built once into a versioned file, read a row at a time."""

from __future__ import annotations

import sqlite3

import pytest

from summarizer._checks import gazetteer, places


def test_the_file_name_changes_with_the_format_and_each_registry(monkeypatch) -> None:
    before = gazetteer.index_path()
    assert before.name.startswith(f"places-{gazetteer.INDEX_FORMAT}-")
    monkeypatch.setattr(gazetteer, "version", lambda name: "0.0.0-other")
    assert gazetteer.index_path() != before
    monkeypatch.setattr(gazetteer, "INDEX_FORMAT", gazetteer.INDEX_FORMAT + 1)
    assert gazetteer.index_path().name.startswith(f"places-{gazetteer.INDEX_FORMAT}-")


# Two cities and two territory names stand for the registries, so that building an index
# takes milliseconds; the whole index is built once per machine by the first summary.
_CITIES = [("lyon", 0, "Lyon", "FR", 522_969, 0), ("paris", 0, "Paris", "FR", 2_138_551, 1)]
_TERRITORIES = [
    ("name", "somali", "SO", "Somalia", 0, "Somalia\x1fSO"),
    ("name", "kosovo", None, None, 0, ""),
]


@pytest.fixture
def small_registries(monkeypatch):
    monkeypatch.setattr(gazetteer, "_city_rows", lambda: iter(_CITIES))
    monkeypatch.setattr(gazetteer, "_territory_rows", lambda: iter(_TERRITORIES))
    forget = (gazetteer._open, gazetteer.cities, places._territory, places.countries_in)
    for cached in forget:
        cached.cache_clear()
    yield
    for cached in forget:  # the next test reads the machine's real index again
        cached.cache_clear()


def test_the_index_is_written_whole_and_readable_by_all(tmp_path, small_registries) -> None:
    path = tmp_path / "indexes" / "places.sqlite"
    gazetteer._build_file(path)
    assert [p.name for p in path.parent.iterdir()] == ["places.sqlite"]  # no partial file
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT key, country_code FROM cities ORDER BY key").fetchall()
    assert rows == [("lyon", "FR"), ("paris", "FR")]


def test_a_build_that_fails_leaves_no_file(tmp_path, monkeypatch) -> None:
    def broken():
        yield _CITIES[0]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gazetteer, "_city_rows", broken)
    path = tmp_path / "places.sqlite"
    with pytest.raises(OSError, match="No space left"):
        gazetteer._build_file(path)
    assert list(tmp_path.iterdir()) == []


def test_where_no_file_can_be_written_the_index_is_built_in_memory(
    monkeypatch, small_registries, caplog
) -> None:
    monkeypatch.setenv(gazetteer.INDEX_DIR_ENV, "/proc/no-such-dir")
    assert places.city("Lyon").country_code == "FR"
    assert places.canonical_country("Somali") == ("SO", "Somalia")
    assert gazetteer.territory("Somali").code == "SO"
    assert gazetteer.territory("Kosovo") is None
    assert "places index: cannot write /proc/no-such-dir" in caplog.text


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


def test_an_unreadable_index_is_set_aside_and_built_again(
    tmp_path, monkeypatch, small_registries, caplog
) -> None:
    monkeypatch.setenv(gazetteer.INDEX_DIR_ENV, str(tmp_path))
    broken = gazetteer.index_path()
    broken.write_bytes(b"not an index, cut short" * 100)
    assert places.city("Lyon").country_code == "FR"
    assert "is unreadable; set aside and built again" in caplog.text
    assert broken.with_suffix(".unreadable").exists()
    with sqlite3.connect(broken) as connection:  # the rebuilt index, whole
        assert connection.execute("SELECT count(*) FROM cities").fetchone() == (2,)
