"""The package's shape, kept by a test: modules a reader can take in at one sitting,
functions short enough to follow, and examples that use only the public API."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "summarizer"
MAX_MODULE_LINES = 400
# Counted from the first line of the body: typer's option declarations in a command's
# signature are not logic to follow.
MAX_FUNCTION_LINES = 60


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_under_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in modules()
        if (lines := path.read_text(encoding="utf-8").count("\n")) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_every_function_body_is_under_60_lines() -> None:
    long = {}
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = (node.end_lineno or node.lineno) - node.body[0].lineno + 1
                if body > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = body
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_examples_use_only_the_public_api() -> None:
    private = []
    for path in sorted((ROOT / "examples").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("summarizer."):
                if any(part.startswith("_") for part in (node.module or "").split(".")):
                    private.append(f"{path.name}: from {node.module}")
            elif isinstance(node, ast.Import):
                private += [
                    f"{path.name}: import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("summarizer._")
                ]
    assert not private, f"examples import private modules: {private}"


def test_no_module_imports_through_the_facade() -> None:
    """The facade loads modules by name on first use, which import-linter cannot see: a
    module importing from `summarizer` itself would hide an import across the layers."""
    through_facade = []
    for path in modules():
        if path.name == "__main__.py" or path == PACKAGE / "__init__.py":
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts if parts[-1] == "__init__" else parts[:-1]
        package = [p for p in package if p != "__init__"]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                names = [alias.name for alias in node.names]
                if target == "summarizer" and not all(n.startswith("_") for n in names):
                    through_facade.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(a.name == "summarizer" for a in node.names):
                through_facade.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not through_facade, f"imports through the facade: {through_facade}"
