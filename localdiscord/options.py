"""Typed interaction options built from a registered command's schema (the bot's PUT body).

So `slash("search", {"query": "GCAP"})` sends what Discord would: typed values, subcommand
nesting, `resolved` objects for users/channels/roles, and `focused` for autocomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from localdiscord.model import Json

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "y", "1", "on"}, {"false", "no", "n", "0", "off"}

OptionValues = Mapping[str, Any] | Sequence[Any] | str | None
# (option type, value) -> (id as str, resolved section name, resolved entries by id)
Resolver = Callable[[int, Any], tuple[str, dict[str, Json]]]


class OptionError(ValueError):
    """The options could not be sent from Discord's command bar (unknown, missing, invalid)."""


class UnknownCommand(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        listing = ", ".join(f"/{k}" for k in sorted(known)) or "none registered yet"
        super().__init__(f"unknown command /{name}; known commands: {listing}")
        self.name, self.known = name, known


def _is_container(option: Json) -> bool:
    return option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)


def descend(command: Json, path: Sequence[str]) -> tuple[list[Json], list[Json]]:
    """Follow subcommand words; returns (the leaf's option schemas, the nesting chain)."""
    schemas: list[Json] = command.get("options") or []
    chain: list[Json] = []
    for word in path:
        match = next((o for o in schemas if _is_container(o) and o["name"] == word), None)
        if match is None:
            names = [o["name"] for o in schemas if _is_container(o)]
            raise OptionError(f"/{command['name']} has no subcommand {word!r}; choose from {names}")
        chain.append(match)
        schemas = match.get("options") or []
    containers = [o["name"] for o in schemas if _is_container(o)]
    if containers:
        raise OptionError(f"/{' '.join([command['name'], *path])} needs a subcommand: {containers}")
    return schemas, chain


def _named(schemas: list[Json], values: OptionValues) -> dict[str, Any]:
    if values is None:
        return {}
    if isinstance(values, str):
        if not schemas:
            raise OptionError("this command takes no options")
        first = next((o for o in schemas if o.get("required")), schemas[0])
        return {first["name"]: values}
    if isinstance(values, Mapping):
        return dict(values)
    if len(values) > len(schemas):
        raise OptionError(f"{len(values)} values given for {len(schemas)} options")
    return {schema["name"]: value for schema, value in zip(schemas, values, strict=False)}


def _choice(schema: Json, value: Any) -> Any:
    choices = schema.get("choices") or []
    if not choices:
        return value
    for choice in choices:
        if value == choice["value"] or str(value) == str(choice["value"]):
            return choice["value"]
        if isinstance(value, str) and value.casefold() == choice["name"].casefold():
            return choice["value"]
    names = ", ".join(str(c["name"]) for c in choices)
    raise OptionError(f"{schema['name']}: Value must be one of ({names}).")


# Discord's client will not send these; its API answers 50035 with messages in this style.
def _number(schema: Json, value: Any) -> int | float:
    kind, name = schema["type"], schema["name"]
    number = _choice(schema, value)
    if isinstance(number, bool):
        raise OptionError(
            f"{name}: Value {str(value)!r} is not {'int' if kind == INTEGER else 'a number'}."
        )
    try:
        number = int(str(number).strip()) if kind == INTEGER else float(str(number).strip())
    except ValueError:
        what = "int" if kind == INTEGER else "a valid number"
        raise OptionError(f'{name}: Value "{value}" is not {what}.') from None
    low, high = schema.get("min_value"), schema.get("max_value")
    label = "int" if kind == INTEGER else "number"
    if low is not None and number < low:
        raise OptionError(f"{name}: {label} value should be greater than or equal to {low}.")
    if high is not None and number > high:
        raise OptionError(f"{name}: {label} value should be less than or equal to {high}.")
    return number


def _convert(
    schema: Json, value: Any, resolver: Resolver, resolved: dict[str, dict[str, Json]]
) -> Any:
    kind, name = schema["type"], schema["name"]
    if kind == STRING:
        text = str(_choice(schema, value))
        low, high = schema.get("min_length", 0), schema.get("max_length", 6000)
        if not low <= len(text) <= high:
            raise OptionError(f"{name}: Must be between {low} and {high} in length.")
        return text
    if kind in (INTEGER, NUMBER):
        return _number(schema, value)
    if kind == BOOLEAN:
        if isinstance(value, bool):
            return value
        word = str(value).strip().casefold()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise OptionError(f'{name}: Value "{value}" is not a boolean (True or False).')
    if kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        object_id, entries = resolver(kind, value)
        for section, items in entries.items():
            resolved.setdefault(section, {}).update(items)
        return object_id
    raise OptionError(f"{name}: option type {kind} is not supported by the local Discord")


def build_options(
    command: Json,
    path: Sequence[str],
    values: OptionValues,
    resolver: Resolver,
    *,
    focused: str | None = None,
) -> tuple[list[Json], dict[str, dict[str, Json]]]:
    """Options in Discord's interaction shape, plus the `resolved` map they refer to."""
    schemas, chain = descend(command, path)
    named = _named(schemas, values)
    by_name = {o["name"]: o for o in schemas}
    unknown = [n for n in named if n not in by_name]
    if unknown:
        raise OptionError(f"unknown option(s) {unknown}; this command has {list(by_name)}")
    if focused is not None and focused not in by_name:
        raise OptionError(f"unknown option {focused!r} to autocomplete; have {list(by_name)}")
    missing = [o["name"] for o in schemas if o.get("required") and o["name"] not in named]
    if focused is None and missing:
        raise OptionError(f"{', '.join(missing)}: This field is required.")
    resolved: dict[str, dict[str, Json]] = {}
    options: list[Json] = []
    for schema in schemas:  # Discord sends options in schema order
        name = schema["name"]
        if name not in named:
            continue
        if name == focused:
            # While typing Discord sends the raw text, whatever the option type.
            options.append(
                {"name": name, "type": schema["type"], "value": str(named[name]), "focused": True}
            )
            continue
        value = _convert(schema, named[name], resolver, resolved)
        options.append({"name": name, "type": schema["type"], "value": value})
    for container in reversed(chain):
        options = [{"name": container["name"], "type": container["type"], "options": options}]
    return options, resolved
