"""A full disk, for real: a 64 KiB tmpfs mounted in a mount namespace of the script's own,
so nothing stays mounted whatever becomes of the test."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest


def in_tiny_disk(script: str, disk: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell script with a tmpfs of 64 KiB mounted on `disk` (made here); skips where
    user namespaces or unshare are not to be had."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to mount a small filesystem")
    disk.mkdir()
    mount = f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(str(disk))}"
    namespace = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c"]
    probe = subprocess.run([*namespace, mount], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {probe.stderr.strip()}")
    return subprocess.run(
        [*namespace, f"{mount} && {script}"], capture_output=True, text=True, timeout=600
    )
