"""The structured-output request follows the backend; each shape is pinned on the wire."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from helpers.support import NO_WAIT, Script, completion

from summarizer import ConfigError, summarize
from summarizer._config import resolve
from summarizer._model.backends import strict_schema
from summarizer._replies import AgreementsReplyV4 as AgreementsReply
from summarizer._types import detect_backend

SCHEMA = AgreementsReply.model_json_schema()  # the default prompt's (v4)


def sent_request(backend: str, seed_article: str, seed_reply: dict[str, Any]) -> dict[str, Any]:
    script = Script(completion(seed_reply))
    summary = summarize(
        seed_article, model="m", client=script.client(), settings=replace(NO_WAIT, backend=backend)
    )
    assert summary.meta.endpoint_kind == backend
    (request,) = script.requests
    return request


NESTED = {"type": "json_schema", "json_schema": {"name": "AgreementsReply", "schema": SCHEMA}}


@pytest.mark.parametrize("backend", ["llama.cpp", "vllm", "ollama", "openai-compatible"])
def test_json_schema_servers_get_the_nested_schema(backend, seed_article, seed_reply) -> None:
    request = sent_request(backend, seed_article, seed_reply)
    assert request["response_format"] == NESTED
    assert set(request) == {"model", "messages", "temperature", "max_tokens", "response_format"}
    assert (request["model"], request["temperature"], request["max_tokens"]) == ("m", 0.0, 4096)
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


def test_openai_gets_strict_structured_output(seed_article, seed_reply) -> None:
    request = sent_request("openai", seed_article, seed_reply)
    assert request["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "AgreementsReply", "schema": strict_schema(SCHEMA), "strict": True},
    }
    assert "tools" not in request and "tool_choice" not in request


def test_llama_cpp_python_gets_json_object_with_a_flat_schema(seed_article, seed_reply) -> None:
    request = sent_request("llama-cpp-python", seed_article, seed_reply)
    assert request["response_format"] == {"type": "json_object", "schema": SCHEMA}


def test_meta_names_the_mode(seed_article, seed_reply) -> None:
    script = Script(completion(seed_reply), completion(seed_reply))
    modes = []
    for backend in ("openai", "llama.cpp"):
        settings = replace(NO_WAIT, backend=backend)
        modes.append(summarize(seed_article, client=script.client(), settings=settings).meta.mode)
    assert modes == ["json_schema_strict", "json_schema"]


def test_strict_schema_closes_every_object_and_requires_every_key() -> None:
    strict = strict_schema(SCHEMA)
    objects = [strict, *strict["$defs"].values()]
    for node in objects:
        assert node["additionalProperties"] is False
        assert node["required"] == list(node["properties"])
    assert "maxLength" not in str(strict)
    assert "maxItems" in str(strict)
    assert "maxLength" in str(SCHEMA), "the source schema is left untouched"


def test_bounds_reach_the_grammar() -> None:
    party = SCHEMA["$defs"]["Party"]["properties"]
    assert party["name"]["maxLength"] == 150
    assert party["evidence"] == {"type": "string", "maxLength": 400}
    # A nullable string is one type list, not an anyOf of two schemas.
    assert party["country"] == {"type": ["string", "null"], "maxLength": 150}
    assert '"title": "' not in json.dumps(SCHEMA)  # the property "title" stays
    assert SCHEMA["$defs"]["AgreementEntry"]["properties"]["parties"]["maxItems"] == 12
    assert SCHEMA["properties"]["agreements"]["maxItems"] == 16


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.openai.com/v1", "openai"),
        ("http://127.0.0.1:11434/v1", "ollama"),
        ("http://127.0.0.1:8080/v1", "openai-compatible"),
        ("http://gpu-box:8000/v1", "openai-compatible"),
    ],
)
def test_backend_is_guessed_from_the_url(base_url, expected) -> None:
    assert detect_backend(base_url) == expected


def test_backend_setting_and_environment(monkeypatch) -> None:
    url = "http://127.0.0.1:8080/v1"
    monkeypatch.setenv("SUMMARIZER_BACKEND", "vllm")
    assert resolve(base_url=url).backend == "vllm"
    from summarizer import Settings

    assert resolve(base_url=url, settings=Settings(backend="llama.cpp")).backend == "llama.cpp"
    with pytest.raises(ConfigError, match="unknown backend 'tgi'"):
        resolve(base_url=url, settings=Settings(backend="tgi"))
