"""YAML loading that keeps line numbers, so content errors can say `file:line`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass
class Located:
    """A loaded YAML value with its line (1-based) and those of its keys and items."""

    value: Any
    line: int
    key_lines: dict[str, int]
    items: list[Located]
    fields: dict[str, Located]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _walk(node: yaml.Node, value: Any) -> Located:
    line = node.start_mark.line + 1
    key_lines: dict[str, int] = {}
    items: list[Located] = []
    fields: dict[str, Located] = {}
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_lines[key] = key_node.start_mark.line + 1
            if key_node.value in value:
                fields[key] = _walk(value_node, value[key_node.value])
    elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        items = [_walk(n, v) for n, v in zip(node.value, value, strict=False)]
    return Located(value, line, key_lines, items, fields)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RefusedYAML(yaml.MarkedYAMLError):
    """Valid YAML that a content file may not use (an alias, absurd nesting)."""


def _refuse_aliases(text: str) -> None:
    """Content files are plain data: an alias (`*name`) could make one entry refer to
    itself, which no check could walk, or blow a small file up into a huge one."""
    if "*" not in text:
        return  # no alias without a '*': the common case costs one scan of the text
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            mark: Any = event.start_mark  # libyaml's Mark: the same line and column
            raise RefusedYAML(
                problem=f"aliases (*{event.anchor}) are not allowed in content files; "
                "write the value out",
                problem_mark=mark,
            )


def load_located(text: str) -> Located:
    """Parse one YAML document safely; raises yaml.YAMLError with a mark on bad YAML."""
    _refuse_aliases(text)
    # libyaml's loader when built with it: the same nodes and marks, several times faster,
    # which matters for a library of many packs.
    loader = _LOADER(text)
    node: yaml.Node | None = None
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, 1, {}, [], {})
        value = loader.construct_document(node)
        return _walk(node, value)
    except RecursionError:
        raise RefusedYAML(
            problem="nested too deep for a content file",
            problem_mark=node.start_mark if node is not None else None,
        ) from None
    finally:
        loader.dispose()


def error_line(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def error_text(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        return f"bad YAML: {problem}" + (f" ({context})" if context else "")
    return f"bad YAML: {exc}"
