"""Everything the cogs need, opened once in main() and hung on the bot. No discord import."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.heap import REFREEZE_AFTER_S, refreeze, thaw
from bot.pack.loader import ContentError, Problem, load_pack
from bot.pack.model import Pack
from bot.pack.refs import RefIndex
from bot.search import SearchEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Content:
    """One loaded pack and the indexes built from it; replaced whole on reload."""

    pack: Pack
    engine: SearchEngine
    refs: RefIndex
    directory: Path | None

    @classmethod
    def load(cls, directory: Path | None) -> Content:
        """Load, validate and index; raises ContentError listing every problem."""
        pack = load_pack(directory)
        return cls(pack, SearchEngine.build(pack), RefIndex(pack), directory)


class ContentHolder:
    """The content in service, swapped atomically; a broken pack keeps the old one serving."""

    def __init__(self, content: Content) -> None:
        self.current = content
        self._lock = asyncio.Lock()

    async def reload(self, directory: Path | None = None) -> list[Problem]:
        """Reload from `directory` (default: the same); returns the errors, empty on success."""
        async with self._lock:
            target = directory if directory is not None else self.current.directory
            try:
                fresh = await asyncio.to_thread(Content.load, target)
            except ContentError as exc:
                for problem in exc.problems:
                    log.error("content reload refused: %s", problem)
                return exc.problems
            self.current = fresh
            del fresh
            if thaw():  # the old content must be collectable, not left frozen (bot/heap.py)
                asyncio.get_running_loop().call_later(REFREEZE_AFTER_S, refreeze)
            log.info(
                "content reloaded",
                extra={
                    "sections": len(self.current.pack.sections),
                    "facts": len(self.current.pack.facts),
                },
            )
            return []
