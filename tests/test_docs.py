"""Every fenced code block in README.md and docs/*.md runs or is checked, offline.

- `python` blocks run as they stand. A block that calls the model is preceded by
  `<!-- replay: STEM -->`: it runs with `article_text` (the bundled article STEM),
  `reference_cassette` (the path of that article's reference cassette), and every model
  call made without `client=` answered from that cassette. A block that cannot run offline
  is preceded by `<!-- not-run: REASON -->` and is only compiled. Either way, what a block
  imports from `summarizer` must be public (`summarizer` or `summarizer.testing`, and a
  name in its `__all__`).
- `sh` blocks: every `summarizer ...` line parses against the real command line (the
  command exists, answers `--help`, and takes those options and arguments), every `make`
  target exists in the Makefile, every script run with `python` exists, and any other
  program is one of `OTHER_PROGRAMS`.
- `toml`, `json` and `yaml` blocks parse; `text` blocks are shown as they are.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import shlex
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

import httpx2
import openai
import pytest
import typer
from typer.core import TyperGroup

import summarizer
import summarizer.testing

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PUBLIC_MODULES = ("summarizer", "summarizer.testing")
# Where the model seems to be when a block runs: an address that can never resolve.
DOCS_BASE_URL = "http://docs.invalid/v1"
PYTHONS = ("python", "python3", ".venv/bin/python")
PYTESTS = ("pytest", ".venv/bin/pytest")
# Programs the pages show that are not this project's: servers to start, and tools.
OTHER_PROGRAMS = {"llama-server", "ollama", "vllm", "pip"}
OTHER_MODULES = {"pip", "vllm.entrypoints.openai.run_batch", "llama_cpp.server", "mkdocs"}
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,})(?P<lang>[\w+-]*)\s*$")
MARKER = re.compile(r"^<!--\s*(?P<kind>[\w-]+):\s*(?P<value>.*?)\s*-->$")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    lang: str
    code: str
    marker: tuple[str, str] | None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> Iterator[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    n = 0
    while n < len(lines):
        opening = FENCE.match(lines[n])
        if not opening:
            n += 1
            continue
        start, indent, fence = n, len(opening["indent"]), opening["fence"]
        n += 1
        body = []
        while n < len(lines) and lines[n].strip() != fence:
            body.append(lines[n][indent:])
            n += 1
        n += 1
        before = next((line.strip() for line in reversed(lines[:start]) if line.strip()), "")
        marker = MARKER.match(before)
        yield Block(
            page,
            start + 1,
            opening["lang"],
            "\n".join(body) + "\n",
            (marker["kind"], marker["value"]) if marker else None,
        )


ALL_BLOCKS = [block for page in PAGES for block in blocks(page)]


def of(*langs: str) -> list[pytest.param]:
    return [pytest.param(b, id=b.where) for b in ALL_BLOCKS if b.lang in langs]


def test_every_block_has_a_language_this_test_knows() -> None:
    known = {"python", "sh", "toml", "json", "yaml", "sql", "text"}
    unknown = [f"{b.where} ({b.lang or 'no language'})" for b in ALL_BLOCKS if b.lang not in known]
    assert not unknown, f"give each block one of {sorted(known)}: {unknown}"


def test_markers_are_only_on_python_blocks_and_spelled_right() -> None:
    wrong = [
        b.where
        for b in ALL_BLOCKS
        if b.marker and (b.lang != "python" or b.marker[0] not in ("replay", "not-run"))
    ]
    assert not wrong, "markers are <!-- replay: STEM --> and <!-- not-run: REASON -->: " + str(
        wrong
    )


# python --------------------------------------------------------------------------------


class SwitchTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """Answers from the current block's cassette; a block without one may not call out."""

    def __init__(self) -> None:
        self.current: httpx2.BaseTransport | None = None

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.current is None:
            return self.refused()
        return self.current.handle_request(request)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.current is None:
            return self.refused()
        assert isinstance(self.current, httpx2.AsyncBaseTransport)
        return await self.current.handle_async_request(request)

    @staticmethod
    def refused() -> httpx2.Response:
        # A 400 is never retried, so the block fails at once and says why.
        message = "a block that calls the model needs <!-- replay: STEM --> before it"
        return httpx2.Response(400, json={"error": {"message": message}})


# One for the process: summarizer keeps a client per endpoint, and so keeps this transport.
SWITCH = SwitchTransport()


class ReplayOpenAI(openai.OpenAI):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("http_client", httpx2.Client(transport=SWITCH))
        super().__init__(**kwargs)


class ReplayAsyncOpenAI(openai.AsyncOpenAI):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("http_client", httpx2.AsyncClient(transport=SWITCH))
        super().__init__(**kwargs)


def fixture_file(name: str, *, folder: str | None = None) -> Path:
    """A bundled fixture found by name, wherever the fixtures folders keep it."""
    found = [
        path
        for top in ("examples", "tests", "eval")
        for path in (ROOT / top).rglob(name)
        if folder is None or path.parent.name == folder
    ]
    assert found, f"no bundled {name}"
    assert len({path.read_bytes() for path in found}) == 1, f"{name}: which one? {found}"
    return found[0]


def public_imports(block: Block, tree: ast.AST) -> None:
    """What the block takes from summarizer is public; the docs name nothing else."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "summarizer":
            assert node.module in PUBLIC_MODULES, f"{block.where}: imports from {node.module}"
            exported = importlib.import_module(node.module).__all__
            for alias in node.names:
                assert alias.name in exported, f"{block.where}: {node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "summarizer":
                    assert alias.name in PUBLIC_MODULES, f"{block.where}: imports {alias.name}"
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "summarizer"
        ):
            public = {*summarizer.__all__, "testing", "__version__"}
            assert node.attr in public, f"{block.where}: summarizer.{node.attr}"


@pytest.mark.parametrize("block", of("python"))
def test_python_block_runs(block: Block, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    tree = ast.parse(block.code, filename=block.where)
    public_imports(block, tree)
    code = compile(tree, block.where, "exec")
    if block.marker and block.marker[0] == "not-run":
        assert block.marker[1], f"{block.where}: say why the block cannot run"
        return

    namespace: dict[str, object] = {"__name__": "__docs__"}
    SWITCH.current = None
    if block.marker:
        stem = block.marker[1]
        cassette = fixture_file(f"{stem}.json", folder="reference")
        namespace["article_text"] = fixture_file(f"{stem}.txt").read_text(encoding="utf-8")
        namespace["reference_cassette"] = cassette
        SWITCH.current = summarizer.testing.cassette_transport(cassette, record=False)
    monkeypatch.setattr(openai, "OpenAI", ReplayOpenAI)
    monkeypatch.setattr(openai, "AsyncOpenAI", ReplayAsyncOpenAI)
    monkeypatch.setenv("SUMMARIZER_BASE_URL", DOCS_BASE_URL)
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)  # what a block writes (a database, a page) lands here
    try:
        exec(code, namespace)
    finally:
        SWITCH.current = None


# sh ------------------------------------------------------------------------------------


def command_lines(code: str) -> Iterator[list[str]]:
    """Each command of a shell block as words: comments, continuations and leading
    VAR=value settings taken off."""
    for line in code.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        while words and re.fullmatch(r"[A-Za-z_]\w*=\S*", words[0]):
            words.pop(0)
        if words:
            yield words


@cache
def command_line() -> tuple[TyperGroup, Callable[[list[str]], int]]:
    """The installed `summarizer` command: its group of commands and its entry point."""
    (script,) = entry_points(group="console_scripts", name="summarizer")
    main = script.load()
    module = sys.modules[main.__module__]
    (app,) = [
        value
        for value in vars(module).values()
        if isinstance(value, typer.Typer) and value.info.name == "summarizer"
    ]
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return group, main


def parse_summarizer(words: list[str], where: str, capsys: pytest.CaptureFixture) -> None:
    group, main = command_line()
    args = words[1:]
    if args and args[0] not in group.commands and args[0] != "--help":
        args.insert(0, "summarize")  # `summarizer ARTICLE` is short for `summarize ARTICLE`
    command: typer.core.TyperCommand | TyperGroup = group
    path: list[str] = []
    parent: typer.Context | None = None
    while isinstance(command, TyperGroup) and args and not args[0].startswith("-"):
        name = args.pop(0)
        parent = typer.Context(command, info_name=" ".join(["summarizer", *path]), parent=parent)
        sub = command.get_command(parent, name)
        assert sub is not None, f"{where}: no command `summarizer {' '.join([*path, name])}`"
        command, path = sub, [*path, name]
    assert main([*path, "--help"]) == 0, f"{where}: `summarizer {' '.join(path)} --help` failed"
    capsys.readouterr()
    try:
        command.make_context(" ".join(["summarizer", *path]), args, parent=parent)
    except typer.Exit as done:
        assert done.exit_code == 0, f"{where}: {' '.join(words)}"
    except typer.exceptions.TyperException as error:  # a usage error: no such option, ...
        pytest.fail(f"{where}: `{' '.join(words)}`: {error}")


@cache
def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


def check_command(words: list[str], where: str, capsys: pytest.CaptureFixture) -> None:
    program, args = words[0], words[1:]
    line = f"{where}: `{' '.join(words)}`"
    if program == "summarizer":
        parse_summarizer(words, where, capsys)
    elif program == "make":
        missing = {t for t in args if not t.startswith("-")} - make_targets()
        assert not missing, f"{line}: no make target {sorted(missing)}"
    elif program in PYTHONS and args[:1] == ["-m"]:
        module = args[1]
        if module.split(".")[0] == "summarizer":
            importlib.import_module(module)
        else:
            assert module in OTHER_MODULES, f"{line}: add {module} to OTHER_MODULES if it is meant"
    elif program in PYTHONS:
        assert (ROOT / args[0]).is_file(), f"{line}: no script {args[0]}"
    elif program in PYTESTS:
        paths = [a for a in args if "/" in a and not a.startswith("-")]
        assert all((ROOT / p).exists() for p in paths), f"{line}: a path does not exist"
    else:
        assert program in OTHER_PROGRAMS, f"{line}: add {program} to OTHER_PROGRAMS if it is meant"


@pytest.mark.parametrize("block", of("sh"))
def test_shell_block_commands_exist(block: Block, capsys: pytest.CaptureFixture) -> None:
    lines = list(command_lines(block.code))
    assert lines, f"{block.where}: an empty shell block"
    for words in lines:
        check_command(words, block.where, capsys)


# data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("block", of("toml", "json", "yaml"))
def test_data_block_parses(block: Block) -> None:
    if block.lang == "toml":
        tomllib.loads(block.code)
    elif block.lang == "json":
        json.loads(block.code)
    else:
        import yaml

        yaml.safe_load(block.code)


@pytest.fixture(scope="module")
def exported_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the seed article's reference summary, as export writes it."""
    from helpers.support import NO_WAIT, ReferenceEndpoint, article

    from summarizer import Database, summarize_many

    url = f"sqlite:///{tmp_path_factory.mktemp('docs') / 'agreements.db'}"
    endpoint = ReferenceEndpoint()
    items = [("interpol-1", article("interpol_tren_de_aragua"))]
    with Database(url) as database:
        for result in summarize_many(items, client=endpoint.async_client(), settings=NO_WAIT,
                                     cache=False):  # fmt: skip
            database.write(result)
    return url


@pytest.mark.parametrize("block", of("sql"))
def test_sql_block_runs_on_an_exported_database(block: Block, exported_database: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(exported_database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(block.code)).all()
    finally:
        engine.dispose()
    assert rows, f"{block.where}: the query found nothing in an exported summary"


# the pages as a whole ------------------------------------------------------------------


def test_the_api_reference_covers_exactly_the_public_names() -> None:
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    documented = re.findall(r"^::: summarizer\.(\S+)$", text, flags=re.MULTILINE)
    assert sorted(documented) == sorted([*summarizer.__all__, "testing"])


def test_every_error_the_pages_name_exists() -> None:
    public = {*summarizer.__all__, *summarizer.testing.__all__, "TypeError", "ValueError"}
    named = {m for page in PAGES for m in re.findall(r"\b\w+Error\b", page.read_text("utf-8"))}
    assert named <= public, sorted(named - public)


def test_the_readme_stays_short_and_keeps_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    shell = "".join(b.code for b in ALL_BLOCKS if b.page.name == "README.md" and b.lang == "sh")
    assert [words for words in command_lines(shell) if words[0] == "make"][:2] == [
        ["make", "demo"],
        ["make", "test"],
    ]
