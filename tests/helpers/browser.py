"""A real headless Chromium for the page tests: the `chromium` fixture (Debian's package,
installed with apt-get when it is missing, the tests skipped with the reason where it cannot
be), `headless()` to run it on a page file, and `with_script()` to add a check script to a
copy of a page, that copy's policy admitting the script by its hash as the page's own is.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

INSTALL = ("install", "-y", "--no-install-recommends", "chromium")
INSTALL_TIMEOUT = 1200
BROWSER_TIMEOUT = 120


def find_chromium() -> str | None:
    names = ("chromium", "chromium-headless-shell", "chromium-browser", "google-chrome")
    return next((path for name in names if (path := shutil.which(name))), None)


def apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=600", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=INSTALL_TIMEOUT)


@pytest.fixture(scope="module")
def chromium() -> str:
    """Chromium's path, installing Debian's package first when it is missing."""
    if found := find_chromium():
        return found
    if shutil.which("apt-get") is None:
        pytest.skip("needs chromium, and apt-get is not here to install it")
    # Test modules on other xdist workers want it too: one installs, the others then find it.
    with open(Path(tempfile.gettempdir()) / "summarizer-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if found := find_chromium():
            return found
        try:
            done = apt_get(*INSTALL)
            if done.returncode != 0:  # stale package lists: refresh them once and retry
                apt_get("update")
                done = apt_get(*INSTALL)
        except subprocess.TimeoutExpired:
            pytest.skip(f"`apt-get {' '.join(INSTALL)}` took over {INSTALL_TIMEOUT} s")
    if done.returncode != 0:
        pytest.skip(f"needs chromium; `apt-get {' '.join(INSTALL)}` failed: {done.stderr[-500:]}")
    found = find_chromium()
    assert found, "chromium installed but not on PATH"
    return found


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
