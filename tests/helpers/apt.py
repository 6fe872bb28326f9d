"""Debian packages the tests need (Chromium, PostgreSQL), installed with apt-get on first use:
one xdist worker installs while the others wait, and a test that cannot have the package
is skipped with the reason."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

INSTALL_TIMEOUT = 1200

Found = TypeVar("Found")


def installed(package: str, find: Callable[[], Found | None]) -> Found:
    """What `find()` finds once `package` is installed: at once if it is already, else after
    `apt-get install` (the package lists refreshed once if that fails)."""
    if (found := find()) is not None:
        return found
    if shutil.which("apt-get") is None:
        pytest.skip(f"needs {package}, and apt-get is not here to install it")
    install = ("install", "-y", "--no-install-recommends", package)
    # Workers would queue on dpkg's lock anyway; this lock also spares them a second try.
    with open(Path(tempfile.gettempdir()) / f"summarizer-{package}-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (found := find()) is not None:
            return found
        try:
            done = _apt_get(*install)
            if done.returncode != 0:  # stale or missing package lists: refresh once, retry
                _apt_get("update")
                done = _apt_get(*install)
        except subprocess.TimeoutExpired:
            pytest.skip(f"`apt-get {' '.join(install)}` took over {INSTALL_TIMEOUT} s")
    if done.returncode != 0:
        pytest.skip(f"needs {package}; `apt-get {' '.join(install)}` failed: {done.stderr[-500:]}")
    found = find()
    assert found is not None, f"{package} installed, but not found where the tests look"
    return found


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=600", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=INSTALL_TIMEOUT)
