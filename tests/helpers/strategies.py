"""Hypothesis strategies for the property tests: article text in any script (combining
marks, right-to-left text, emoji sequences, CRLF, invisible marks), replies of any reply
model drawn from the JSON schema the model is sent, and replies about an article (some of
whose quotes are in it, so that the checks run deep)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from hypothesis import strategies as st

from helpers.language_articles import LANGUAGE_ARTICLES, text_of
from helpers.support import article, reference_reply
from summarizer._config import DEFAULT_PROMPT
from summarizer._prompts import load_prompt
from summarizer._replies import reply_model

# What real articles hold beside plain ASCII, each a known way for offsets to go wrong.
COMBINING = "\u0301\u0300\u0308\u0323\u0327\u0302"
SPECIAL = [
    "\u00e9", "\u00e8", "\u00fc", "\u00df", "\u00c9", "\u1ea1", "\u00a8",  # precomposed, NFKD
    "\u0628", "\u0633", "\u0644", "\u0627", "\u064e", "\u0651", "\u0640", "\u060c",  # Arabic
    "\u05e9", "\u05dc", "\u05d5", "\u05dd", "\u05b8", "\u05bc",  # Hebrew with its points
    "\u200f", "\u200e", "\u202b", "\u202c",  # direction marks and embeddings
    "\U0001f468", "\U0001f469", "\U0001f467", "\u200d", "\ufe0f", "\U0001f3fd",  # ZWJ emoji
    "\r\n", "\n", "\n\n", "\u00a0", "\u00ad", "\u200b", "\t",  # line ends, invisible space
    "\u201c", "\u201d", "\u2019", "\u00ab", "\u00bb", "\u2014", "\u2013",  # marks and dashes
    "\ufb01", "\uff12", "\u2460", "\uac00",  # ligature, full width, circled, Hangul
    "\u4e2d", "\u3002", "\u0416", "\u0436",  # Chinese, Cyrillic
]  # fmt: skip
# Few letters, so that words repeat and quotes can match in more than one place.
WORDS = ["the", "not", "signed", "pact", "caf\u00e9", "cafe\u0301", "Bogota", "a", "de"]
_PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(SPECIAL),
    st.sampled_from(list(COMBINING)),
    st.sampled_from([" ", " ", " ", ". ", ", ", '"', "'", "-"]),
    st.characters(codec="utf-8"),
)


@st.composite
def article_texts(draw: st.DrawFn, *, min_size: int = 0, max_size: int = 40) -> str:
    """A text of words, marks and characters from anywhere in Unicode, often repeated."""
    return "".join(draw(st.lists(_PIECES, min_size=min_size, max_size=max_size)))


# -- replies ----------------------------------------------------------------------------------


def replies(
    schema: dict[str, Any], strings: st.SearchStrategy[str], *, wrong_types: bool = False
) -> st.SearchStrategy[Any]:
    """JSON objects for a reply model's `schema` (the compact one it is sent), each string
    drawn from `strings` and cut to its field's length; with `wrong_types`, now and then a
    value of another type (null, a number, a list), which the reply model must refuse."""
    return _Schema(schema.get("$defs", {}), strings, wrong_types).value(schema)


_WRONG = st.one_of(st.none(), st.integers(), st.booleans(), st.just([]), st.just({}))


class _Schema:
    def __init__(self, defs: dict[str, Any], strings: st.SearchStrategy[str], wrong: bool):
        self.defs, self.strings, self.wrong = defs, strings, wrong

    def value(self, node: dict[str, Any]) -> st.SearchStrategy[Any]:
        right = self.right(node)
        if not self.wrong or node.get("type") == "object":
            return right
        # One value in thirty: a reply wrong everywhere would never reach the checks.
        return st.one_of(*[right] * 29, _WRONG)

    def right(self, node: dict[str, Any]) -> st.SearchStrategy[Any]:
        if "$ref" in node:
            return self.value(self.defs[node["$ref"].rsplit("/", 1)[-1]])
        if "anyOf" in node:
            return st.one_of([self.right(option) for option in node["anyOf"]])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        kinds = node.get("type")
        if isinstance(kinds, list):
            return st.one_of([self.right({**node, "type": kind}) for kind in kinds])
        if kinds == "null":
            return st.none()
        if kinds == "boolean":
            return st.booleans()
        if kinds == "string":
            limit = node.get("maxLength", 1000)
            return self.strings.map(lambda text: text[:limit])
        if kinds == "array":
            # Two items are enough to reach every check; more only slow each example.
            return st.lists(self.value(node["items"]), max_size=min(node.get("maxItems", 2), 2))
        if kinds == "object":
            fields = {name: self.value(value) for name, value in node["properties"].items()}
            return st.fixed_dictionaries(fields)
        raise AssertionError(f"no strategy for schema node {node!r}")


def mutated(reply: Any, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`reply` (a JSON object the checks accept) with a few of its values, at any depth,
    replaced by values drawn from `values`: the facts around them stay realistic, so the
    checks run as deep as they would on a model's near miss."""
    paths = list(_leaf_paths(reply))

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        changed = copy.deepcopy(reply)
        chosen = draw(st.lists(st.sampled_from(paths), min_size=1, max_size=4, unique=True))
        # The deepest first: a list or object may itself be replaced after a value in it.
        for path in sorted(chosen, key=len, reverse=True):
            *parents, last = path
            node = changed
            for key in parents:
                node = node[key]
            node[last] = draw(values)
        return changed

    return build()


def _leaf_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path to every value in `node`: each scalar, and each list and object too."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        yield (*path, key)
        if isinstance(value, dict | list):
            yield from _leaf_paths(value, (*path, key))


# -- replies about an article ---------------------------------------------------------------

# What the current prompt asks the model to fill.
REPLY_MODEL = reply_model(load_prompt(DEFAULT_PROMPT).reply_schema)
# Names, places and dates a model proposes, some of them in no article.
PROPOSALS = [
    "France", "Venezuela", "Ottawa", "Lyon", "Cuba", "Tren de Aragua", "Interpol", "US",
    "on Tuesday", "March 3, 2025", "yesterday", "19 июня", "2025-02-14", "the", "", " ",
]  # fmt: skip


@cache
def references() -> dict[str, tuple[str, Any]]:
    """Articles, by language, and their reference replies, which pass the checks."""
    english = "interpol_tren_de_aragua"
    found = {"en": (article(english), reference_reply(english))}
    for stem in ("ru_russia_cuba_agreement", "ar_morocco_jordan_memorandum"):
        reply = json.loads((LANGUAGE_ARTICLES / f"{stem}.reply.json").read_text("utf-8"))
        found[stem[:2]] = (text_of(stem), reply)  # the stem starts with its language
    return found


def reply_strings(text: str) -> st.SearchStrategy[str]:
    """Strings a model might write about `text` (stretches and words of it, names, dates),
    and some it would not."""
    words = text.split() or [text]
    return st.one_of(
        st.tuples(st.integers(0, len(text)), st.integers(0, 200)).map(
            lambda cut: text[cut[0] : cut[0] + cut[1]]
        ),
        # Indexes, not sampled_from(words): a failing case's report would print them all.
        st.lists(st.integers(0, len(words) - 1), min_size=1, max_size=5).map(
            lambda picked: " ".join(words[i] for i in picked)
        ),
        st.sampled_from(PROPOSALS),
        article_texts(max_size=10),
    )


def replies_about_articles() -> st.SearchStrategy[tuple[str, str, Any]]:
    """An article, its language and a reply about it, for `REPLY_MODEL`: a reference
    article with any reply of the schema or its reference reply a little changed; or a
    reply of the schema and any text holding some of its strings."""
    schema = REPLY_MODEL.model_json_schema()
    cases = []
    for language, (text, reference) in references().items():
        strings = reply_strings(text)
        values = st.one_of(strings, strings, strings, st.none(), st.integers(), st.just([]))
        drawn = st.one_of(
            replies(schema, strings),
            replies(schema, strings, wrong_types=True),
            mutated(reference, values),
            mutated(reference, values),
        )
        # The article given by its language: a failing case's report would print it whole.
        case = st.tuples(st.just(language), drawn)
        cases.append(case.map(lambda drawn, text=text: (text, *drawn)))
    return st.one_of(*cases, _about_any_text(schema))


@st.composite
def _about_any_text(draw: st.DrawFn, schema: dict[str, Any]) -> tuple[str, str, Any]:
    """A reply of `schema` with any strings, and a text holding some of them among other
    characters, so that some of its quotes are found."""
    reply = draw(replies(schema, st.one_of(st.sampled_from(PROPOSALS), article_texts(max_size=8))))
    strings = [value for value in _strings_in(reply) if value]
    chosen = draw(st.lists(st.sampled_from(strings), max_size=6)) if strings else []
    noise = draw(st.lists(article_texts(max_size=6), min_size=len(chosen) + 1))
    text = "".join(a + b for a, b in zip(noise, [*chosen, ""], strict=False)) or "x"
    return text, "en", reply


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in _strings_in(item)]
