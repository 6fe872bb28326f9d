"""A local OpenAI-compatible chat-completions server that answers with the reference replies.

Tests and the throughput benchmark need a model endpoint that behaves like a real one on the
wire (HTTP/1.1 keep-alive, JSON errors, 429s with retry headers, latency) but answers the
project's example articles with their hand-written reference replies, so that the library's
whole path, sockets included, can run offline and under load. Standard library only, so the
benchmark can run it in a separate process without importing the package it measures.

In a test:

    with FakeOpenAIServer(reference_replies(), Weather(latency=0.05)) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="x")

As a process (prints its base URL, serves until SIGTERM/SIGINT, prints stats to stderr):

    python tests/helpers/fake_openai.py --latency 0.2 --rate-limited-share 0.1
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

__all__ = ["FakeOpenAIServer", "ServerStats", "Weather", "main", "reference_replies"]

# Computed from this file, not imported, so the module works as `tests.helpers.fake_openai`,
# as `helpers.fake_openai` (pytest's `pythonpath`) and as a script run by path.
ROOT = Path(__file__).resolve().parents[2]
COMPLETIONS_PATH = "/v1/chat/completions"


def reference_replies(root: Path = ROOT) -> dict[str, str]:
    """Article text -> reference reply content, for every example article with a cassette.

    The reply is the assistant message's content (a JSON string) of the cassette's first
    interaction, exactly as a model would send it, so the library parses and grounds it as
    it would a real reply.
    """
    replies: dict[str, str] = {}
    fixtures = root / "tests" / "fixtures"
    for cassette_path in sorted((fixtures / "cassettes" / "reference").glob("*.json")):
        article_path = fixtures / "articles" / "examples" / f"{cassette_path.stem}.txt"
        if not article_path.is_file():
            continue
        cassette = json.loads(cassette_path.read_text(encoding="utf-8"))
        body = cassette["interactions"][0]["response"]["body"]
        content: str = body["choices"][0]["message"]["content"]
        replies[article_path.read_text(encoding="utf-8")] = content
    return replies


@dataclass(frozen=True)
class Weather:
    """What a bad day at the endpoint looks like.

    Failures are drawn before any waiting and answered at once, as a real gateway rejects a
    request before it reaches a model; only requests that will succeed pay `latency`.
    Draws come from one `random.Random(seed)` under a lock, so a run that sends requests one
    after another sees the same sequence of outcomes every time (with concurrent requests the
    sequence is the same, but which request gets which outcome depends on arrival order).
    """

    latency: float = 0.0  # seconds each successful completion waits before answering
    rate_limited_share: float = 0.0  # share answered 429 with retry-after(-ms) headers
    retry_after_ms: int = 100
    server_error_share: float = 0.0  # share answered 500
    seed: int = 0

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError("Weather.latency must be >= 0")
        if self.retry_after_ms < 0:
            raise ValueError("Weather.retry_after_ms must be >= 0")
        for name in ("rate_limited_share", "server_error_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"Weather.{name} must be between 0 and 1")
        if self.rate_limited_share + self.server_error_share > 1.0:
            raise ValueError("Weather's failure shares must add up to at most 1")


@dataclass(frozen=True)
class ServerStats:
    """A snapshot of what the server has answered so far (not requests still waiting).

    Every request lands in exactly one outcome, so `requests` equals the sum of the outcome
    counts (all but `connections`, `peak_in_flight` and `billed_tokens`); a benchmark can
    check its own count of successes against `completions`, and that its client pools
    connections.
    """

    requests: int = 0
    completions: int = 0  # 200s
    rate_limited: int = 0  # 429s
    server_errors: int = 0  # 500s
    unknown_article: int = 0  # 400s: no reference article in the first user message
    bad_request: int = 0  # 400s: body not a chat-completions request this fake can answer
    not_found: int = 0  # 404s: any other path or method
    connections: int = 0  # TCP connections accepted; far fewer than requests with keep-alive
    peak_in_flight: int = 0  # most completions waiting out their latency at one time
    billed_tokens: int = 0  # total_tokens of every completion answered: what a provider bills

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class _State:
    """Counters and the failure draw, shared by all handler threads behind one lock."""

    def __init__(self, replies: Mapping[str, str], weather: Weather) -> None:
        # Longest article first, so that an article quoted inside another never shadows it.
        self.articles = sorted(
            ((text.strip(), reply) for text, reply in replies.items()),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self.weather = weather
        self.closing = threading.Event()
        self.open_sockets: set[socket.socket] = set()
        self._rng = random.Random(weather.seed)
        self.lock = threading.Lock()
        self.counts = dict.fromkeys(ServerStats().as_dict(), 0)
        self._in_flight = 0

    def count(self, outcome: str, billed: int = 0) -> int:
        """Count one request's outcome (and the tokens it bills); returns the new count for
        that outcome."""
        with self.lock:
            self.counts["requests"] += 1
            self.counts[outcome] += 1
            self.counts["billed_tokens"] += billed
            return self.counts[outcome]

    def draw(self) -> str | None:
        """The failure this request meets ("rate_limited", "server_errors"), or None."""
        weather = self.weather
        if not (weather.rate_limited_share or weather.server_error_share):
            return None
        with self.lock:
            roll = self._rng.random()
        if roll < weather.rate_limited_share:
            return "rate_limited"
        if roll < weather.rate_limited_share + weather.server_error_share:
            return "server_errors"
        return None

    @contextlib.contextmanager
    def in_flight(self) -> Iterator[None]:
        with self.lock:
            self._in_flight += 1
            self.counts["peak_in_flight"] = max(self.counts["peak_in_flight"], self._in_flight)
        try:
            yield
        finally:
            with self.lock:
                self._in_flight -= 1

    def stats(self) -> ServerStats:
        with self.lock:
            return ServerStats(**self.counts)

    def find(self, content: str) -> str | None:
        for article, reply in self.articles:
            if article in content:
                return reply
        return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Python's default backlog of 5 drops connections when a benchmark opens many at once,
    # and a dropped SYN costs a second-long retransmit that would swamp any measurement.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        self.state = state
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Known so that close() can wake handler threads idling on a keep-alive connection;
        # server_close() joins them and would otherwise wait for every client to hang up.
        with self.state.lock:
            self.state.open_sockets.add(request)
            self.state.counts["connections"] += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.state.lock:
            self.state.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (or a socket closed at shutdown) is routine under
        # load and must not print a traceback per request; real bugs still do.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients pool connections to real servers
    server_version = "FakeOpenAI/1"
    # Headers and body go out in two writes; without this, Nagle's algorithm and delayed ACKs
    # add ~40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a line per request would flood the benchmark's output and skew it."""

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        if self.path.split("?", 1)[0] != COMPLETIONS_PATH:
            self._not_found()
            return
        self._complete(body)

    def do_GET(self) -> None:
        self._not_found()

    do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _read_body(self) -> bytes | None:
        """The request body, read in full so the connection can serve the next request."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._error(411, "this fake needs a Content-Length", "bad_request")
            return None
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._error(400, "invalid Content-Length", "bad_request")
            return None
        return self.rfile.read(length)

    def _complete(self, raw: bytes) -> None:
        state = self.server.state
        try:
            request = json.loads(raw)
            messages = request["messages"]
            if not isinstance(messages, list):
                raise TypeError("messages is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            self._error(400, f"not a chat-completions request: {exc}", "bad_request")
            return
        if request.get("stream"):
            self._error(400, "this fake does not stream", "bad_request")
            return
        user = next((m for m in messages if isinstance(m, dict) and m.get("role") == "user"), {})
        reply = state.find(_text(user.get("content")))
        if reply is None:
            self._error(
                400,
                "unknown article: the first user message holds none of the reference articles",
                "unknown_article",
                code="unknown_article",
            )
            return
        failure = state.draw()
        if failure == "rate_limited":
            self._rate_limited()
            return
        if failure == "server_errors":
            self._error(
                500,
                "The server had an error while processing your request. Sorry about that!",
                "server_errors",
                kind="server_error",
            )
            return
        with state.in_flight():
            # An Event, not time.sleep, so that closing the server does not wait out latency.
            if state.closing.wait(state.weather.latency):
                self.close_connection = True
                return
        prompt_chars = sum(len(_text(m.get("content"))) for m in messages if isinstance(m, dict))
        prompt_tokens, completion_tokens = prompt_chars // 4, len(reply) // 4
        number = state.count("completions", billed=prompt_tokens + completion_tokens)
        self._send(
            200,
            {
                "id": f"chatcmpl-fake-{number}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": str(request.get("model", "")),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply, "refusal": None},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
        )

    def _rate_limited(self) -> None:
        ms = self.server.state.weather.retry_after_ms
        self._error(
            429,
            f"Rate limit reached for requests. Please try again in {ms}ms.",
            "rate_limited",
            kind="requests",
            code="rate_limit_exceeded",
            headers={"retry-after-ms": str(ms), "retry-after": str(math.ceil(ms / 1000))},
        )

    def _not_found(self) -> None:
        self._error(404, f"Invalid URL ({self.command} {self.path})", "not_found")

    def _error(
        self,
        status: int,
        message: str,
        outcome: str,
        *,
        kind: str = "invalid_request_error",
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Count `outcome` and answer with OpenAI's error body, which the client parses."""
        self.server.state.count(outcome)
        error = {"message": message, "type": kind, "param": None, "code": code}
        self._send(status, {"error": error}, headers)

    def _send(self, status: int, payload: object, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def _text(content: object) -> str:
    """A message's text, whether content is a string or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


class FakeOpenAIServer:
    """Serves `replies` (article text -> reply content) on 127.0.0.1 in a background thread.

    Use it as a context manager, or call `start()` and `close()` yourself.
    """

    def __init__(
        self, replies: Mapping[str, str], weather: Weather = Weather(), port: int = 0
    ) -> None:
        self._state = _State(replies, weather)
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def weather(self) -> Weather:
        return self._state.weather

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>/v1`, for `openai.OpenAI(base_url=...)`."""
        if self._httpd is None:
            raise RuntimeError("the server is not running; start it first")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    @property
    def stats(self) -> ServerStats:
        return self._state.stats()

    def start(self) -> FakeOpenAIServer:
        """Bind (only when started, so an unused server holds no socket) and serve."""
        if self._httpd is not None:
            raise RuntimeError("the server is already running")
        self._httpd = _HTTPServer(("127.0.0.1", self._port), self._state)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, end open keep-alive connections and close every socket."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()  # no new connections from here on
        self._state.closing.set()  # wakes completions waiting out their latency
        with self._state.lock:
            connections = list(self._state.open_sockets)
        for connection in connections:
            # Wakes handler threads blocked reading the next request on an idle connection.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()  # closes the listening socket and joins the handler threads
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the reference replies until SIGTERM or SIGINT.

    Prints the base URL as the only line on stdout once listening, so a parent process can
    read it and start sending; prints the final stats as one JSON line on stderr at exit.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per completion")
    parser.add_argument("--rate-limited-share", type=float, default=0.0)
    parser.add_argument("--retry-after-ms", type=int, default=100)
    parser.add_argument("--server-error-share", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        weather = Weather(
            latency=args.latency,
            rate_limited_share=args.rate_limited_share,
            retry_after_ms=args.retry_after_ms,
            server_error_share=args.server_error_share,
            seed=args.seed,
        )
    except ValueError as exc:
        parser.error(str(exc))

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeOpenAIServer(reference_replies(), weather, port=args.port) as server:
        print(server.base_url, flush=True)
        while not stop.wait(0.5):
            pass
    print(json.dumps(server.stats.as_dict()), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
