"""Summaries into a real database: SQLite and PostgreSQL (a server the test starts), the
same tables through the same code; idempotent, versioned, and joinable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.support import (
    NO_WAIT,
    REFERENCE_ROUNDUPS_LANGUAGES,
    TEST_ARTICLES,
    ReferenceEndpoint,
    article,
)

from summarizer import Database, DatabaseError, ItemResult, summarize_many
from summarizer._database import tables
from summarizer._model.cassettes import Cassette

SEED = "interpol_tren_de_aragua"
NO_AGREEMENT = "talks_without_agreement"
ROUNDUP = "conference_five_agreements"


def roundup() -> tuple[str, str]:
    text = (TEST_ARTICLES / "roundups" / f"{ROUNDUP}.txt").read_text(encoding="utf-8")
    body = Cassette.load(REFERENCE_ROUNDUPS_LANGUAGES / f"{ROUNDUP}.json").interactions[0]
    return text, body["response"]["body"]["choices"][0]["message"]["content"]


@pytest.fixture(scope="module")
def results() -> list[ItemResult]:
    """A batch's results: one agreement, five, none, and a failure."""
    text, content = roundup()
    endpoint = ReferenceEndpoint()
    endpoint.contents[text] = content
    items = [("seed", article(SEED)), ("round-up", text), ("talks", article(NO_AGREEMENT)),
             ("empty", "  ")]  # fmt: skip
    client = endpoint.async_client()
    done = list(summarize_many(items, client=client, cache=False, settings=NO_WAIT))
    return sorted(done, key=lambda r: r.id)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'agreements.db'}"
    return request.getfixturevalue("postgres_database")


def results_file(path: Path, results: list[ItemResult]) -> Path:
    path.write_text("".join(r.to_json_line() for r in results), encoding="utf-8")
    return path


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                for table in tables.ARTICLE_TABLES
            }
    finally:
        engine.dispose()


def test_every_agreement_fact_and_quote_lands_in_rows_that_join(url, results, tmp_path) -> None:
    with Database(url) as database:
        count = database.export(results_file(tmp_path / "results.jsonl", results))
    assert (count.written, count.unchanged, count.unreadable) == (4, 0, [])
    summaries = [s for r in results for s in r.summaries]
    assert len(summaries) == 6  # the seed's one and the round-up's five
    expected = {
        "articles": 4, "agreements": 6,
        "parties": sum(len(s.parties) for s in summaries),
        "signatories": sum(len(s.signatories) for s in summaries),
        "aims": sum(len(s.aims) for s in summaries),
        "threat_groups": sum(len(s.threat_groups) for s in summaries),
    }  # fmt: skip
    assert {k: v for k, v in counts(url).items() if k in expected} == expected
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        p, e, a = tables.parties, tables.evidence, tables.agreements
        joined = connection.execute(
            sa.select(a.c.article_id, a.c.position, a.c.principal, p.c.name, e.c.quote, e.c.start)
            .join(p, p.c.agreement_id == a.c.id)
            .join(e, (e.c.agreement_id == p.c.agreement_id) & (e.c.path == p.c.path))
            .order_by(a.c.article_id, a.c.position, p.c.position)
        ).all()
        statuses = dict(
            connection.execute(sa.select(tables.articles.c.id, tables.articles.c.status)).all()
        )
    engine.dispose()
    wanted = [
        (r.id, n, n == 0, party.name, party.evidence.quote, party.evidence.start)
        for r in results for n, s in enumerate(r.summaries) for party in s.parties
    ]  # fmt: skip
    assert joined == wanted
    assert statuses == {"empty": "failed", "round-up": "summarized", "seed": "summarized",
                        "talks": "no_agreement"}  # fmt: skip


def test_exporting_again_updates_and_never_duplicates(url, results, tmp_path) -> None:
    source = results_file(tmp_path / "results.jsonl", results)
    with Database(url) as database:
        database.export(source)
        before = counts(url)
        again = database.export(source)
        assert (again.written, again.unchanged) == (0, 4)
        # A re-run with --retry-failed appends a second line for an id: the last one wins.
        redone = ItemResult("empty", "failed", error=ValueError("still empty"))
        with source.open("a", encoding="utf-8") as lines:
            lines.write(redone.to_json_line())
        third = database.export(source)
    assert (third.written, third.unchanged) == (1, 3)
    assert counts(url) == before
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        message = connection.scalar(
            sa.select(tables.articles.c.error_message).where(tables.articles.c.id == "empty")
        )
    engine.dispose()
    assert message == "still empty"


def test_a_batch_writes_as_it_goes_through_the_library_sink(url, results) -> None:
    with Database(url) as database:
        for result in results:
            database.write(result)
        for result in results:  # the same batch run again
            database.write(result)
    assert counts(url)["agreements"] == 6 and counts(url)["articles"] == 4


def test_unreadable_lines_are_counted_and_the_rest_written(url, results, tmp_path) -> None:
    source = tmp_path / "results.jsonl"
    good = "".join(r.to_json_line() for r in results[:2])
    deep = "[" * 1000 + "]" * 1000
    bad = [
        "not json", '["a list"]', '{"status": "summarized"}', '{"id": "x", "summary": {"a": 1}}',
        deep, '{"id": "n", "status": "failed", "usage": {"total_tokens": null}}',
    ]  # fmt: skip
    source.write_text(good + "\n".join(bad) + "\n", encoding="utf-8")
    with Database(url) as database:
        count = database.export(source)
    assert count.written == 3  # the two good lines, and "n" with its null read as 0
    assert [line.split(":")[0] for line in count.unreadable] == [
        "line 3", "line 4", "line 5", "line 6", "line 7"
    ]  # fmt: skip


def test_the_schema_version_is_kept_and_a_newer_one_refused(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'agreements.db'}"
    Database(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        settings = tables.settings
        assert connection.scalar(sa.select(settings.c.value)) == str(tables.SCHEMA_VERSION)
        connection.execute(sa.update(settings).values(value=str(tables.SCHEMA_VERSION + 1)))
    engine.dispose()
    with pytest.raises(DatabaseError, match="newer than this summarizer"):
        Database(url)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "cannot use the database URL"),
        ("nosuchdb://x/y", "cannot use the database URL"),
        ("sqlite:////no/such/folder/agreements.db", "cannot open the database"),
        ("postgresql+psycopg://user:pw@host:port/db", "cannot use the database URL"),
    ],
)
def test_a_database_that_cannot_be_had_is_a_clear_error(url, says) -> None:
    with pytest.raises(DatabaseError, match=says):
        Database(url)


def test_a_server_that_refuses_names_the_url_without_its_password() -> None:
    url = "postgresql+psycopg://someone:canary-secret@127.0.0.1:1/nothing"
    with pytest.raises(DatabaseError) as caught:
        Database(url)
    assert "canary-secret" not in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_tables_summarizer_did_not_make_are_left_alone(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'theirs.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE articles (id TEXT)"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="did not make"):
        Database(url)


def test_the_results_line_is_kept_whole_in_the_agreement_row(results, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'agreements.db'}"
    with Database(url) as database:
        database.write(results[1])  # the round-up
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = connection.scalars(
            sa.select(tables.agreements.c.summary_json).order_by(tables.agreements.c.position)
        ).all()
    engine.dispose()
    assert [json.loads(s) for s in stored] == [
        json.loads(s.model_dump_json()) for s in results[1].summaries
    ]


def test_merging_the_database_writes_one_record_per_signing(url) -> None:
    from helpers.merge_set import merge_set

    with Database(url) as database:
        for stem, (summaries, _) in merge_set().items():
            if summaries:
                usage = summaries[0].meta.usage
                database.write(ItemResult.summarized(stem, summaries, usage))
        records = database.merge()
        again = database.merge()  # run again: replaced, not added to
    assert [r.id for r in records] == [r.id for r in again] and len(records) == 15
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        kept = connection.execute(sa.select(tables.agreement_records)).all()
        links = connection.execute(
            sa.select(tables.record_sources.c.record_id, tables.agreements.c.article_id).join(
                tables.agreements, tables.agreements.c.id == tables.record_sources.c.agreement_id
            )
        ).all()
    engine.dispose()
    assert len(kept) == 15
    disputed = [row for row in kept if json.loads(row.disagreements)]
    assert {row.signed_on for row in disputed if "signed_on" in row.disagreements} == {None}
    assert len(links) == sum(len(r.sources) for r in records)


def test_a_database_of_schema_1_is_upgraded_and_keeps_its_rows(tmp_path, results) -> None:
    url = f"sqlite:///{tmp_path / 'agreements.db'}"
    with Database(url) as database:
        database.write(results[2])
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # what summarizer's schema 1 had
        for table in tables.RECORD_TABLES[::-1]:
            table.drop(connection)
        connection.execute(sa.update(tables.settings).values(value="1"))
    engine.dispose()
    with Database(url) as database:
        assert len(database.merge()) == 1
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(sa.select(tables.settings.c.value)) == "2"
        assert connection.scalar(sa.select(sa.func.count()).select_from(tables.articles)) == 1
    engine.dispose()


def test_a_repeated_id_never_writes_over_the_first_article(url, results, tmp_path) -> None:
    from summarizer._batch.item import duplicate_item

    seed = next(r for r in results if r.id == "seed")
    repeated = ItemResult("seed", "failed", error=duplicate_item("seed"))
    source = results_file(tmp_path / "results.jsonl", [seed, repeated])
    with Database(url) as database:
        database.export(source)
        database.write(repeated)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        status = connection.scalar(sa.select(tables.articles.c.status))
    engine.dispose()
    assert status == "summarized" and counts(url)["agreements"] == 1


def test_rewriting_a_story_takes_its_stale_records_away(url) -> None:
    from helpers.merge_set import merge_set

    with Database(url) as database:
        for stem, (summaries, _) in merge_set().items():
            if summaries:
                database.write(ItemResult.summarized(stem, summaries, summaries[0].meta.usage))
        records = database.merge()
        database.write(ItemResult("merge_a_policia_es", "failed", error=ValueError("redone")))
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        kept = set(connection.scalars(sa.select(tables.agreement_records.c.id)))
        dangling = connection.scalar(
            sa.select(sa.func.count())
            .select_from(tables.record_sources)
            .where(~tables.record_sources.c.agreement_id.in_(sa.select(tables.agreements.c.id)))
        )
    engine.dispose()
    policia = {
        r.id for r in records if any(s.article_id == "merge_a_policia_es" for s in r.sources)
    }
    assert policia and not policia & kept and len(kept) == len(records) - 1 and dangling == 0


@pytest.mark.parametrize("value", [None, "two"])
def test_an_unreadable_schema_version_is_a_clear_error(tmp_path, value) -> None:
    url = f"sqlite:///{tmp_path / 'agreements.db'}"
    Database(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if value is None:
            connection.execute(sa.delete(tables.settings))
        else:
            connection.execute(sa.update(tables.settings).values(value=value))
    engine.dispose()
    with pytest.raises(DatabaseError, match="schema version is unreadable"):
        Database(url)


def test_an_upgrade_cut_short_is_run_again(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'agreements.db'}"
    Database(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # the new tables made, the version not yet moved on
        connection.execute(sa.update(tables.settings).values(value="1"))
    engine.dispose()
    with Database(url) as database:
        assert database.merge() == []
