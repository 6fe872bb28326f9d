"""A real headless Chromium for the page tests: the `chromium` fixture (Debian's package,
installed with apt-get when it is missing, the tests skipped with the reason where it cannot
be), `headless()` to run it on a page file, and `with_script()` to add a check script to a
copy of a page, that copy's policy admitting the script by its hash as the page's own is.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.apt import installed

BROWSER_TIMEOUT = 120


def find_chromium() -> str | None:
    names = ("chromium", "chromium-headless-shell", "chromium-browser", "google-chrome")
    return next((path for name in names if (path := shutil.which(name))), None)


@pytest.fixture(scope="module")
def chromium() -> str:
    """Chromium's path, installing Debian's package first when it is missing."""
    return installed("chromium", find_chromium)


def headless(chromium: str, tmp_path: Path, page: Path, *args: str, fragment: str = "") -> str:
    """Run Chromium headless on a page file (opened at `#fragment` when given); its stdout."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",  # tests run as root in containers, where the sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=3000",
        *args,
        page.as_uri() + (f"#{fragment}" if fragment else ""),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def hash_source(inline: str) -> str:
    """The CSP source admitting an inline element whose content is `inline`, worked out here
    rather than taken from the package, so a test of the package's own can compare them."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode() + "'"


def with_script(page: str, script: str, island: object = None) -> str:
    """A copy of `page` running `script` after its own, with `island` as JSON beside it.

    The copy's policy admits `script` by its hash; nothing else about the policy changes.
    """
    data = json.dumps(island).replace("<", "\\u003c")
    added = (
        f"<script type='application/json' id='expected'>{data}</script><script>{script}</script>"
    )
    admitted = page.replace("script-src ", f"script-src {hash_source(script)} ", 1)
    head, body_end, tail = admitted.rpartition("</body>")
    return head + added + body_end + tail
