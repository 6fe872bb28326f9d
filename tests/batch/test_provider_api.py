"""The Batch API path: request lines equal to what the sync path sends, submit/status/collect
against a scripted OpenAI, and vLLM run_batch's output read by the same collect."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from helpers.fake_openai import FakeOpenAIServer, reference_replies
from helpers.live import LIVE_MODEL, LIVE_SETTINGS
from helpers.support import (
    ARTICLES,
    BASE_URL,
    REFERENCE_ROUNDUPS_LANGUAGES,
    ROOT,
    TEST_ARTICLES,
    ReferenceEndpoint,
    Script,
    article,
    completion,
    principal,
    reference_reply,
    replay_all,
)

from summarizer import ConfigError, ItemResult, RefusedError, TruncatedReplyError
from summarizer._batch.provider_api import (
    BatchReplies,
    collect,
    custom_id,
    download,
    prepare,
    status,
    submit,
)
from summarizer._cli import main
from summarizer._model.cassettes import Cassette

SEED = "interpol_tren_de_aragua"
NO_AGREEMENT = "talks_without_agreement"
LLAMA_CASSETTES = ROOT / "tests" / "fixtures" / "cassettes" / "llama_cpp"


def stems() -> list[str]:
    return sorted(path.stem for path in ARTICLES.glob("*.txt"))


def request_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_line_is_the_request_the_sync_path_sent_to_llama_cpp(tmp_path) -> None:
    """The recordings of the live llama.cpp runs hold the bodies summarize() really sent."""
    recorded = sorted(LLAMA_CASSETTES.glob("*.json"))
    assert recorded
    items = [(path.stem, article(path.stem)) for path in recorded]
    out = tmp_path / "requests.jsonl"
    prepared = prepare(iter(items), out, model=LIVE_MODEL, settings=LIVE_SETTINGS)
    assert prepared.requests == len(items) and not prepared.skipped
    for (stem, text), line in zip(items, request_lines(out), strict=True):
        sent = Cassette.load(LLAMA_CASSETTES / f"{stem}.json").interactions[0]["request"]
        assert line["body"] == sent["body"], stem
        assert line["url"] == "/v1/chat/completions" and line["method"] == "POST"
        assert line["custom_id"] == custom_id(stem, text) == f"{stem}#" + line["custom_id"][-16:]


def test_openai_lines_carry_the_strict_schema_and_ids_are_deterministic(tmp_path) -> None:
    items = [(stem, article(stem)) for stem in stems()]
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    prepare(iter(items), first, model="gpt-4o-mini")
    prepare(iter(items), second, model="gpt-4o-mini")
    assert first.read_bytes() == second.read_bytes()
    line = request_lines(first)[0]
    schema = line["body"]["response_format"]["json_schema"]
    assert schema["strict"] is True and schema["schema"]["additionalProperties"] is False
    assert len({line["custom_id"] for line in request_lines(first)}) == len(items)


def test_items_that_cannot_be_sent_are_skipped_and_listed(tmp_path) -> None:
    items = [("empty", " "), ("seed", article(SEED)), ("seed", article(SEED)), ("bin", b"\xff")]
    prepared = prepare(iter(items), tmp_path / "r.jsonl", model="m")
    assert prepared.requests == 1
    assert [(i, type(e).__name__) for i, e in prepared.skipped] == [
        ("empty", "EmptyInputError"),
        ("seed", "DuplicateItemError"),
        ("bin", "NotTextError"),
    ]


class ScriptedBatchAPI:
    """The OpenAI files and batches endpoints, answering from memory."""

    def __init__(self, output: str, errors: str, status: str = "completed") -> None:
        self.files = {"file-out": output, "file-err": errors}
        self.status = status
        self.uploaded = b""
        self.created: dict[str, Any] = {}

    def batch(self) -> dict[str, Any]:
        return {
            "id": "batch_1",
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "input_file_id": "file-in",
            "completion_window": "24h",
            "status": self.status,
            "created_at": 1763942400,
            "output_file_id": "file-out" if self.status == "completed" else None,
            "error_file_id": "file-err" if self.status == "completed" else None,
            "request_counts": {"total": 3, "completed": 2, "failed": 1},
        }

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/files"):
            self.uploaded = request.read()
            return httpx2.Response(200, json={
                "id": "file-in", "object": "file", "bytes": len(self.uploaded),
                "created_at": 1763942400, "filename": "requests.jsonl", "purpose": "batch",
                "status": "processed",
            })  # fmt: skip
        if request.method == "POST" and path.endswith("/batches"):
            self.created = json.loads(request.read())
            return httpx2.Response(200, json=self.batch())
        if path.endswith("/batches/batch_1"):
            return httpx2.Response(200, json=self.batch())
        if "/files/" in path and path.endswith("/content"):
            return httpx2.Response(200, text=self.files[path.split("/")[-2]])
        return httpx2.Response(404, json={"error": {"message": f"no route {path}"}})

    def client(self) -> openai.OpenAI:
        http = httpx2.Client(transport=httpx2.MockTransport(self))
        return openai.OpenAI(api_key="test-key", base_url=BASE_URL, http_client=http)


def output_line(key: str, content: str | dict[str, Any], *, vllm: bool = False) -> str:
    prefix = "vllm" if vllm else "batch_req"
    return json.dumps({
        "id": f"{prefix}-{key}", "custom_id": key, "error": None,
        "response": {"status_code": 200, "request_id": f"req-{key}", "body": completion(content)},
    }) + "\n"  # fmt: skip


def test_submit_uploads_the_file_and_download_fetches_both_files(tmp_path) -> None:
    requests = tmp_path / "requests.jsonl"
    prepare(iter([(SEED, article(SEED))]), requests, model="gpt-4o-mini")
    api = ScriptedBatchAPI(output="out\n", errors="err\n")
    batch = submit(requests, api.client())
    assert batch.id == "batch_1" and requests.read_bytes() in api.uploaded
    assert api.created["endpoint"] == "/v1/chat/completions"
    assert api.created["completion_window"] == "24h"
    paths = download("batch_1", api.client(), tmp_path / "downloads")
    assert [p.read_text() for p in paths] == ["out\n", "err\n"]


def test_status_says_where_the_batch_stands() -> None:
    api = ScriptedBatchAPI(output="", errors="", status="in_progress")
    assert status("batch_1", api.client()) == ("batch_1 in_progress: 2 completed, 1 failed of 3")


def test_download_refuses_a_batch_still_running(tmp_path) -> None:
    api = ScriptedBatchAPI(output="", errors="", status="in_progress")
    with pytest.raises(ConfigError, match="in_progress"):
        download("batch_1", api.client(), tmp_path)


def run_collect(
    items, replies: BatchReplies, client: openai.AsyncOpenAI | None, model: str = "test-model"
) -> list[ItemResult]:
    async def gather() -> list[ItemResult]:
        return [
            result
            async for result in collect(
                lambda: iter(items), replies, model=model, client=client, cache=False
            )
        ]

    return asyncio.run(gather())


def test_collect_verifies_replies_and_reruns_what_failed_through_the_sync_path(tmp_path) -> None:
    seed, nca, talks = article(SEED), article("abbreviation_nca"), article(NO_AGREEMENT)
    abuja = article("capital_without_country_abuja")
    invented = dict(reference_reply("abbreviation_nca"))
    principal(invented)["parties"] = [
        {**principal(invented)["parties"][0], "evidence": "words not in the article"}
    ]
    items = [
        ("seed", seed),  # a good reply
        ("talks", talks),  # a good no-agreement reply
        ("nca", nca),  # a reply that fails the checks: re-run
        ("abuja", abuja),  # an error line: re-run
        ("missing", article("somali_capital_mogadishu")),  # no line at all: re-run
        ("empty", ""),  # cannot be sent: recorded as failed
    ]
    output = tmp_path / "out.jsonl"
    output.write_text(
        output_line(custom_id("seed", seed), reference_reply(SEED))
        + output_line(custom_id("talks", talks), reference_reply(NO_AGREEMENT))
        + output_line(custom_id("nca", nca), invented)
    )
    errors = tmp_path / "errors.jsonl"
    errors.write_text(json.dumps({
        "id": "batch_req-x", "custom_id": custom_id("abuja", abuja), "error": None,
        "response": {"status_code": 500, "request_id": "r", "body": {"error": {"message": "boom"}}},
    }) + "\n")  # fmt: skip
    endpoint = ReferenceEndpoint()
    results = run_collect(items, BatchReplies([output, errors]), endpoint.async_client())

    assert Counter(r.id for r in results) == Counter(dict.fromkeys((i for i, _ in items), 1))
    by_id = {r.id: r for r in results}
    assert {i: r.status for i, r in by_id.items()} == {
        "seed": "summarized",
        "talks": "no_agreement",
        "nca": "summarized",
        "abuja": "summarized",
        "missing": "summarized",
        "empty": "failed",
    }
    assert endpoint.requests == 3  # only the three re-runs were sent
    assert by_id["nca"].usage.total_tokens == 150 + 150  # the batch reply and the re-run
    assert by_id["seed"].usage.total_tokens == 150 and by_id["seed"].summary is not None
    assert by_id["seed"].summary.parties[0].name == "INTERPOL Washington"


def test_collect_keeps_a_refusal_or_a_cut_reply_and_pays_no_rerun(tmp_path) -> None:
    seed, nca = article(SEED), article("abbreviation_nca")
    refusal = completion("")
    refusal["choices"][0]["message"].update(content=None, refusal="I can't help with that.")
    cut = completion('{"reports_agreement": true, "agr', finish_reason="length")
    output = tmp_path / "out.jsonl"
    output.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"batch_req-{key}",
                    "custom_id": key,
                    "error": None,
                    "response": {"status_code": 200, "request_id": "r", "body": body},
                }
            )
            + "\n"
            for key, body in ((custom_id("seed", seed), refusal), (custom_id("nca", nca), cut))
        )  # fmt: skip
    )
    endpoint = ReferenceEndpoint()
    items = [("seed", seed), ("nca", nca)]
    results = {r.id: r for r in run_collect(items, BatchReplies([output]), endpoint.async_client())}
    assert type(results["seed"].error) is RefusedError
    assert type(results["nca"].error) is TruncatedReplyError
    assert endpoint.requests == 0
    assert results["seed"].usage.total_tokens == 150


def test_collect_reads_vllm_run_batch_output(tmp_path) -> None:
    seed, nca = article(SEED), article("abbreviation_nca")
    output = tmp_path / "vllm-output.jsonl"
    failure = {
        "id": "vllm-2",
        "custom_id": custom_id("nca", nca),
        "response": {"status_code": 400, "request_id": "vllm-batch-2", "body": None},
        "error": "the prompt is longer than the model's context",
    }
    output.write_text(
        output_line(custom_id("seed", seed), reference_reply(SEED), vllm=True)
        + json.dumps(failure)
        + "\n"
    )
    replies = BatchReplies([output])
    assert len(replies) == 2
    endpoint = ReferenceEndpoint()
    results = run_collect([("seed", seed), ("nca", nca)], replies, endpoint.async_client())
    assert sorted((r.id, r.status) for r in results) == [
        ("nca", "summarized"),
        ("seed", "summarized"),
    ]
    assert endpoint.requests == 1


def test_an_article_changed_since_prepare_is_not_matched_to_the_old_reply(tmp_path) -> None:
    seed = article(SEED)
    output = tmp_path / "out.jsonl"
    output.write_text(output_line(custom_id("seed", seed), reference_reply(SEED)))
    script = Script(completion(reference_reply(SEED)))
    edited = seed.replace("Lyon", "Lyon ")
    results = run_collect([("seed", edited)], BatchReplies([output]), script.async_client())
    assert [r.status for r in results] == ["summarized"] and len(script.requests) == 1


def test_cli_prepare_then_collect_a_vllm_output_file(tmp_path, capsys) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for stem in (SEED, NO_AGREEMENT, "abbreviation_nca"):
        (folder / f"{stem}.txt").write_text(article(stem))
    requests = tmp_path / "requests.jsonl"
    prepare_args = ["batch-api", "prepare", str(folder), "--out", str(requests)]
    assert main([*prepare_args, "--backend", "vllm", "--model", "test-model"]) == 0
    assert "3 request(s)" in capsys.readouterr().err
    # Stand in for `vllm run_batch`: answer each line with its article's reference reply,
    # except the last, which the server refused.
    replies = reference_replies()
    lines = request_lines(requests)
    output = tmp_path / "output.jsonl"
    with output.open("w") as file:
        for line in lines[:-1]:
            user = line["body"]["messages"][1]["content"]
            content = next(reply for text, reply in replies.items() if text in user)
            file.write(output_line(line["custom_id"], content, vllm=True))
        file.write(json.dumps({"custom_id": lines[-1]["custom_id"], "error": "refused"}) + "\n")
    out = tmp_path / "results.jsonl"
    with FakeOpenAIServer(replies) as server:
        status = main([
            "batch-api", "collect", str(folder), "--output", str(output), "--out", str(out),
            "--base-url", server.base_url, "--no-cache", "--quiet", "--model", "test-model",
            "--backend", "vllm",
        ])  # fmt: skip
        assert server.stats.completions == 1  # the refused line, run through the sync path
    assert status == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted((r["id"], r["status"]) for r in records) == [
        ("abbreviation_nca.txt", "summarized"),
        ("interpol_tren_de_aragua.txt", "summarized"),
        ("talks_without_agreement.txt", "no_agreement"),
    ]


def test_replies_from_another_model_stop_collect_before_anything_is_recorded(tmp_path) -> None:
    seed = article(SEED)
    output = tmp_path / "out.jsonl"
    output.write_text(output_line(custom_id("seed", seed), reference_reply(SEED)))
    with pytest.raises(ConfigError, match="'test-model'.*'gpt-4o-mini'"):
        run_collect([("seed", seed)], BatchReplies([output]), None, model="gpt-4o-mini")


def test_collect_needs_no_endpoint_when_every_reply_holds(tmp_path) -> None:
    seed = article(SEED)
    output = tmp_path / "out.jsonl"
    output.write_text(output_line(custom_id("seed", seed), reference_reply(SEED)))
    (result,) = run_collect([("seed", seed)], BatchReplies([output]), client=None)
    assert result.status == "summarized"  # and no API key was asked for


def test_collect_keeps_every_agreement_of_a_round_up(tmp_path) -> None:
    stem = "summit_three_agreements"
    text = (TEST_ARTICLES / "roundups" / f"{stem}.txt").read_text(encoding="utf-8")
    cassette = Cassette.load(REFERENCE_ROUNDUPS_LANGUAGES / f"{stem}.json")
    content = cassette.interactions[0]["response"]["body"]["choices"][0]["message"]["content"]
    output = tmp_path / "out.jsonl"
    output.write_text(output_line(custom_id(stem, text), content))
    (result,) = run_collect([(stem, text)], BatchReplies([output]), client=None)
    alone = replay_all(stem, text)
    assert [s.agreement for s in result.summaries] == [s.agreement for s in alone]
    assert len(json.loads(result.to_json_line())["other_summaries"]) == 2


def test_a_line_that_is_not_a_chat_completion_goes_to_the_sync_path(tmp_path) -> None:
    seed = article(SEED)
    body = completion(reference_reply(SEED))
    del body["created"]
    line = {"custom_id": custom_id("seed", seed), "response": {"status_code": 200, "body": body}}
    output = tmp_path / "out.jsonl"
    output.write_text(json.dumps(line) + "\n")
    script = Script(completion(reference_reply(SEED)))
    (result,) = run_collect([("seed", seed)], BatchReplies([output]), script.async_client())
    assert result.status == "summarized" and len(script.requests) == 1


def test_cli_collect_needs_a_batch_or_an_output_file(tmp_path, capsys) -> None:
    status = main(["batch-api", "collect", str(tmp_path), "--out", str(tmp_path / "o.jsonl")])
    assert status == 2 and "--batch" in capsys.readouterr().err
