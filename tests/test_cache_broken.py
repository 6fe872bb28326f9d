"""A cache file that is no database, or a damaged one: the user is told once, the file is set
aside beside the path, and a new one starts, so that later runs are answered from it again."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers.support import ROOT, ReferenceEndpoint, Script, article, completion

from summarizer import SummaryCache, summarize, summarize_many

SEED = "interpol_tren_de_aragua"
STEMS = [SEED, "andean_joint_declaration", "portugal_brazil_forensics_mou", "abbreviation_nca"]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "summarizer" and r.levelno >= logging.WARNING
    ]


def set_aside(folder: Path) -> list[Path]:
    """The files moved aside (their -wal and -shm left out)."""
    return [p for p in folder.glob("*.broken-*") if not p.name.endswith(("-wal", "-shm"))]


def fill(path: Path) -> list[tuple[str, str]]:
    """A real cache file holding every reference article's outcome, closed (so whole)."""
    endpoint = ReferenceEndpoint()
    items = [(str(n), text) for n, text in enumerate(endpoint.contents)]
    with SummaryCache(path) as cache:
        list(summarize_many(items, client=endpoint.async_client(), cache=cache))
        assert len(cache) == len(items)
    assert not path.with_name(path.name + "-wal").exists()  # all of it in the file itself
    return items


def rerun(path: Path, items: list[tuple[str, str]]) -> tuple[int, int]:
    """(requests paid, items answered from the cache) for a batch of `items` on `path`."""
    endpoint = ReferenceEndpoint()
    with SummaryCache(path) as cache:
        results = list(summarize_many(items, client=endpoint.async_client(), cache=cache))
    return endpoint.requests, sum(result.cached for result in results)


def test_a_garbage_file_is_set_aside_with_one_warning_and_a_new_one_started(
    tmp_path, caplog, seed_reply
) -> None:
    path = tmp_path / "summaries.sqlite"
    garbage = b"no database, whatever it was\n" * 200
    path.write_bytes(garbage)
    script = Script(completion(seed_reply))  # one reply: paying twice fails the test
    with SummaryCache(path) as cache:
        assert not summarize(article(SEED), client=script.client(), cache=cache).meta.cached
    (moved,) = set_aside(tmp_path)
    assert moved.name.startswith("summaries.sqlite.broken-") and moved.read_bytes() == garbage
    (warning,) = warnings(caplog)
    assert str(path) in warning and str(moved) in warning
    with SummaryCache(path) as again:  # a later run is answered from the new file
        assert summarize(article(SEED), client=script.client(), cache=again).meta.cached
    assert len(script.requests) == 1 and len(warnings(caplog)) == 1


def test_a_truncated_cache_is_set_aside_and_rebuilt(tmp_path, caplog) -> None:
    path = tmp_path / "summaries.sqlite"
    items = fill(path)
    half = path.stat().st_size // 2
    with path.open("r+b") as file:
        file.truncate(half)

    assert rerun(path, items) == (len(items), 0)  # what it held is paid for once more
    (moved,) = set_aside(tmp_path)
    assert moved.stat().st_size == half
    (warning,) = warnings(caplog)
    assert str(path) in warning and str(moved) in warning
    assert rerun(path, items) == (0, len(items))  # and kept again
    assert len(warnings(caplog)) == 1


def test_a_file_found_damaged_in_use_is_set_aside_once_however_many_calls_fail(
    tmp_path, caplog
) -> None:
    """A damaged page that opening does not read (the key index): found by the lookups,
    from several threads at once; one warning, one file set aside."""
    path = tmp_path / "summaries.sqlite"
    items = fill(path)
    with sqlite3.connect(path) as db:
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_entries_1'"
        ).fetchone()
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * page_size)

    with SummaryCache(path) as cache:
        assert len(cache) == len(items)  # opens as if whole
        misses: list[object] = []
        lookups = [
            threading.Thread(target=lambda n=n: misses.append(cache.get(f"key-{n}")))
            for n in range(8)
        ]
        for thread in lookups:
            thread.start()
        for thread in lookups:
            thread.join()
        assert misses == [None] * 8
    assert len(set_aside(tmp_path)) == 1 and len(warnings(caplog)) == 1
    assert rerun(path, items) == (len(items), 0)
    assert rerun(path, items) == (0, len(items))


_OPEN_AND_STORE = """
import logging, sys, time
from pathlib import Path
logging.basicConfig(level=logging.WARNING)  # the library's logger has only a NullHandler
sys.path.insert(0, sys.argv[1])
from helpers.support import Script, article, completion, reference_reply
from summarizer import SummaryCache, summarize
stem, path, go = sys.argv[2:5]
script = Script(completion(reference_reply(stem)))
Path(f"{go}.{stem}").touch()  # loaded
while not Path(go).exists():
    time.sleep(0.001)
with SummaryCache(path) as cache:
    summarize(article(stem), client=script.client(), cache=cache)
"""


def test_processes_that_find_one_file_broken_at_once_move_it_once(tmp_path) -> None:
    """Each moves the path only while it is still the file it found broken: none moves aside
    the new file another has just started, nor the entries stored in it."""
    path, go = tmp_path / "summaries.sqlite", tmp_path / "go"
    path.write_bytes(b"\x00garbage" * 1000)
    command = [sys.executable, "-c", _OPEN_AND_STORE, str(ROOT / "tests"), str(path), str(go)]
    children = [
        subprocess.Popen([*command[:4], stem, *command[4:]], stderr=subprocess.PIPE, text=True)
        for stem in STEMS
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(Path(f"{go}.{stem}").exists() for stem in STEMS):  # each has loaded
            assert time.monotonic() < deadline and all(c.poll() is None for c in children)
            time.sleep(0.01)
        go.touch()
        told = [child.communicate(timeout=120)[1] for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()
    assert all(child.returncode == 0 for child in children), told
    # One process moved it; one that connected later found the new file and had nothing to say.
    assert sum("moved to" in err for err in told) == 1
    assert len(set_aside(tmp_path)) == 1
    script = Script()  # no reply: every article must be answered from the file
    with SummaryCache(path) as cache:
        assert len(cache) == len(STEMS)
        for stem in STEMS:
            assert summarize(article(stem), client=script.client(), cache=cache).meta.cached
