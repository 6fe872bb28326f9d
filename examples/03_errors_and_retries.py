"""What failure looks like: typed errors, transport retries, re-asks, and what each costs.

Offline (the default) it scripts an endpoint that misbehaves in set ways, answering from
the reference reply for the bundled article. With SUMMARIZER_BASE_URL or OPENAI_API_KEY
set it sends the no-agreement article and an empty one to the live endpoint instead.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace

import httpx2
import openai
from _replay import article, live, reference_completion, replay_client

from summarizer import NoAgreementError, ReplyError, Settings, SummarizerError, summarize

STEM = "interpol_tren_de_aragua"
TEXT = article(STEM)
settings = Settings(reasks=2, transport_attempts=4)
replies = 1 + settings.reasks
print(
    f"worst case per article: {settings.transport_attempts} transport attempts x "
    f"{replies} replies = {settings.transport_attempts * replies} requests\n"
)


def with_content(body: dict, content: str, finish_reason: str = "stop") -> dict:
    body = copy.deepcopy(body)
    body["choices"][0]["message"]["content"] = content
    body["choices"][0]["finish_reason"] = finish_reason
    return body


def scripted(*steps: httpx2.Response) -> openai.OpenAI:
    queue = list(steps)

    def answer(request: httpx2.Request) -> httpx2.Response:
        return queue.pop(0)

    return openai.OpenAI(
        api_key="scripted",
        base_url="http://scripted.invalid/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )


def show(title: str, run: Callable[[], object]) -> None:
    print(f"== {title}")
    try:
        summary = run()
        meta = summary.meta  # type: ignore[attr-defined]
        print(
            f"   ok: {meta.attempts} reply(ies), {meta.http_requests} HTTP request(s), "
            f"{meta.usage.total_tokens} tokens, {meta.grounding.rejected_in_earlier_replies} "
            "fact(s) rejected on the way"
        )
        for dropped in meta.dropped:
            print(f"   dropped {dropped.path}: {dropped.reason}")
    except NoAgreementError as exc:
        print(f"   NoAgreementError: {exc.reason} ({exc.meta.usage.total_tokens} tokens)")
    except ReplyError as exc:
        spent = f"{exc.attempts} reply(ies), {exc.usage.total_tokens} tokens"
        print(f"   {type(exc).__name__} after {spent}")
        print(f"   {exc}")
    except SummarizerError as exc:
        print(f"   {type(exc).__name__}: {exc}")
    print()


if live():
    print("[live] calling the endpoint from the environment\n")
    show("empty article: refused before any request", lambda: summarize("   "))
    show("an article with no agreement", lambda: summarize(article("talks_without_agreement")))
    raise SystemExit(0)

print("[offline] a scripted endpoint built from the reference reply\n")
good = reference_completion(STEM)
reply = json.loads(good["choices"][0]["message"]["content"])
bad = copy.deepcopy(reply)
bad["agreements"][0]["signatories"][0]["evidence"] = "Director Jeff Grimming of INTERPOL Washington"
ungrounded = with_content(good, json.dumps(bad))
bad_core = copy.deepcopy(reply)
bad_core["agreements"][0]["agreement"]["evidence"] = "signed a Memorandum of Understanding"
ungrounded_core = with_content(good, json.dumps(bad_core))
ok = httpx2.Response(200, json=good)

show("empty article: EmptyInputError, nothing sent", lambda: summarize("  \n "))
show(
    "429 with Retry-After, then success: retried by the transport policy",
    lambda: summarize(
        TEXT,
        client=scripted(httpx2.Response(429, headers={"retry-after": "0.2"}, json={}), ok),
        settings=settings,
    ),
)
show(
    "a quote that is not in the article, then a corrected reply: re-asked with the reason",
    lambda: summarize(
        TEXT, client=scripted(httpx2.Response(200, json=ungrounded), ok), settings=settings
    ),
)
show(
    "an optional fact's quote is never corrected: dropped after the re-asks, listed in meta",
    lambda: summarize(
        TEXT,
        client=scripted(*[httpx2.Response(200, json=ungrounded) for _ in range(3)]),
        settings=settings,
    ),
)
show(
    "the same with on_failed_detail='drop': dropped at once, no second reply paid for",
    lambda: summarize(
        TEXT,
        client=scripted(httpx2.Response(200, json=ungrounded)),
        settings=replace(settings, on_failed_detail="drop"),
    ),
)
show(
    "the agreement's own quote is never corrected: UngroundedReplyError, all usage kept",
    lambda: summarize(
        TEXT,
        client=scripted(*[httpx2.Response(200, json=ungrounded_core) for _ in range(3)]),
        settings=settings,
    ),
)
show(
    "the reply hits max_tokens: TruncatedReplyError at once, no blind re-ask",
    lambda: summarize(
        TEXT,
        client=scripted(httpx2.Response(200, json=with_content(good, '{"reports_', "length"))),
        settings=settings,
    ),
)
refusal = copy.deepcopy(good)
refusal["choices"][0]["message"].update(
    content=None, refusal="I can't help with summarizing this content."
)
show(
    "the model refuses (OpenAI structured outputs): RefusedError at once, paid for once",
    lambda: summarize(TEXT, client=scripted(httpx2.Response(200, json=refusal)), settings=settings),
)
gateway_page = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>\n"
)
show(
    "a proxy answers 200 with its own HTML page: NotChatCompletionError naming the base URL",
    lambda: summarize(
        TEXT,
        client=scripted(
            httpx2.Response(200, headers={"content-type": "text/html"}, text=gateway_page)
        ),
        settings=settings,
    ),
)
show(
    "401: AuthError at once, never retried",
    lambda: summarize(
        TEXT,
        client=scripted(httpx2.Response(401, json={"error": {"message": "bad key"}})),
        settings=settings,
    ),
)
show(
    "an article that reports talks but no agreement",
    lambda: summarize(
        article("talks_without_agreement"), client=replay_client("talks_without_agreement")
    ),
)
