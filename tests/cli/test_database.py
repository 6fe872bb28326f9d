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


def test_merge_a_results_file_into_records_and_a_database(tmp_path, capsys) -> None:
    from helpers.merge_set import merge_set

    from summarizer import ItemResult

    results = tmp_path / "results.jsonl"
    with results.open("w", encoding="utf-8") as lines:
        for stem, (summaries, _) in merge_set().items():
            if summaries:
                usage = summaries[0].meta.usage
                lines.write(ItemResult.summarized(stem, summaries, usage).to_json_line())
    out, url = tmp_path / "records.jsonl", f"sqlite:///{tmp_path / 'agreements.db'}"
    assert main(["merge", str(results), "--out", str(out), "--db", url]) == 0
    assert "32 agreement(s) in 15 record(s); 2 record(s) whose stories disagree" in (
        capsys.readouterr().err
    )
    assert len(out.read_text().splitlines()) == 15
    assert main(["export", str(results), "--to", url]) == 0
    assert main(["merge", "--db", url]) == 0  # the database's own agreements
    assert "in 15 record(s)" in capsys.readouterr().err
    assert main(["merge"]) == 2
