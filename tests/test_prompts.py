"""Every prompt file loads into the strict model and renders; the article stays data."""

from __future__ import annotations

import pytest

from summarizer import PromptError
from summarizer._prompts import PromptTemplate, load_prompt, prompt_versions, prompts_dir

ALL_PROMPTS = [
    (folder.name, version)
    for folder in sorted(prompts_dir().iterdir())
    if folder.is_dir()
    for version in prompt_versions(folder.name)
]


def test_there_is_at_least_one_prompt() -> None:
    assert ("agreement_summary", "1") in ALL_PROMPTS


# What each prompt is given, and the tags that fence it off as data.
DATA = {
    "agreement_summary": ({"article": "SENTINEL ARTICLE TEXT"}, "<article>", "</article>"),
    "same_signing": ({"first": "SENTINEL ONE", "second": "SENTINEL TWO"}, "<story", "</story>"),
}


@pytest.mark.parametrize(("name", "version"), ALL_PROMPTS)
def test_every_prompt_file_loads_and_renders(name, version) -> None:
    template = load_prompt(name, version)
    variables, opening, closing = DATA[name]
    rendered = template.render(**variables)
    for value in variables.values():
        assert value in rendered.user
        before, after = rendered.user.split(value)
        assert before.rindex(opening) > before.rfind(closing) and closing in after
    assert "{{" not in rendered.system + rendered.user


def test_newest_version_is_the_default() -> None:
    assert load_prompt("agreement_summary").version == prompt_versions("agreement_summary")[-1]


def test_article_is_never_evaluated_as_a_template() -> None:
    hostile = "{{ 7 * 7 }} {% for x in range(3) %}{{ x }}{% endfor %} {{ article }}"
    rendered = load_prompt("agreement_summary").render(article=hostile)
    assert hostile in rendered.user
    assert "49" not in rendered.user


def test_missing_variable_is_an_error() -> None:
    with pytest.raises(PromptError, match="failed to render"):
        load_prompt("agreement_summary").render()


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="extra"):
        PromptTemplate.model_validate(
            {
                "name": "x",
                "version": "1",
                "description": "",
                "system": "",
                "user": "",
                "temprature": 1,
            }
        )


def test_sandbox_blocks_attribute_escapes() -> None:
    template = PromptTemplate(
        name="x", version="1", description="", system="{{ ''.__class__.__mro__ }}", user=""
    )
    with pytest.raises(PromptError):
        template.render()


@pytest.mark.parametrize(("name", "version"), [("agreement_summary", "999"), ("nope", None)])
def test_unknown_prompt_or_version(name, version) -> None:
    with pytest.raises(PromptError):
        load_prompt(name, version)
