"""summarizer.testing: users record and replay summarizer calls in their own tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from helpers.support import ROOT, Script, completion

from summarizer import summarize
from summarizer.testing import CassetteSession, cassette_path, recorded_client


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(folder), *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=300,
        env={"PATH": "/usr/bin:/bin"},  # offline: no endpoint, no record switch
    )


def test_the_documented_example_test_passes_offline() -> None:
    result = run_pytest(ROOT / "examples" / "tests")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_a_missing_recording_fails_clearly(tmp_path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["summarizer.testing"]\n')
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            from summarizer import summarize

            def test_never_recorded(summarizer_cassette):
                summarize("An article.", client=summarizer_cassette.client())
            """
        )
    )
    result = run_pytest(tmp_path)
    assert result.returncode == 1
    assert "CassetteMissError" in result.stdout
    assert "record it with SUMMARIZER_RECORD=1" in result.stdout


def test_cassette_path_sits_beside_the_test() -> None:
    path = cassette_path(Path("/proj/tests/test_loader.py"), "test_x[case 1]")
    assert path == Path("/proj/tests/cassettes/test_loader/test_x_case_1.json")


def test_session_records_then_replays(tmp_path, seed_article, seed_reply, monkeypatch) -> None:
    path = tmp_path / "c.json"
    upstream = Script(completion(seed_reply))
    session = CassetteSession(path, record=True, base_url="http://upstream.test/v1", api_key="k")
    session.transport._inner = __import__("httpx2").MockTransport(upstream)
    recorded = summarize(seed_article, client=session.client())
    session.close()
    assert path.is_file()
    with recorded_client(path) as client:
        replayed = summarize(seed_article, client=client)
    assert replayed.parties == recorded.parties
