"""Batches beyond one machine: the OpenAI Batch API, or vLLM's `run_batch` on your own GPUs.

    prepare   write one request line per article: the same body the sync path sends
    submit    upload the lines and start a batch (OpenAI)
    status    where a batch stands
    collect   join the replies to the articles, verify each like a sync reply, and run
              what failed (errors, missing lines, replies that fail the checks) through
              the sync path, which re-asks

A line's `custom_id` is `<item id>#<first 16 hex of the article's sha256>`: deterministic,
and `collect` can tell when an article changed after it was sent. The request file is
also vLLM's `run_batch` input:

    python -m vllm.entrypoints.openai.run_batch -i requests.jsonl -o output.jsonl --model M

and `collect --output output.jsonl` reads its output (successes and failures in one file).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pydantic

from .._api import open_cache
from .._cache import SummaryCache
from .._config import Settings, resolve
from .._exceptions import (
    ConfigError,
    ContentFilteredError,
    DuplicateItemError,
    InputTooLongError,
    NoAgreementError,
    RefusedError,
    SummarizerError,
    TruncatedReplyError,
)
from .._job import Job
from .._meta import Usage
from .._prompts import load_prompt
from .._replies import reply_model
from .item import ItemResult, ItemText, duplicate_item
from .run import DEFAULT_CONCURRENCY, asummarize_many

if TYPE_CHECKING:
    import openai

__all__ = [
    "BATCH_URL",
    "MAX_REQUESTS",
    "BatchReplies",
    "Prepared",
    "collect",
    "custom_id",
    "download",
    "prepare",
    "status",
    "submit",
]

logger = logging.getLogger("summarizer")

BATCH_URL: Final = "/v1/chat/completions"
# OpenAI's limits for one input file.
MAX_REQUESTS = 50_000
MAX_FILE_BYTES = 200 * 1024 * 1024
# Batch states after which no more lines will come.
FINISHED = ("completed", "expired", "cancelled")


def custom_id(item_id: str, article: str) -> str:
    """The line's id: the item's id and a digest of its article."""
    return f"{item_id}#{hashlib.sha256(article.encode()).hexdigest()[:16]}"


@dataclass
class Prepared:
    """What `prepare()` wrote, and the items it could not send (recorded again by collect)."""

    path: Path
    requests: int = 0
    bytes: int = 0
    skipped: list[tuple[str, SummarizerError]] = field(default_factory=list)


def prepare(
    items: Iterable[tuple[str, ItemText]],
    out: Path,
    *,
    model: str | None = None,
    base_url: str | None = None,
    settings: Settings | None = None,
) -> Prepared:
    """Write the Batch API request file for `items`, one line each.

    The body is the sync path's first request (`_model.call.first_request`), so a strict JSON
    schema for OpenAI and the backend's own shape for others. Items that cannot be sent
    (empty, binary, too long, repeated ids) are skipped and listed.

    Raises:
        ConfigError: past OpenAI's limits for one file (50,000 lines, 200 MB).
    """
    from .._model.call import first_request

    settings = settings or Settings()
    # The key is never written to the file; a placeholder keeps resolve() from asking.
    config = resolve(model=model, base_url=base_url, api_key="unused", settings=settings)
    template = load_prompt(settings.prompt, settings.prompt_version)
    shape = reply_model(template.reply_schema)
    prepared = Prepared(out)
    with out.open("w", encoding="utf-8") as lines:
        for item_id, text in _first_occurrences(items):
            try:
                article = _one_request_article(text, settings)
            except SummarizerError as exc:
                prepared.skipped.append((item_id, exc))
                continue
            body = first_request(config, template.render(article=article), shape)
            line = {
                "custom_id": custom_id(item_id, article),
                "method": "POST",
                "url": BATCH_URL,
                "body": body,
            }
            encoded = json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
            prepared.requests += 1
            prepared.bytes += len(encoded.encode())
            if prepared.requests > MAX_REQUESTS or prepared.bytes > MAX_FILE_BYTES:
                raise ConfigError(
                    f"{out} would pass the Batch API's limits for one file ({MAX_REQUESTS:,} "
                    f"requests, {MAX_FILE_BYTES // 2**20} MB): split the input"
                )
            lines.write(encoded)
    return prepared


def _one_request_article(text: ItemText | SummarizerError, settings: Settings) -> str:
    """The article one Batch API request can carry; raises what keeps it from the batch."""
    from .._inputs.article import article_from

    if isinstance(text, SummarizerError):
        raise text
    article, _ = article_from(
        text, max_chars=settings.max_input_chars, input_format=settings.input_format
    )
    if len(article) > settings.max_part_chars:
        # Sent in parts, which the batch's one-request-per-article cannot hold.
        raise InputTooLongError(
            length=len(article),
            limit=settings.max_part_chars,
            hint="longer articles are summarized in parts: run them with `summarizer batch`",
        )
    return article


def submit(requests: Path, client: openai.OpenAI) -> Any:
    """Upload a request file and start a batch on it; returns the openai `Batch`."""
    with requests.open("rb") as file:
        uploaded = client.files.create(file=file, purpose="batch")
    return client.batches.create(
        input_file_id=uploaded.id,
        endpoint=BATCH_URL,
        completion_window="24h",
        metadata={"created_by": "summarizer", "requests": requests.name},
    )


def status(batch_id: str, client: openai.OpenAI) -> str:
    """One line on where a batch stands: its state and request counts."""
    batch = client.batches.retrieve(batch_id)
    line = f"{batch.id} {batch.status}"
    if counts := batch.request_counts:
        line += f": {counts.completed} completed, {counts.failed} failed of {counts.total}"
    return line


def download(batch_id: str, client: openai.OpenAI, folder: Path) -> list[Path]:
    """Save a finished batch's output and error files into `folder`; returns their paths.

    Raises:
        ConfigError: while the batch is still running, or when it failed as a whole.
    """
    batch = client.batches.retrieve(batch_id)
    if batch.status == "failed":
        reasons = (
            "; ".join(e.message or "" for e in (batch.errors.data or [])) if batch.errors else ""
        )
        raise ConfigError(f"batch {batch_id} failed: {reasons or 'no reason given'}")
    if batch.status not in FINISHED:
        raise ConfigError(f"batch {batch_id} is {batch.status}; collect it once it completes")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, file_id in (("output", batch.output_file_id), ("errors", batch.error_file_id)):
        if file_id:
            path = folder / f"{batch_id}.{kind}.jsonl"
            with client.files.with_streaming_response.content(file_id) as response:
                response.stream_to_file(path)
            paths.append(path)
    return paths


class BatchReplies:
    """The lines of batch output and error files, found by `custom_id` without holding
    every reply in memory: only each line's offset is kept."""

    def __init__(self, files: Iterable[Path]) -> None:
        self._files = list(files)
        self._where: dict[str, tuple[int, int]] = {}
        for index, path in enumerate(self._files):
            with path.open("rb") as lines:
                offset = 0
                for raw in lines:
                    if raw.strip():
                        key = json.loads(raw).get("custom_id")
                        # A success wins over an error line for the same request.
                        if key is not None and (key not in self._where or _succeeded(raw)):
                            self._where[key] = (index, offset)
                    offset += len(raw)

    def get(self, key: str) -> dict[str, Any] | None:
        where = self._where.get(key)
        if where is None:
            return None
        index, offset = where
        with self._files[index].open("rb") as file:
            file.seek(offset)
            return dict(json.loads(file.readline()))

    def __len__(self) -> int:
        return len(self._where)


def _succeeded(raw: bytes) -> bool:
    line = json.loads(raw)
    return _completion_body(line) is not None


def _completion_body(line: dict[str, Any]) -> dict[str, Any] | None:
    """The chat completion of a successful line, else None."""
    response = line.get("response") or {}
    body = response.get("body")
    if response.get("status_code") == 200 and isinstance(body, dict) and body.get("choices"):
        return body
    return None


def _failure(line: dict[str, Any] | None) -> str:
    """Why a line holds no reply, in the words of whichever file format wrote it."""
    if line is None:
        return "no line in the batch output"
    error = line.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or error)
    if error:
        return str(error)  # vLLM writes a plain message
    response = line.get("response") or {}
    body = response.get("body")
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message"))
    return f"HTTP {response.get('status_code')}"


async def collect(
    items: Callable[[], Iterable[tuple[str, ItemText]]],
    replies: BatchReplies,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    client: openai.AsyncOpenAI | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    cache: SummaryCache | bool | None = True,
    on_spent: Callable[[str, Usage], None] | None = None,
) -> AsyncGenerator[ItemResult, None]:
    """One result per item: its batch reply verified, else a sync run with re-asks.

    `items` is called twice, so the articles are read as a stream both times: once to
    verify the batch's replies, once to re-run those that need it. `on_spent` hears of the
    re-runs' replies only: the batch's own are paid with the batch (and read again).
    """
    settings = settings or Settings()
    store = open_cache(cache)
    rerun: dict[str, Usage] = {}  # id -> what its batch reply cost
    unreadable = False
    for item_id, text in _first_occurrences(items()):
        if isinstance(text, SummarizerError):
            unreadable = True  # recorded by the sync pass below, with every other failure
            continue
        result = _verify_line(item_id, text, replies, store, model, base_url, settings)
        if isinstance(result.error, _FINAL):
            yield result  # asking again would pay for the same answer
        elif result.status == "failed":
            logger.info("item %r goes to the sync path: %s", item_id, result.error)
            rerun[item_id] = result.usage
        else:
            yield result
    if not (rerun or unreadable):
        return  # every reply held: no endpoint, key or client is needed

    def again() -> Iterator[tuple[str, ItemText]]:
        for item_id, text in _first_occurrences(items()):
            if item_id in rerun or isinstance(text, SummarizerError):
                yield item_id, text

    async for result in asummarize_many(
        again(),
        model=model,
        base_url=base_url,
        api_key=api_key,
        settings=settings,
        client=client,
        concurrency=concurrency,
        cache=cache,
        on_spent=on_spent,
    ):
        if not isinstance(result.error, DuplicateItemError):
            # The re-run's own tokens, and those of the batch reply it replaces.
            batch_reply = rerun.pop(result.id, Usage())
            result = dataclasses.replace(result, usage=result.usage + batch_reply)
        yield result


def _first_occurrences(
    items: Iterable[tuple[str, ItemText]],
) -> Iterator[tuple[str, ItemText]]:
    """Items as given, with a repeated id turned into its `DuplicateItemError`: the first
    occurrence claims the id, whatever becomes of it (the rule of `asummarize_many`)."""
    seen: set[str] = set()
    for item_id, text in items:
        yield item_id, duplicate_item(item_id) if item_id in seen else text
        seen.add(item_id)


def _verify_line(
    item_id: str,
    text: str | bytes,
    replies: BatchReplies,
    store: SummaryCache | None,
    model: str | None,
    base_url: str | None,
    settings: Settings,
) -> ItemResult:
    """The batch reply for one item, checked as the sync path checks its first reply.

    Raises:
        ConfigError: the reply comes from another model than the one configured, so the
            summary's meta and its cache key would name the wrong one.
    """
    from .._model.clients import completion_from

    job: Job | None = None
    try:
        # No key is needed to check a reply that has already arrived.
        job = Job.prepare(text, model, base_url, "unused", settings, None)
        line = replies.get(custom_id(item_id, job.article.text))
        body = _completion_body(line) if line else None
        if body is None:
            return ItemResult(item_id, "failed", error=_NoBatchReply(_failure(line)))
        completion = completion_from(body)
    except pydantic.ValidationError as exc:
        error = _NoBatchReply(f"the line's body is not a chat completion: {exc}")
        return ItemResult(item_id, "failed", error=error)
    except SummarizerError as exc:
        return ItemResult(item_id, "failed", error=exc)
    # OpenAI answers with the dated snapshot of the model asked for ("gpt-4o-mini-2024-07-18").
    if not completion.model.startswith(job.config.model):
        raise ConfigError(
            f"the batch's replies come from {completion.model!r}, and collect runs with "
            f"{job.config.model!r}: give collect the --model (and --backend) given to prepare"
        )
    try:
        # The batch reply is the first of the call's replies: with re-asks allowed, a fact
        # that fails sends the item to the sync path, as it would re-ask there.
        summaries = job.run_arrived(completion)
    except NoAgreementError as exc:
        job.remember(store, exc)
        return ItemResult(item_id, "no_agreement", error=exc, usage=exc.meta.usage)
    except SummarizerError as exc:
        return ItemResult(item_id, "failed", error=exc, usage=job.record.usage)
    job.remember(store, summaries)
    return ItemResult.summarized(item_id, summaries, summaries[0].meta.usage)


# A batch reply that ends its item: re-run, the model would answer the same way.
_FINAL = (RefusedError, ContentFilteredError, TruncatedReplyError)


class _NoBatchReply(SummarizerError):
    """The batch holds no usable reply for an item (an error line, or no line at all);
    never surfaced, since such items go to the sync path."""
