"""Plain-data views of the pack, the shapes scripts rely on (`--json`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from bot.pack.model import Fact, Pack, Paragraph, Section


def outline(packs: Iterable[Pack]) -> Iterator[tuple[int, Section]]:
    """Every heading of `packs` in reading order, with its depth: a chapter is 0 and a
    heading is one deeper than the heading it is under. Not its level: levels skip (an `A`
    may hold an `(a)` with no `(A)` between, a column sits under any heading)."""
    for pack in packs:
        yield from _under(pack.root, 0)


def _under(section: Section, depth: int) -> Iterator[tuple[int, Section]]:
    yield depth, section
    for child in section.children:
        yield from _under(child, depth + 1)


def toc_node(section: Section) -> dict[str, Any]:
    return {
        "ref": section.ref,
        "title": section.title,
        "level": section.level,
        "children": [toc_node(child) for child in section.children],
    }


def toc_json(packs: Iterable[Pack]) -> list[dict[str, Any]]:
    """The outline of each of `packs` (the chapters of an edition), in order."""
    return [toc_node(pack.root) for pack in packs]


def section_json(
    pack: Pack, section: Section, paragraph: Paragraph | None = None
) -> dict[str, Any]:
    paragraphs = [paragraph] if paragraph else list(section.all_paragraphs())
    return {
        "ref": paragraph.ref if paragraph else section.ref,
        "title": section.title,
        "path": section.path,
        "paragraphs": [{"ref": p.ref, "text": p.text} for p in paragraphs],
        "notes": [
            {"ref": s.ref, "kind": n.kind, "label": n.label, "text": n.text}
            for s in ([section] if paragraph else list(section.walk()))
            for n in s.notes
        ],
        "source_url": pack.source_url(section),
    }


def fact_json(fact: Fact) -> dict[str, Any]:
    return {
        "id": fact.id,
        "headline": fact.headline,
        "quote": fact.quote,
        "ref": fact.ref,
        "tags": list(fact.tags),
    }
