"""Which server we talk to, and the structured-output request shape it accepts.

Every backend gets the reply's JSON schema as a constraint, in the form it understands:

- openai: `json_schema`, nested, `strict: true`, with a strict-ready schema
  (mode "json_schema_strict");
- llama.cpp, vllm, ollama and any other openai-compatible server: `json_schema` with the
  schema nested under `json_schema.schema`, not strict (mode "json_schema");
- llama-cpp-python: `json_object` with a flat `schema`, its only grammar path
  (mode "json_object_schema").

llama-server reads only the nested `json_schema.schema` (a flat one is silently ignored);
Ollama maps the nested schema to its `format`; vLLM accepts the nested form natively.
"""

from __future__ import annotations

import copy
from typing import Any

from .._types import Backend

__all__ = ["mode_name", "response_format", "strict_schema"]

# Keywords OpenAI's strict mode is not documented to accept; pydantic still enforces them.
_NOT_FOR_STRICT = ("maxLength", "minLength")


def mode_name(backend: Backend) -> str:
    """The name `meta.mode` records for a backend's request shape."""
    if backend == "openai":
        return "json_schema_strict"
    if backend == "llama-cpp-python":
        return "json_object_schema"
    return "json_schema"


def response_format(backend: Backend, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The `response_format` request field for `backend`, constraining replies to `schema`."""
    if backend == "openai":
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": strict_schema(schema), "strict": True},
        }
    if backend == "llama-cpp-python":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` that meets OpenAI's strict rules: closed objects, all keys required."""
    strict = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
                node["required"] = list(node["properties"])
            for keyword in _NOT_FOR_STRICT:
                node.pop(keyword, None)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(strict)
    return strict
