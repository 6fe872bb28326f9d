"""Record once against an endpoint, replay offline forever; misses fail clearly."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx2
import openai
import pytest
from helpers.support import BASE_URL, NO_WAIT, Script, completion

from summarizer import asummarize, summarize
from summarizer._model.cassettes import (
    Cassette,
    CassetteMissError,
    RecordingTransport,
    ReplayTransport,
    cassette_transport,
)

SOURCE = {"kind": "recorded", "server": "scripted upstream", "model": "test-model"}


def client_for(transport: httpx2.BaseTransport) -> openai.OpenAI:
    return openai.OpenAI(
        api_key="test-key", base_url=BASE_URL, http_client=httpx2.Client(transport=transport)
    )


def record(tmp_path, seed_article, upstream: Script):
    recorder = RecordingTransport(Cassette(source=SOURCE), inner=httpx2.MockTransport(upstream))
    summary = summarize(seed_article, client=client_for(recorder), settings=NO_WAIT)
    path = tmp_path / "cassette.json"
    recorder.cassette.save(path)
    return summary, path


def test_record_then_replay_offline(tmp_path, seed_article, seed_reply) -> None:
    bad = completion({**seed_reply, "headline": None})
    recorded, path = record(tmp_path, seed_article, Script(bad, completion(seed_reply)))
    cassette = Cassette.load(path)
    assert cassette.source == SOURCE and cassette.match == "body"
    assert len(cassette.interactions) == 2  # the invalid reply and the re-asked one

    replay = ReplayTransport(cassette)
    replayed = summarize(seed_article, client=client_for(replay), settings=NO_WAIT)
    assert replay.all_played
    assert replayed.model_dump(exclude={"meta"}) == recorded.model_dump(exclude={"meta"})
    assert replayed.meta.usage == recorded.meta.usage
    assert replayed.meta.attempts == 2


def test_replay_works_for_the_async_client(tmp_path, seed_article, seed_reply) -> None:
    _, path = record(tmp_path, seed_article, Script(completion(seed_reply)))
    transport = ReplayTransport(Cassette.load(path))
    client = openai.AsyncOpenAI(
        api_key="test-key", base_url=BASE_URL, http_client=httpx2.AsyncClient(transport=transport)
    )
    summary = asyncio.run(asummarize(seed_article, client=client, settings=NO_WAIT))
    assert summary.parties[0].name == "INTERPOL Washington"


def test_a_changed_request_is_a_clear_miss_not_retried(tmp_path, seed_article, seed_reply) -> None:
    _, path = record(tmp_path, seed_article, Script(completion(seed_reply)))
    transport = ReplayTransport(Cassette.load(path))
    with pytest.raises(CassetteMissError, match="re-record with SUMMARIZER_RECORD=1"):
        summarize(
            seed_article + "\nA late paragraph.", client=client_for(transport), settings=NO_WAIT
        )


def test_missing_cassette_says_how_to_record(tmp_path) -> None:
    with pytest.raises(CassetteMissError, match="record it with SUMMARIZER_RECORD=1"):
        cassette_transport(tmp_path / "absent.json")


def test_record_switch_is_explicit(tmp_path, monkeypatch) -> None:
    path = tmp_path / "c.json"
    Cassette(source=SOURCE).save(path)
    assert isinstance(cassette_transport(path), ReplayTransport)
    monkeypatch.setenv("SUMMARIZER_RECORD", "1")
    assert isinstance(cassette_transport(path), RecordingTransport)
    assert isinstance(cassette_transport(path, record=False), ReplayTransport)


def test_not_a_cassette(tmp_path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"interactions": []}')
    with pytest.raises(CassetteMissError, match="not a summarizer cassette"):
        Cassette.load(path)


def test_a_recording_labels_itself(seed_article, seed_reply) -> None:
    body = completion(seed_reply)
    body["model"] = "/models/smollm2.gguf"

    def upstream(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"server": "llama.cpp"}, json=body)

    recorder = RecordingTransport(Cassette(source={}), inner=httpx2.MockTransport(upstream))
    summarize(seed_article, model="smollm2", client=client_for(recorder), settings=NO_WAIT)
    source = recorder.cassette.source
    assert source["kind"] == "recorded" and source["server"] == "llama.cpp"
    assert (source["model"], source["served_model"]) == ("smollm2", "smollm2.gguf")
    assert source["recorded_on"] == date.today().isoformat()
