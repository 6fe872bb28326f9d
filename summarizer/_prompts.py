"""Versioned prompt files: loaded into a strict model, rendered in Jinja2's sandbox.

A prompt lives at `prompts/<name>/v<N>.toml` with a system part and a user part. A
released version is never edited; a change is a new file with the next number. The wheel
carries the folder as `summarizer/prompts`; a source checkout reads `prompts/` beside
the package.
"""

from __future__ import annotations

import tomllib
from functools import cache, lru_cache
from pathlib import Path

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, ValidationError

from ._exceptions import PromptError

__all__ = ["PromptTemplate", "RenderedPrompt", "load_prompt", "prompt_versions", "prompts_dir"]

_PACKAGED = Path(__file__).parent / "prompts"
_CHECKOUT = Path(__file__).parent.parent / "prompts"

_jinja = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)


class RenderedPrompt(BaseModel):
    """The two messages a prompt renders to."""

    model_config = ConfigDict(frozen=True)

    system: str
    user: str


class PromptTemplate(BaseModel):
    """One prompt file; unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    description: str
    reply_schema: str = "1"  # the reply shape the prompt describes (`summarizer._replies`)
    system: str
    user: str

    def render(self, **variables: str) -> RenderedPrompt:
        """Render both parts; a variable the template uses but is not given is an error."""
        try:
            return RenderedPrompt(
                system=_compile(self.system).render(**variables),
                user=_compile(self.user).render(**variables),
            )
        except TemplateError as exc:
            raise PromptError(
                f"prompt {self.name} v{self.version} failed to render: {exc}"
            ) from exc


@lru_cache(maxsize=32)
def _compile(source: str) -> Template:
    return _jinja.from_string(source)


def prompts_dir() -> Path:
    """The folder prompts are read from: the wheel's copy, else the source checkout's."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def prompt_versions(name: str) -> list[str]:
    """The versions of prompt `name` on disk, oldest first."""
    files = (prompts_dir() / name).glob("v*.toml")
    numbers = sorted(int(f.stem[1:]) for f in files if f.stem[1:].isdigit())
    return [str(n) for n in numbers]


@cache
def load_prompt(name: str, version: str | None = None) -> PromptTemplate:
    """Load prompt `name` at `version` (the newest when None)."""
    versions = prompt_versions(name)
    if not versions:
        raise PromptError(f"no prompt named {name!r} in {prompts_dir()}")
    version = version or versions[-1]
    path = prompts_dir() / name / f"v{version}.toml"
    if not path.is_file():
        raise PromptError(f"prompt {name!r} has no version {version!r}; it has {versions}")
    try:
        template = PromptTemplate.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PromptError(f"{path} is not a valid prompt file: {exc}") from exc
    if (template.name, template.version) != (name, version):
        raise PromptError(f"{path} says it is {template.name} v{template.version}")
    return template
