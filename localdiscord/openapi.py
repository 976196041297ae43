"""Validate request bodies against Discord's official OpenAPI 3.1 spec, when it is present.

The spec (1.2 MB) lives outside the project at `../shared/discord-openapi/openapi.json`
(or `$DISCORD_OPENAPI`). It is loaded once per process on first use, and one validator is
compiled per operation. Without the file every check is skipped.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:discord-openapi"
_PARAM = re.compile(r"\{[^}]+\}")
_lock = threading.Lock()

# (method, spec path) whose spec schema rejects a body discord.py genuinely sends.
# Empty so far: add an entry with a comment saying which field and why.
SPEC_ALLOWLIST: set[tuple[str, str]] = set()


def spec_path() -> Path:
    override = os.environ.get("DISCORD_OPENAPI")
    if override:
        return Path(override)
    return (
        Path(__file__).resolve().parents[2].parent / "shared" / "discord-openapi" / "openapi.json"
    )


class OpenApiSpec:
    """One loaded spec: maps stand-in routes to operations and validates their bodies."""

    def __init__(self, document: dict[str, Any]) -> None:
        _accept_integer_snowflakes(document)
        self._doc = document
        self._registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        patterns = []
        for path in document.get("paths", {}):
            segments = ("[^/]+" if "{" in seg else re.escape(seg) for seg in path.split("/"))
            regex = re.compile("^" + "/".join(segments) + "$")
            literal_segments = sum(1 for seg in path.split("/") if seg and "{" not in seg)
            patterns.append((literal_segments, path, regex))
        # Most literal segments first so `/messages/@original` beats `/messages/{message_id}`.
        patterns.sort(key=lambda p: -p[0])
        self._patterns = [(path, regex) for _, path, regex in patterns]
        self._validators: dict[tuple[str, str], Draft202012Validator | None] = {}

    def spec_path_for(self, route: str) -> str | None:
        concrete = _PARAM.sub("0", route)
        for path, regex in self._patterns:
            if regex.match(concrete):
                return path
        return None

    def _validator(self, method: str, route: str) -> Draft202012Validator | None:
        key = (method, route)
        if key in self._validators:
            return self._validators[key]
        validator = None
        path = self.spec_path_for(route)
        operation = self._doc["paths"].get(path, {}).get(method.lower()) if path else None
        content = (operation or {}).get("requestBody", {}).get("content", {})
        if (
            path is not None
            and "application/json" in content
            and (method, path) not in SPEC_ALLOWLIST
        ):
            pointer = "/".join(
                part.replace("~", "~0").replace("/", "~1")
                for part in (
                    "paths",
                    path,
                    method.lower(),
                    "requestBody",
                    "content",
                    "application/json",
                    "schema",
                )
            )
            validator = Draft202012Validator(
                {"$ref": f"{SPEC_URI}#/{pointer}"}, registry=self._registry
            )
        self._validators[key] = validator
        return validator

    def check(self, method: str, route: str, body: Any) -> list[str]:
        """Problems with a JSON body (or multipart payload_json); [] when fine or unknown."""
        validator = self._validator(method, route)
        if validator is None:
            return []
        error = best_match(validator.iter_errors(body))
        if error is None:
            return []
        # Inside anyOf/oneOf the deepest failure names the field that is actually wrong.
        # ("is not of type 'null'" is the uninteresting half of every nullable field.)
        deepest = max(
            _leaves(error), key=lambda e: (len(e.absolute_path), "'null'" not in e.message)
        )
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in deepest.absolute_path)
        message = deepest.message if len(deepest.message) <= 300 else deepest.message[:300] + "..."
        return [f"body{where} does not match the OpenAPI spec: {message}"]


def _accept_integer_snowflakes(document: dict[str, Any]) -> None:
    """Let snowflakes be integers too, in our in-memory copy of the spec.

    Discord accepts integer ids and discord.py sends them (message_reference ids,
    allowed_mentions users/roles, upload placeholders `attachments: [{"id": 0}]`);
    the spec types every snowflake as a decimal string.
    """
    schemas = document.get("components", {}).get("schemas", {})
    snowflake = schemas.get("SnowflakeType")
    if snowflake is not None:
        schemas["SnowflakeType"] = {"anyOf": [snowflake, {"type": "integer", "minimum": 0}]}


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    if not error.context:
        yield error
        return
    for child in error.context:
        yield from _leaves(child)


@cache
def _load(path: str) -> OpenApiSpec | None:
    file = Path(path)
    if not file.is_file():
        return None
    return OpenApiSpec(json.loads(file.read_text(encoding="utf-8")))


def load_spec() -> OpenApiSpec | None:
    """The process-wide spec, or None where the file is absent."""
    with _lock:
        return _load(str(spec_path()))
