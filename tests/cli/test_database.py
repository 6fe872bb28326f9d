"""`summarizer export`: a results file into a database, run twice without duplicates."""

from __future__ import annotations

import sqlalchemy as sa
from helpers.support import NO_WAIT, ReferenceEndpoint, article

from summarizer import summarize_many
from summarizer._cli import main
from summarizer._database import tables


def test_export_writes_then_finds_nothing_new_and_says_so(tmp_path, capsys) -> None:
    endpoint = ReferenceEndpoint()
    items = [("seed", article("interpol_tren_de_aragua")), ("empty", "")]
    done = summarize_many(items, client=endpoint.async_client(), cache=False, settings=NO_WAIT)
    results = tmp_path / "results.jsonl"
    results.write_text("".join(r.to_json_line() for r in done) + "{broken\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'agreements.db'}"

    assert main(["export", str(results), "--to", url]) == 1  # the broken line is reported
    first = capsys.readouterr().err
    assert "2 article(s) written, 0 unchanged, 1 unreadable line(s)" in first
    assert "skipped line 3" in first
    assert main(["export", str(results), "--to", url]) == 1
    assert "0 article(s) written, 2 unchanged" in capsys.readouterr().err
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert sorted(connection.scalars(sa.select(tables.articles.c.id))) == ["empty", "seed"]
    engine.dispose()


def test_export_to_a_bad_url_is_unusable_input(tmp_path, capsys) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text("")
    assert main(["export", str(results), "--to", "nosuch://x"]) == 2
    assert "cannot use the database URL" in capsys.readouterr().err
