"""One error tree; secrets redacted; the public names are all exported. (Every openai error
is translated: tests/model/test_failures.py.)"""

from __future__ import annotations

import inspect

import openai

import summarizer
from summarizer import _exceptions as errors


def test_every_error_is_a_summarizer_error_with_a_docstring() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.SummarizerError)
        if cls is not errors.SummarizerError:
            assert cls.__doc__ and cls.__doc__.startswith("Raised when"), name
        assert name in errors.__doc__, f"{name} is missing from the tree in the module docstring"


def test_no_name_shadows_a_dependency() -> None:
    import instructor.core.exceptions as instructor_errors

    ours = set(errors.__all__)
    assert not ours & {n for n in dir(openai) if n.endswith("Error")}
    assert not ours & {n for n in dir(instructor_errors) if n.endswith(("Error", "Exception"))}


def test_public_names_are_exported() -> None:
    public = {
        name
        for name in dir(summarizer)
        if not name.startswith("_") and not inspect.ismodule(getattr(summarizer, name))
    }
    assert set(summarizer.__all__) == public
    assert set(errors.__all__) <= set(summarizer.__all__)


def test_type_checkers_see_the_names_the_package_loads_lazily() -> None:
    import ast

    tree = ast.parse(inspect.getsource(summarizer))
    checking = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
    )
    seen = {
        (node.module, alias.name)
        for node in checking.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    homes = {(module, name) for name, module in summarizer._HOMES.items()}
    assert seen == homes
    assert set(summarizer._HOMES) == set(summarizer.__all__)


def test_redact_removes_keys_and_key_shapes() -> None:
    message = (
        "bad key sk-proj-abc123def456 for Bearer eyJhbGciOi.x, api_key=hunter2, SECRET-VALUE-1"
    )
    cleaned = errors.redact(message, "SECRET-VALUE-1")
    assert "abc123" not in cleaned and "eyJ" not in cleaned and "hunter2" not in cleaned
    assert "SECRET-VALUE-1" not in cleaned


def test_redact_leaves_short_placeholder_keys_alone() -> None:
    # "none" or "x" stand for no key at all; replacing them would garble bodies and messages.
    assert errors.redact("max_tokens exceeded", "x") == "max_tokens exceeded"
