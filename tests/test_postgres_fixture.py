"""The PostgreSQL fixtures (helpers/postgres.py) give a real server and databases that
tests do not share."""

from __future__ import annotations

import psycopg
from helpers.postgres import PostgresServer
from sqlalchemy import create_engine, text


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_a_real_server_stores_and_reads_back(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE smoke (id serial PRIMARY KEY, name text)"))
            connection.execute(
                text("INSERT INTO smoke (name) VALUES (:a), (:b)"), {"a": "Ana", "b": "Bo"}
            )
        with engine.connect() as connection:
            found = connection.execute(text("SELECT id, name FROM smoke ORDER BY id")).all()
            version = connection.execute(text("SHOW server_version_num")).scalar_one()
            fsync = connection.execute(text("SHOW fsync")).scalar_one()
    finally:
        engine.dispose()
    assert [tuple(row) for row in found] == [(1, "Ana"), (2, "Bo")]
    assert int(version) >= 130000, "DROP DATABASE ... WITH (FORCE) needs PostgreSQL 13"
    assert fsync == "off"


def test_each_test_database_is_new_empty_and_its_own(
    postgres_database: str, postgres_server: PostgresServer
) -> None:
    tables = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    assert rows(postgres_database, tables) == []
    engine = create_engine(postgres_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE mine (x int)"))
    finally:
        engine.dispose()

    with postgres_server.database() as other:
        assert other != postgres_database
        (here,), (there,) = (
            rows(u, "SELECT current_database()")[0] for u in (postgres_database, other)
        )
        assert here != there
        assert rows(other, tables) == [], "a table of one database shows in another"
        assert rows(postgres_database, tables) == [("mine",)]
        # A connection the test forgot to close must not stop the drop.
        stray = psycopg.connect(host=postgres_server.host, port=postgres_server.port,
                                user="postgres", dbname=str(there))  # fmt: skip
    stray.close()

    names = rows(postgres_server.url("postgres"), "SELECT datname FROM pg_database")
    assert (there,) not in names, "the database outlived its test"
    assert (here,) in names
