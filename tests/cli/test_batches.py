"""`summarizer batch` against a local OpenAI-compatible server: killed at several points with
SIGKILL and run again, every input ends up in the results exactly once."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers.fake_openai import FakeOpenAIServer, Weather, reference_replies
from helpers.support import ARTICLES
from helpers.tiny_disk import in_tiny_disk

from summarizer._batch.files import spent_path
from summarizer._cli import main

NO_AGREEMENT = "talks_without_agreement.txt"


@pytest.fixture(scope="module")
def server():
    with FakeOpenAIServer(reference_replies(), Weather(latency=0.05)) as running:
        yield running


def article_folder(folder: Path, copies: int) -> list[str]:
    """The example articles `copies` times over, plus an empty and a binary file."""
    folder.mkdir()
    ids = []
    for n in range(copies):
        for path in sorted(ARTICLES.glob("*.txt")):
            name = f"{n:02d}-{path.name}"
            (folder / name).write_bytes(path.read_bytes())
            ids.append(name)
    (folder / "empty.txt").write_text("\n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    return sorted([*ids, "empty.txt", "binary.txt"])


def batch_command(source: Path, out: Path, base_url: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "summarizer", "batch", str(source), "--out", str(out),
        "--base-url", base_url, "--concurrency", "4", "--quiet", *extra,
    ]  # fmt: skip


def environment(tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache")}


def lines_in(out: Path) -> int:
    return out.read_bytes().count(b"\n") if out.exists() else 0


def test_killed_at_several_points_every_input_appears_exactly_once(tmp_path, server) -> None:
    ids = article_folder(tmp_path / "articles", copies=3)
    out = tmp_path / "results.jsonl"
    command = batch_command(tmp_path / "articles", out, server.base_url, "--no-cache")
    env = environment(tmp_path)
    # Kill before anything is written, then after a few lines, then deeper in.
    for lines_before_kill in (0, 3, 12, 25):
        process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while lines_in(out) < lines_before_kill and process.poll() is None:
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    assert finished.returncode == 1, finished.stderr  # the empty and binary files failed
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert Counter(r["id"] for r in records) == Counter(dict.fromkeys(ids, 1))
    status = {r["id"]: r["status"] for r in records}
    errors = {r["id"]: r["error"]["type"] for r in records if r["status"] == "failed"}
    assert errors == {"empty.txt": "EmptyInputError", "binary.txt": "NotTextError"}
    for item_id in ids:
        if item_id.endswith(NO_AGREEMENT):
            assert status[item_id] == "no_agreement"
        elif item_id not in errors:
            assert status[item_id] == "summarized"
    assert "failed" in finished.stderr and str(out) in finished.stderr


def test_a_rerun_sends_nothing_and_the_cache_answers_a_new_results_file(
    tmp_path, server, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "items.jsonl"
    texts = [(ARTICLES / name).read_text() for name in ("interpol_tren_de_aragua.txt",)]
    source.write_text(
        "".join(json.dumps({"id": f"item-{n}", "text": texts[0]}) + "\n" for n in range(3))
        + json.dumps({"id": "item-0", "text": texts[0]})
        + "\n"
    )
    out = tmp_path / "results.jsonl"
    args = ["batch", str(source), "--out", str(out), "--base-url", server.base_url, "--quiet"]
    before = server.stats.completions
    assert main(args) == 1  # the repeated id is a failed item
    assert server.stats.completions == before + 1  # one article, three ids: the cache answers
    assert main(args) == 1  # nothing left to do; the file still holds the duplicate
    assert server.stats.completions == before + 1
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted((r["id"], r["status"]) for r in records) == [
        ("item-0", "failed"),
        ("item-0", "summarized"),
        ("item-1", "summarized"),
        ("item-2", "summarized"),
    ]
    assert sum(r["cached"] for r in records) == 2
    err = capsys.readouterr().err
    assert "4 done in earlier runs" in err


def test_settings_that_cannot_work_stop_the_batch_before_any_item(tmp_path, capsys) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "x"}) + "\n")
    status = main(["batch", str(source), "--out", str(tmp_path / "o.jsonl"), "--concurrency", "0"])
    assert status == 2 and "concurrency" in capsys.readouterr().err
    status = main(["batch", str(tmp_path / "missing"), "--out", str(tmp_path / "o.jsonl")])
    assert status == 2 and "neither a folder" in capsys.readouterr().err


@pytest.mark.parametrize("flags", [["--rpm", "0"], ["--tpm", "-5"], ["--max-input-chars", "0"]])
def test_impossible_flags_are_a_message_and_status_2(tmp_path, capsys, flags) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "x"}) + "\n")
    out = tmp_path / "o.jsonl"
    status = main(
        ["batch", str(source), "--out", str(out), "--base-url", "http://127.0.0.1:9/v1", *flags]
    )
    assert status == 2 and "must be positive" in capsys.readouterr().err


def test_killed_with_a_database_every_item_has_its_rows_exactly_once(tmp_path, server) -> None:
    import sqlalchemy as sa

    from summarizer._database import tables

    ids = article_folder(tmp_path / "articles", copies=2)
    out, db = tmp_path / "results.jsonl", tmp_path / "agreements.db"
    url = f"sqlite:///{db}"
    command = batch_command(tmp_path / "articles", out, server.base_url, "--no-cache", "--db", url)
    env = environment(tmp_path)
    for lines_before_kill in (2, 9):
        process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while lines_in(out) < lines_before_kill and process.poll() is None:
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    assert finished.returncode == 1, finished.stderr  # the empty and binary files failed
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(tables.articles.c.id, tables.articles.c.agreements))
        stored = {row.id: row.agreements for row in rows}
        agreements = connection.scalar(sa.select(sa.func.count()).select_from(tables.agreements))
    engine.dispose()
    written = {r["id"]: len([r.get("summary"), *r.get("other_summaries", [])]) - (
        r.get("summary") is None) for r in records}  # fmt: skip
    assert sorted(stored) == ids and stored == written
    assert agreements == sum(written.values())


def test_a_database_given_later_is_filled_from_the_results_file_first(tmp_path, server) -> None:
    import sqlalchemy as sa

    from summarizer._database import tables

    ids = article_folder(tmp_path / "articles", copies=1)
    out, url = tmp_path / "results.jsonl", f"sqlite:///{tmp_path / 'agreements.db'}"
    command = batch_command(tmp_path / "articles", out, server.base_url, "--no-cache")
    env = environment(tmp_path)
    subprocess.run(command, env=env, capture_output=True, timeout=300)
    requests = server.stats.requests
    # Lines with no rows: what a kill between a line and its rows leaves.
    again = subprocess.run([*command, "--db", url], env=env, capture_output=True, timeout=300)
    assert again.returncode == 1  # the empty and binary files' lines say they failed
    assert server.stats.requests == requests  # nothing was summarized again
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = connection.scalars(sa.select(tables.articles.c.id)).all()
    engine.dispose()
    assert sorted(stored) == ids


def test_a_full_disk_stops_the_batch_with_a_message_and_pays_for_nothing_more(
    tmp_path, server
) -> None:
    source = tmp_path / "items.jsonl"
    text = (ARTICLES / "interpol_tren_de_aragua.txt").read_text()
    source.write_text("".join(json.dumps({"id": f"item-{n:02d}", "text": text}) + "\n"
                              for n in range(12)))  # fmt: skip
    disk, kept = tmp_path / "disk", tmp_path / "kept"
    kept.mkdir()
    out = disk / "results.jsonl"
    command = shlex.join(batch_command(source, out, server.base_url, "--no-cache"))
    command = command.replace("--concurrency 4", "--concurrency 1")
    before = server.stats.completions
    # The disk fills up; then it is made larger, and the same command finishes the batch.
    finished = in_tiny_disk(
        f"{command} 2> {kept}/first.err; echo $? > {kept}/first.status; "
        f"cp {out} {kept}/first.jsonl; ls {disk} > {kept}/files; "
        f"mount -o remount,size=16m {disk} && {command} 2> {kept}/second.err; "
        f"echo $? > {kept}/second.status; cp {out} {kept}/second.jsonl",
        disk,
    )
    assert finished.returncode == 0, finished.stderr
    first_error = (kept / "first.err").read_text()
    assert (kept / "first.status").read_text().strip() == "2", first_error
    assert f"cannot write to {out}: No space left on device" in first_error
    assert "bytes free there" in first_error and "kB more, at" in first_error
    assert "Traceback" not in first_error
    first = (kept / "first.jsonl").read_bytes()
    assert first.endswith(b"\n") or not first  # no torn line left behind
    written = first.count(b"\n")
    assert 0 < written < 12
    second = [json.loads(line) for line in (kept / "second.jsonl").read_text().splitlines()]
    assert (kept / "second.status").read_text().strip() == "0", (kept / "second.err").read_text()
    assert sorted(r["id"] for r in second) == [f"item-{n:02d}" for n in range(12)]
    # Paid before the failed write stopped the run: the lines written, the one that failed
    # to be written, and at most the one request in flight with it.
    paid_second = len(second) - written
    paid_first = server.stats.completions - before - paid_second
    assert written + 1 <= paid_first <= written + 2


def test_a_killed_batch_still_counts_every_reply_it_paid_for(tmp_path) -> None:
    text = (ARTICLES / "interpol_tren_de_aragua.txt").read_text()
    reply = json.loads(reference_replies()[text])
    # A quote the article does not hold: every reply fails a core fact and is asked again.
    reply["agreements"][0]["agreement"]["evidence"] = "a sentence this article never had"
    source, out = tmp_path / "items.jsonl", tmp_path / "results.jsonl"
    source.write_text(json.dumps({"id": "re-asked", "text": text}) + "\n")
    env = environment(tmp_path)
    with FakeOpenAIServer({text: json.dumps(reply)}) as server:
        # One request a minute: the re-ask waits in the client, so the kill finds the first
        # reply paid for and nothing in flight.
        command = batch_command(source, out, server.base_url, "--no-cache")
        process = subprocess.Popen([*command, "--rpm", "1"], env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not (lines_in(spent_path(out)) and server.stats.completions == 1):
            assert time.monotonic() < deadline and process.poll() is None, "no reply was paid"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert lines_in(out) == 0  # the item was in flight: no line holds its first reply
        finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        billed = server.stats.billed_tokens
    assert finished.returncode == 1, finished.stderr  # every reply failed its checks
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["error"]["type"] == "UngroundedReplyError"
    # The killed run's reply is in the line, beside the finishing run's two.
    assert record["usage"]["total_tokens"] == billed > 0
    # Every reply is in a line now: the finished run leaves the side file empty, so a
    # results file started over from scratch counts nothing twice.
    assert lines_in(spent_path(out)) == 0
