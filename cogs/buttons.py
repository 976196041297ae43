"""Buttons as typed state: discord.py DynamicItems whose custom id is parsed once.

`from_custom_id` turns the id into a `SearchState`, `SectionState` or `CompareState`
(bot/replies/custom_ids.py). Each item mixes in `PathButton` (bot/interactions/path.py):
its `interaction_check` admits the press and answers someone other than the asker
privately; its `callback` counts the press in flight (shutdown waits for it), gives it its
turn, runs the item's `answer` and logs the usage event.

A state's `pack` names the edition it reads; an id without one (made before the library)
reads the server's edition. A pack no longer in the library (a reload took it away) makes the
button say which edition is no longer held and which command to run again.

discord.py runs a DynamicItem only when the pressed button is still on the message that came
with the press. Discord sends the message as it is *now*, so a second quick press, on a
button the first press's edit has just replaced, would be dropped without an answer, a log
line or a usage event. `answer_any_press` answers those: by the custom id, as the item would,
or, for an id no item knows, by saying the button has expired.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import discord

from bot.interactions.exchange import current_exchange
from bot.interactions.path import PRESS, PathButton
from bot.interactions.sending import respond
from bot.replies.common import Reply, error_reply
from bot.replies.compare import OVERVIEW_REF, changes_reply, compare_reply
from bot.replies.custom_ids import (
    COMPARE,
    SEARCH,
    SECTION,
    CompareState,
    SearchState,
    SectionState,
)
from bot.replies.errors import EXPIRED, TEXT_CHANGED, pack_gone_reply
from bot.replies.search import library_search_reply
from bot.replies.section import section_reply
from cogs.common import bot_of, keep_long_query, pack_named

if TYPE_CHECKING:
    from bot.app import BluebookBot

log = logging.getLogger(__name__)


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
        exchange = current_exchange()
        served = await pack_named(interaction, state.pack_key)
        if served is None:
            exchange.result(None, 0)
            await respond(interaction, _gone(interaction, [state.pack_key], "/search"))
            return
        library = bot.library.current
        if state.stamp and state.stamp != library.text_stamp:
            # A reload changed the text: these results may no longer be the message's.
            exchange.result(None, 0)
            await respond(interaction, error_reply(TEXT_CHANGED))
            return
        query = state.query
        if query is None and state.token is not None and bot.button_queries is not None:
            # Only the owner, in the guild the search was made in, gets the query back.
            stored = await bot.button_queries.recall(
                state.token, owner=interaction.user.id, guild=interaction.guild_id
            )
            query = (
                stored.query if stored is not None and stored.pack_key == state.pack_key else None
            )
        if query is None:
            exchange.result(None, 0)
            await respond(interaction, error_reply(EXPIRED))
            return
        exchange.query = query
        response = library.search(query, pack_key=served.pack_key, limit=state.limit)
        index = state.position
        chosen = response.results[index] if index < len(response.results) else None
        exchange.result(
            chosen.result.ref if chosen else None,
            len(response.results),
            chosen.pack_key if chosen else served.pack_key,
        )
        token = await keep_long_query(
            bot,
            response.query,
            pack_key=response.pack_key,
            owner=state.owner,
            guild=interaction.guild_id,
        )
        reply = library_search_reply(
            {k: p.pack for k, p in library.packs.items()},
            response,
            owner=state.owner,
            index=index,
            whole=state.whole,
            token=token,
            stamp=library.text_stamp,
            reading=(await bot.library.for_guild(interaction.guild_id)).year,
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
        served = await pack_named(interaction, state.pack_key)
        if served is None:
            exchange.result(None, 0)
            again = f"/section {state.ref}"
            await respond(interaction, _gone(interaction, [state.pack_key], again))
            return
        found = served.refs.resolve(state.ref)
        if found.section is None:
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
        library = bot_of(interaction).library.current
        packs = library.packs
        old, new = packs.get(state.before), packs.get(state.after)
        if old is None or new is None:
            exchange.result(None, 0, state.after)
            gone = [k for k in (state.before, state.after) if k not in packs]
            await respond(interaction, _gone(interaction, gone, "/compare"))
            return
        if state.ref == OVERVIEW_REF:
            changes = library.changes_between(state.before, state.after)
            exchange.result(None, len(changes.sections), state.after)
            pairs = library.library.compared_pairs(state.before, state.after)[1:]
            chapters = [packs[a].pack.manifest.chapter_number for _, a in pairs]
            reply = changes_reply(
                changes, old.pack, new.pack, owner=state.owner, page=state.page, chapters=chapters
            )
            await respond(interaction, reply, edit=True)
            return
        found = library.compare(state.before, state.after, state.ref)
        if found is None:
            exchange.result(None, 0, state.after)
            await respond(interaction, error_reply(EXPIRED))
            return
        exchange.result(found.ref, len(found.paragraphs), state.after)
        reply = compare_reply(found, old.pack, new.pack, owner=state.owner, page=state.page)
        await respond(interaction, reply, edit=True)


def _gone(interaction: discord.Interaction, pack_keys: list[str], again: str) -> Reply:
    """The answer to a button whose pack (or packs) a reload took away."""
    return pack_gone_reply(pack_keys, bot_of(interaction).library.current.years(), again=again)


BUTTONS: tuple[tuple[re.Pattern[str], type[SearchButton | SectionButton | CompareButton]], ...] = (
    (SEARCH, SearchButton),
    (SECTION, SectionButton),
    (COMPARE, CompareButton),
)


def _on_message(message: discord.Message | None, custom_id: str) -> bool:
    """Whether the message that came with a press carries the pressed button (then discord.py
    dispatches the press to its DynamicItem itself)."""
    if message is None:
        return False
    for row in message.components:
        for child in getattr(row, "children", [row]):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return False


class _UnknownPress(PathButton):
    """A press on an id no item of ours knows: answered that it has expired, on the path like
    any other press (admitted, counted in flight, logged)."""

    command = "button"
    state = SimpleNamespace(owner=0)

    async def answer(self, interaction: discord.Interaction) -> None:
        current_exchange().result(None, 0)
        await respond(interaction, error_reply(EXPIRED))


async def answer_any_press(interaction: discord.Interaction) -> None:
    """Answer a button press discord.py's view store would drop (see the module docstring)."""
    if interaction.type is not discord.InteractionType.component:
        return
    data: Any = interaction.data or {}
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str):
        return
    for pattern, factory in BUTTONS:
        match = pattern.fullmatch(custom_id)
        if match is None:
            continue
        if _on_message(interaction.message, custom_id):
            return  # discord.py runs the item
        log.info("press on a button no longer on its message", extra={"item": factory.__name__})
        item = await factory.from_custom_id(
            interaction, discord.ui.Button(custom_id=custom_id), match
        )
        if await item.interaction_check(interaction):
            await item.callback(interaction)
        return
    # The bot keeps no other views, so discord.py would drop this press too.
    log.info("press on a button no item knows")
    unknown = _UnknownPress()
    if await unknown.interaction_check(interaction):
        await unknown.callback(interaction)


async def setup(bot: BluebookBot) -> None:
    bot.add_dynamic_items(SearchButton, SectionButton, CompareButton)
    bot.add_listener(answer_any_press, f"on_{PRESS}")
