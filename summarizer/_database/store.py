"""`Database`: summaries written into SQLite or PostgreSQL, from a batch as it runs or from
a results file afterwards.

Each article is written in one transaction that first deletes its earlier rows, so writing
it again (a re-export, a batch run again, a process killed and restarted) updates and never
duplicates; a process killed mid-write leaves the article as it was before. The schema has a
version (`tables.SCHEMA_VERSION`), kept in the database; an older database is upgraded when
opened, and one written by a newer summarizer is refused. `merge()` rebuilds the records of
every signing (`summarizer._merge`) from the agreements written so far.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .._exceptions import DatabaseError
from .._merge.cluster import UnsureDecider, merge
from .._merge.records import AgreementRecord
from .._summary import AgreementSummary
from . import tables
from .rows import ResultLine, article_rows, record_rows

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from .._batch.item import ItemResult

__all__ = ["DEFAULT_DATABASE_URL", "Database", "ExportCount", "latest_lines", "read_results"]

logger = logging.getLogger("summarizer")

# Also in `_cli.database`, which must not load SQLAlchemy for `--help`.
DEFAULT_DATABASE_URL = "sqlite:///agreements.db"
# Articles written per transaction by an export: fewer round trips, a bounded redo on a kill.
_ARTICLES_PER_TRANSACTION = 200


@dataclass
class ExportCount:
    """What an export did with each line of a results file."""

    written: int = 0
    unchanged: int = 0  # already in the database from the same line
    unreadable: list[str] = field(default_factory=list)  # "line 7: why"


class Database:
    """A database of summaries: SQLite by default (a file), or PostgreSQL through the same
    code. Usable as a context manager; `write()` is the sink for `summarize_many()`.

    Usage:

        >>> with Database("sqlite:///agreements.db") as db:
        ...     for result in summarize_many(pairs):
        ...         db.write(result)

    Raises:
        DatabaseError: the URL, the driver, the server or the schema's version is unusable.
    """

    def __init__(self, url: str = DEFAULT_DATABASE_URL) -> None:
        self.url = url
        self.engine = _engine(url)
        with self._failing("open"), self.engine.begin() as connection:
            _prepare(connection)

    def write(self, result: ItemResult) -> None:
        """Write one batch item (all its agreements), replacing what it had written before;
        an item whose id was already in its batch is not written over the first."""
        line = ResultLine.from_record(result.to_record())
        if not line.duplicate:
            self.write_lines([line])

    def write_lines(self, lines: Iterable[ResultLine]) -> None:
        """Write results lines in one transaction, each replacing its article's rows."""
        lines = list(lines)
        if not lines:
            return
        with self._failing("write to"), self.engine.begin() as connection:
            _delete_articles(connection, [line.id for line in lines])
            _insert(connection, lines)

    def export(self, results: Path) -> ExportCount:
        """Write every line of a results file; lines already written unchanged are skipped,
        unreadable ones counted (see `latest_lines`)."""
        count = ExportCount()
        written = self._written_lines()
        latest = latest_lines(results, count.unreadable)
        pending = [line for line in latest.values() if written.get(line.id) != line.line_sha256]
        count.unchanged = len(latest) - len(pending)
        for start in range(0, len(pending), _ARTICLES_PER_TRANSACTION):
            self.write_lines(pending[start : start + _ARTICLES_PER_TRANSACTION])
        count.written = len(pending)
        return count

    def merge(self, *, unsure: UnsureDecider | None = None) -> list[AgreementRecord]:
        """One record per signing from every agreement in the database, written into
        `agreement_records` and `record_sources` in place of the last merge's; `unsure`
        decides the pairs the rules cannot (see `merge()`)."""
        from sqlalchemy import select

        agreements = tables.agreements
        with self._failing("read"), self.engine.connect() as connection:
            found = connection.execute(
                select(agreements.c.article_id, agreements.c.summary_json).order_by(
                    agreements.c.article_id, agreements.c.position
                )
            )
            pairs = [
                (row.article_id, AgreementSummary.model_validate_json(row.summary_json))
                for row in found
            ]
        records = merge(pairs, unsure=unsure)
        self.write_records(records)
        return records

    def write_records(self, records: list[AgreementRecord]) -> None:
        """Replace the merged records with `records`, in one transaction; a record whose
        stories were rewritten since it was made (a batch writing while a merge asked the
        model) is left out, for the next merge to make anew."""
        from sqlalchemy import delete, insert, select

        with self._failing("write to"), self.engine.begin() as connection:
            present = set(connection.scalars(select(tables.agreements.c.id)))
            current = [r for r in records if all(s.source in present for s in r.sources)]
            kept, sources = record_rows(current)
            for table in reversed(tables.RECORD_TABLES):
                connection.execute(delete(table))
            if kept:
                connection.execute(insert(tables.agreement_records), kept)
                connection.execute(insert(tables.record_sources), sources)

    def _written_lines(self) -> dict[str, str]:
        from sqlalchemy import select

        articles = tables.articles
        with self._failing("read"), self.engine.connect() as connection:
            found = connection.execute(select(articles.c.id, articles.c.line_sha256))
            return {row.id: row.line_sha256 for row in found}

    def _failing(self, doing: str) -> _Translating:
        return _Translating(f"cannot {doing} the database {self.safe_url}")

    @property
    def safe_url(self) -> str:
        """The URL with its password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Translating:
    """SQLAlchemy's errors as `DatabaseError`, with what we were doing and where."""

    def __init__(self, doing: str) -> None:
        self.doing = doing

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise DatabaseError(f"{self.doing}: {detail}") from exc


def _engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:  # ValueError: a bad port
        raise DatabaseError(f"cannot use the database URL: {exc}") from exc
    except ImportError as exc:  # the dialect's driver, e.g. psycopg for PostgreSQL
        raise DatabaseError(
            f"the database driver is not installed ({exc.name}): for PostgreSQL, "
            "pip install 'summarizer[postgres]'"
        ) from exc
    if engine.dialect.name == "sqlite":
        # Several processes may write one file: wait for a lock instead of failing at once.
        event.listen(engine, "connect", _sqlite_waits)
    return engine


def _sqlite_waits(connection: Any, _record: object) -> None:
    connection.execute("PRAGMA busy_timeout = 30000")
    connection.execute("PRAGMA foreign_keys = ON")  # held to the same keys as PostgreSQL


def _prepare(connection: Connection) -> None:
    """Create the tables in an empty database, or upgrade an older one."""
    from sqlalchemy import insert, inspect, select, update

    settings = tables.settings
    if not inspect(connection).has_table(settings.name):
        if inspect(connection).has_table(tables.articles.name):
            raise DatabaseError("the database has an articles table summarizer did not make")
        tables.metadata.create_all(connection)
        connection.execute(insert(settings), [_version_row(tables.SCHEMA_VERSION)])
        return
    found = connection.scalar(select(settings.c.value).where(settings.c.name == "schema_version"))
    if found is None or not str(found).isdigit():
        raise DatabaseError(f"the database's schema version is unreadable ({found!r})")
    version = int(found)
    if version > tables.SCHEMA_VERSION:
        raise DatabaseError(
            f"the database has schema version {version}, newer than this summarizer's "
            f"{tables.SCHEMA_VERSION}: upgrade summarizer"
        )
    for step in range(version, tables.SCHEMA_VERSION):
        UPGRADES[step](connection)
        row = _version_row(step + 1)
        connection.execute(update(settings).where(settings.c.name == "schema_version"), [row])


def _version_row(version: int) -> dict[str, str]:
    return {"name": "schema_version", "value": str(version)}


def _add_record_tables(connection: Connection) -> None:
    # SQLite commits DDL at once: a step cut short is run again, so it skips what it made.
    for table in tables.RECORD_TABLES:
        table.create(connection, checkfirst=True)


# How a database of version N becomes version N + 1.
UPGRADES: dict[int, Callable[[Connection], None]] = {1: _add_record_tables}


def _delete_articles(connection: Connection, ids: list[str]) -> None:
    from sqlalchemy import delete, select

    # The merged records these articles are sources of go too (they no longer say what
    # their stories say): the next merge makes them anew.
    sources, records = tables.record_sources, tables.agreement_records
    stale = select(sources.c.record_id).where(sources.c.article_id.in_(ids)).scalar_subquery()
    connection.execute(delete(sources).where(sources.c.record_id.in_(stale)))
    connection.execute(delete(records).where(~records.c.id.in_(select(sources.c.record_id))))
    for table in reversed(tables.ARTICLE_TABLES):
        column = table.c.id if table is tables.articles else table.c.article_id
        connection.execute(delete(table).where(column.in_(ids)))


def _insert(connection: Connection, lines: list[ResultLine]) -> None:
    from sqlalchemy import insert

    by_table: dict[Any, list[dict[str, Any]]] = {}
    for line in lines:
        for table, rows in article_rows(line).by_table.items():
            by_table.setdefault(table, []).extend(rows)
    for table in tables.ARTICLE_TABLES:  # parents before the rows that refer to them
        if by_table.get(table):
            connection.execute(insert(table), by_table[table])


def latest_lines(path: Path, unreadable: list[str]) -> dict[str, ResultLine]:
    """The line that stands for each id of a results file: the last one (a file joined from
    several runs), never a line that only says the id was repeated in its batch."""
    latest: dict[str, ResultLine] = {}
    for line in read_results(path, unreadable):
        if line.duplicate:
            continue
        latest.pop(line.id, None)  # the last line of an id wins, in its own place
        latest[line.id] = line
    return latest


def read_results(path: Path, unreadable: list[str]) -> Iterator[ResultLine]:
    """The lines of a results file that read as results; the others noted in `unreadable`."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                yield ResultLine.from_record(record)
            except (ValueError, RecursionError) as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                unreadable.append(f"line {number}: {reason}")
