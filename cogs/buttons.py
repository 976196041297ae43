"""Buttons as typed state: discord.py DynamicItems whose custom id is parsed once.

`from_custom_id` turns the id into a `SearchState`, `SectionState` or `CompareState`
(bot/replies/custom_ids.py). Each item mixes in `PathButton` (bot/interactions/path.py):
its `interaction_check` admits the press and answers someone other than the asker
privately; its `callback` counts the press in flight (shutdown waits for it), gives it its
turn, runs the item's `answer` and logs the usage event.

A state's `pack` names the edition it reads; an id without one (made before the library)
reads the server's edition. A pack no longer in the library makes the button say it expired.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.interactions.exchange import current_exchange
from bot.interactions.path import PathButton
from bot.interactions.sending import respond
from bot.pack.compare import changes_between, compare
from bot.replies.common import error_reply
from bot.replies.compare import OVERVIEW_REF, changes_reply, compare_reply
from bot.replies.custom_ids import (
    COMPARE,
    SEARCH,
    SECTION,
    CompareState,
    SearchState,
    SectionState,
)
from bot.replies.errors import EXPIRED
from bot.replies.search import library_search_reply
from bot.replies.section import section_reply
from cogs.common import bot_of, keep_long_query, pack_named

if TYPE_CHECKING:
    from bot.app import BluebookBot


def _button(item: discord.ui.Item[Any]) -> discord.ui.Button[Any]:
    if not isinstance(item, discord.ui.Button):
        raise TypeError(f"expected a button, got {type(item).__name__}")
    return item


class SearchButton(PathButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=SEARCH):
    """Pages through search results, or shows the whole paragraph of one."""

    command = "search"

    def __init__(self, state: SearchState, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SearchButton:
        return cls(SearchState.from_match(match), _button(item))

    async def answer(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        state = self.state
        served = await pack_named(interaction, state.pack)
        query = state.query
        if query is None and state.token is not None and bot.button_queries is not None:
            stored = await bot.button_queries.recall(state.token)
            query = stored.query if stored is not None and stored.pack == state.pack else None
        exchange = current_exchange()
        if query is None or served is None:
            exchange.result(None, 0)
            await respond(interaction, error_reply(EXPIRED))
            return
        exchange.query = query
        library = bot.library.current
        response = library.search(query, pack_key=served.pack_key, limit=state.limit)
        index = state.index
        chosen = response.results[index] if index < len(response.results) else None
        exchange.result(
            chosen.result.ref if chosen else None,
            len(response.results),
            chosen.pack_key if chosen else served.pack_key,
        )
        await keep_long_query(bot, query, pack=response.pack_key, owner=state.owner)
        reply = library_search_reply(
            {k: p.pack for k, p in library.packs.items()},
            response,
            owner=state.owner,
            index=index,
            whole=state.whole,
        )
        await respond(interaction, reply, edit=True)


class SectionButton(PathButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=SECTION):
    """Turns a section's pages, or moves to the previous or next section."""

    command = "section"

    def __init__(self, state: SectionState, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SectionButton:
        return cls(SectionState.from_match(match), _button(item))

    async def answer(self, interaction: discord.Interaction) -> None:
        state = self.state
        exchange = current_exchange()
        exchange.query = state.ref
        served = await pack_named(interaction, state.pack)
        found = served.refs.resolve(state.ref) if served is not None else None
        if served is None or found is None or found.section is None:
            exchange.result(None, 0)
            await respond(interaction, error_reply(EXPIRED))
            return
        exchange.result(state.ref, 1, served.pack_key)
        reply = section_reply(
            served.pack,
            found.section,
            owner=state.owner,
            page=state.page,
            paragraph=found.paragraph,
            pack_key=served.pack_key,
        )
        await respond(interaction, reply, edit=True)


class CompareButton(PathButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=COMPARE):
    """Turns the pages of a /compare answer between its two editions."""

    command = "compare"

    def __init__(self, state: CompareState, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CompareButton:
        return cls(CompareState.from_match(match), _button(item))

    async def answer(self, interaction: discord.Interaction) -> None:
        state = self.state
        exchange = current_exchange()
        exchange.query = state.ref
        packs = bot_of(interaction).library.current.packs
        old, new = packs.get(state.before), packs.get(state.after)
        if state.ref == OVERVIEW_REF and old is not None and new is not None:
            changes = changes_between(state.before, old.pack, state.after, new.pack)
            exchange.result(None, len(changes.sections), state.after)
            reply = changes_reply(changes, old.pack, new.pack, owner=state.owner, page=state.page)
            await respond(interaction, reply, edit=True)
            return
        found = (
            compare(state.before, old.pack, state.after, new.pack, state.ref)
            if old is not None and new is not None
            else None
        )
        if old is None or new is None or found is None:
            exchange.result(None, 0, state.after)
            await respond(interaction, error_reply(EXPIRED))
            return
        exchange.result(found.ref, len(found.paragraphs), state.after)
        reply = compare_reply(found, old.pack, new.pack, owner=state.owner, page=state.page)
        await respond(interaction, reply, edit=True)


async def setup(bot: BluebookBot) -> None:
    bot.add_dynamic_items(SearchButton, SectionButton, CompareButton)
