"""Buttons as typed state: discord.py DynamicItems whose custom id is parsed once.

`from_custom_id` turns the id into a `SearchState`, `SectionState` or `CompareState`
(bot/replies/custom_ids.py); `interaction_check` answers a press from someone other than the
asker privately; the callback runs on the one interaction path (bot/exchange.py), which
admits it, counts it in flight (shutdown waits for it) and logs its usage event.

A state's `pack` names the edition it reads; an id without one (made before the library)
reads the server's edition. A pack no longer in the library makes the button say it expired.

discord.py runs a DynamicItem only when the pressed button is still on the message that came
with the press. Discord sends the message as it is *now*, so a second quick press, on a
button the first press's edit has just replaced, would be dropped without an answer, a log
line or a usage event. `answer_any_press` answers those: by the custom id, as the item would,
or, for an id no item knows, by saying the button has expired.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.app import answer_privately
from bot.exchange import current_exchange, interaction_path
from bot.pack.compare import compare
from bot.replies.compare import compare_reply
from bot.replies.custom_ids import (
    COMPARE,
    SEARCH,
    SECTION,
    CompareState,
    SearchState,
    SectionState,
)
from bot.replies.search import library_search_reply
from bot.replies.section import section_reply
from cogs.common import bot_of, edit_reply, edition_of, keep_long_query

if TYPE_CHECKING:
    from bot.app import BluebookBot

log = logging.getLogger(__name__)

NOT_YOURS = "These buttons belong to the person who asked. Run the command yourself to browse."
EXPIRED = "This button has expired. Please run the command again."


async def _owner_only(interaction: discord.Interaction, owner: int) -> bool:
    if owner and interaction.user.id != owner:
        await answer_privately(interaction, NOT_YOURS)
        return False
    return True


def _button(item: discord.ui.Item[Any]) -> discord.ui.Button[Any]:
    if not isinstance(item, discord.ui.Button):
        raise TypeError(f"expected a button, got {type(item).__name__}")
    return item


class SearchButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SEARCH):
    """Pages through search results, or shows the whole paragraph of one."""

    def __init__(self, state: SearchState, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SearchButton:
        return cls(SearchState.from_match(match), _button(item))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _owner_only(interaction, self.state.owner)

    @interaction_path(command="search")
    async def callback(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        state = self.state
        edition = await edition_of(interaction, state.pack)
        query = state.query
        if query is None and state.token is not None and bot.button_queries is not None:
            # Only the owner, in the guild the search was made in, gets the query back.
            stored = await bot.button_queries.recall(
                state.token, owner=interaction.user.id, guild=interaction.guild_id
            )
            query = stored.query if stored is not None and stored.pack == state.pack else None
        exchange = current_exchange()
        if query is None or edition is None:
            exchange.result(None, 0)
            await interaction.response.send_message(EXPIRED, ephemeral=True)
            return
        exchange.query = query
        content = bot.content.current
        response = content.search(query, key=edition.key, limit=state.limit)
        index = state.index
        chosen = response.results[index] if index < len(response.results) else None
        exchange.result(
            chosen.result.ref if chosen else None,
            len(response.results),
            chosen.key if chosen else edition.key,
        )
        token = await keep_long_query(
            bot, response.query, pack=response.key, owner=state.owner, guild=interaction.guild_id
        )
        reply = library_search_reply(
            {k: e.pack for k, e in content.editions.items()},
            response,
            owner=state.owner,
            index=index,
            whole=state.whole,
            token=token,
        )
        await edit_reply(interaction, reply)


class SectionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SECTION):
    """Turns a section's pages, or moves to the previous or next section."""

    def __init__(self, state: SectionState, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SectionButton:
        return cls(SectionState.from_match(match), _button(item))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _owner_only(interaction, self.state.owner)

    @interaction_path(command="section")
    async def callback(self, interaction: discord.Interaction) -> None:
        state = self.state
        exchange = current_exchange()
        exchange.query = state.ref
        edition = await edition_of(interaction, state.pack)
        found = edition.refs.resolve(state.ref) if edition is not None else None
        if edition is None or found is None or found.section is None:
            exchange.result(None, 0)
            await interaction.response.send_message(EXPIRED, ephemeral=True)
            return
        exchange.result(state.ref, 1, edition.key)
        reply = section_reply(
            edition.pack,
            found.section,
            owner=state.owner,
            page=state.page,
            paragraph=found.paragraph,
            pack_key=edition.key,
        )
        await edit_reply(interaction, reply)


class CompareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=COMPARE):
    """Turns the pages of a /compare answer between its two editions."""

    def __init__(self, state: CompareState, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CompareButton:
        return cls(CompareState.from_match(match), _button(item))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _owner_only(interaction, self.state.owner)

    @interaction_path(command="compare")
    async def callback(self, interaction: discord.Interaction) -> None:
        state = self.state
        exchange = current_exchange()
        exchange.query = state.ref
        editions = bot_of(interaction).content.current.editions
        old, new = editions.get(state.before), editions.get(state.after)
        found = (
            compare(state.before, old.pack, state.after, new.pack, state.ref)
            if old is not None and new is not None
            else None
        )
        if old is None or new is None or found is None:
            exchange.result(None, 0, state.after)
            await interaction.response.send_message(EXPIRED, ephemeral=True)
            return
        exchange.result(found.ref, len(found.paragraphs), state.after)
        reply = compare_reply(found, old.pack, new.pack, owner=state.owner, page=state.page)
        await edit_reply(interaction, reply)


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


@interaction_path(command="button")
async def _expired(interaction: discord.Interaction) -> None:
    current_exchange().result(None, 0)
    await interaction.response.send_message(EXPIRED, ephemeral=True)


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
    await _expired(interaction)


async def setup(bot: BluebookBot) -> None:
    bot.add_dynamic_items(SearchButton, SectionButton, CompareButton)
    bot.add_listener(answer_any_press, "on_interaction")
