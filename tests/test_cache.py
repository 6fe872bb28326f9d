"""The response cache: a repeat sends no request, every output-changing input is in the key,
only answers are kept, and the file stays within its bound."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from helpers.support import (
    NO_WAIT,
    ReferenceEndpoint,
    Script,
    article,
    completion,
    principal,
    reference_reply,
)

from summarizer import (
    NoAgreementError,
    ServerFailureError,
    Settings,
    SummaryCache,
    UngroundedReplyError,
    summarize,
    summarize_many,
)
from summarizer._cache import cache_key
from summarizer._config import resolve
from summarizer._prompts import load_prompt

SEED = "interpol_tren_de_aragua"


@pytest.fixture
def cache(tmp_path):
    with SummaryCache(tmp_path / "cache.sqlite") as store:
        yield store


def test_a_repeat_is_answered_from_the_cache_without_a_request(cache, seed_reply) -> None:
    script = Script(completion(seed_reply))  # one reply: a second request would fail the test
    first = summarize(article(SEED), client=script.client(), cache=cache)
    again = summarize(article(SEED), client=script.client(), cache=cache)
    assert len(script.requests) == 1
    assert not first.meta.cached and again.meta.cached
    assert again.model_dump(exclude={"meta"}) == first.model_dump(exclude={"meta"})
    assert again.meta.usage == first.meta.usage  # what making it cost, kept for the books


def test_no_agreement_is_an_answer_and_is_cached(cache) -> None:
    script = Script(completion(reference_reply("talks_without_agreement")))
    text = article("talks_without_agreement")
    with pytest.raises(NoAgreementError) as first:
        summarize(text, client=script.client(), cache=cache)
    with pytest.raises(NoAgreementError) as again:
        summarize(text, client=script.client(), cache=cache)
    assert len(script.requests) == 1
    assert again.value.reason == first.value.reason and again.value.meta.cached


def test_failures_are_not_cached(cache, seed_reply) -> None:
    invented = copy.deepcopy(seed_reply)
    principal(invented)["parties"] = [
        {**principal(seed_reply)["parties"][0], "evidence": "not there"}
    ]
    script = Script(*[completion(invented)] * 3, *[_server_error()] * 4, completion(seed_reply))
    text = article(SEED)
    with pytest.raises(UngroundedReplyError):
        summarize(text, client=script.client(), cache=cache, settings=NO_WAIT)
    with pytest.raises(ServerFailureError):
        summarize(text, client=script.client(), cache=cache, settings=NO_WAIT)
    assert len(cache) == 0
    assert not summarize(text, client=script.client(), cache=cache, settings=NO_WAIT).meta.cached
    assert len(script.requests) == 3 + 4 + 1 and len(cache) == 1


def _server_error():
    import httpx2

    return httpx2.Response(500, json={"error": {"message": "down"}})


def test_every_input_that_changes_the_output_changes_the_key() -> None:
    template = load_prompt("agreement_summary")
    text = article(SEED)

    def key(text=text, template=template, **changes) -> str:
        settings = dataclasses.replace(Settings(base_url="http://127.0.0.1:8080/v1"), **changes)
        config = resolve(settings=settings)
        return cache_key(text, config, template)

    base = key()
    assert key() == base  # deterministic
    variants = [
        key(text=text + " "),
        key(model="another-model"),
        key(base_url="http://127.0.0.1:9090/v1"),
        key(backend="llama.cpp"),
        key(template=load_prompt("agreement_summary", "1")),
        key(template=template.model_copy(update={"system": template.system + "!"})),
        key(temperature=0.5),
        key(max_output_tokens=1000),
        key(reasks=0),
        key(on_failed_detail="drop"),
        key(language="es"),
        key(max_part_chars=30_000),
        key(part_overlap_chars=500),
    ]
    assert len({base, *variants}) == 1 + len(variants)
    # Settings that do not change a reply share the entry.
    assert key(timeout_seconds=5, transport_attempts=1, max_input_chars=10) == base
    assert key(part_concurrency=1) == base


def test_the_file_stays_within_its_bound_evicting_the_least_recently_used(tmp_path) -> None:
    endpoint = ReferenceEndpoint()
    texts = [t for t in endpoint.contents if t != article("talks_without_agreement")][:6]

    def run(item_id: str, text: str, store: SummaryCache):
        (result,) = summarize_many([(item_id, text)], client=endpoint.async_client(), cache=store)
        return result

    # An entry is 1 to 2 kB compressed: room for three or so.
    with SummaryCache(tmp_path / "small.sqlite", max_bytes=4_500) as store:
        run("warm", texts[0], store)
        run("cold", texts[1], store)
        for n, text in enumerate(texts[2:]):
            assert run("warm", texts[0], store).cached  # used before each newcomer
            run(f"new-{n}", text, store)
            assert store.size_bytes() <= 4_500
        assert run("warm", texts[0], store).cached
        assert not run("cold", texts[1], store).cached  # evicted long ago


def test_summarize_uses_no_cache_unless_asked(tmp_path, monkeypatch, seed_reply) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "default"))
    script = Script(completion(seed_reply), completion(seed_reply))
    summarize(article(SEED), client=script.client())
    assert not (tmp_path / "default").exists()
    summarize(article(SEED), client=script.client(), cache=True)
    assert summarize(article(SEED), client=script.client(), cache=True).meta.cached
    assert (tmp_path / "default" / "summaries.sqlite").is_file()
    assert len(script.requests) == 2


def test_batches_use_the_default_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path))
    endpoint = ReferenceEndpoint()
    items = [(str(n), text) for n, text in enumerate(endpoint.contents)]
    first = list(summarize_many(items, client=endpoint.async_client()))
    sent = endpoint.requests
    again = list(summarize_many(items, client=endpoint.async_client()))
    assert endpoint.requests == sent == len(items)
    assert not any(r.cached for r in first) and all(r.cached for r in again)
    assert sum(r.usage.total_tokens for r in again) == 0  # a results file sums to the bill
    assert sorted(r.status for r in again) == sorted(r.status for r in first)


@pytest.mark.parametrize("payload", [b"not zlib at all", b"x\x9c\x03\x00\x00\x00\x00\x01"])
def test_a_corrupt_entry_is_a_miss_paid_for_once_and_stored_afresh(
    cache, seed_reply, caplog, payload
) -> None:
    script = Script(completion(seed_reply), completion(seed_reply))
    summarize(article(SEED), client=script.client(), cache=cache)
    with cache._db:  # the file stays a good sqlite file; one entry's data goes bad
        cache._db.execute("UPDATE entries SET payload = ?", (payload,))
    again = summarize(article(SEED), client=script.client(), cache=cache)
    third = summarize(article(SEED), client=script.client(), cache=cache)
    assert len(script.requests) == 2 and not again.meta.cached and third.meta.cached
    assert "a bad entry was dropped" in caplog.text
