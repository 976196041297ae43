"""Buttons that keep their state in the custom id (discord.py DynamicItem), so they still
work after a restart. Presses from someone other than the asker get a private explanation."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.app import answer_privately
from bot.pack.compare import compare
from bot.replies import custom_ids
from bot.replies.compare import compare_reply
from bot.replies.search import library_search_reply
from bot.replies.section import section_reply
from bot.storage.usage import EventKind
from cogs.common import bot_of, edit_reply, server_edition

if TYPE_CHECKING:
    from bot.app import BluebookBot

log = logging.getLogger(__name__)

NOT_YOURS = "These buttons belong to the person who asked. Run the command yourself to browse."
EXPIRED = "This button has expired. Please run the command again."


async def _guard(interaction: discord.Interaction, owner: int) -> bool:
    if owner and interaction.user.id != owner:
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        return False
    return True


async def _fail(interaction: discord.Interaction, exc: Exception) -> None:
    log.error(
        "button failed",
        exc_info=exc,
        extra={"custom_id": interaction.data and interaction.data.get("custom_id")},
    )
    await answer_privately(
        interaction, "Something went wrong on our side. It has been logged; please try again."
    )


def _not_sent(interaction: discord.Interaction, exc: Exception) -> None:
    """Discord refused or did not take the answer in time: a log line, no second answer.

    A 400 means we sent something Discord does not accept (our bug): logged as an error with
    the traceback. Anything else (a timeout, 404 unknown interaction, 5xx) is a warning."""
    extra = {
        "custom_id": interaction.data and interaction.data.get("custom_id"),
        "error": type(exc).__name__,
    }
    if isinstance(exc, discord.HTTPException):
        extra.update(status=exc.status, code=exc.code, text=exc.text[:200])
        if exc.status == 400:
            log.error("button answer refused by Discord", exc_info=exc, extra=extra)
            return
    log.warning("button answer not sent", extra=extra)


class SearchButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=custom_ids.SEARCH):
    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SearchButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await bot_of(interaction).turns.turn()
        match = custom_ids.SEARCH.fullmatch(self.custom_id)
        if match is None or not await _guard(interaction, int(match["owner"])):
            return
        bot = bot_of(interaction)
        try:
            query = custom_ids.query_from_token(match["query"])
            if query is None:
                await interaction.response.send_message(EXPIRED, ephemeral=True)
                return
            content = bot.content.current
            # Ids made before the library carry no pack: the server's edition.
            key = match["pack"] or await server_edition(interaction)
            key = content.edition(key).key
            with bot.track(interaction, EventKind.BUTTON, "search", query) as tracker:
                response = content.search(query, key=key, limit=int(match["limit"]))
                index = int(match["index"])
                chosen = response.results[index] if index < len(response.results) else None
                tracker.result(
                    chosen.result.ref if chosen else None,
                    len(response.results),
                    chosen.key if chosen else key,
                )
                reply = library_search_reply(
                    {k: e.pack for k, e in content.editions.items()},
                    response,
                    owner=int(match["owner"]),
                    index=index,
                    whole=match["verb"] == "w",
                )
            await edit_reply(interaction, reply)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            _not_sent(interaction, exc)
        except Exception as exc:
            await _fail(interaction, exc)


class SectionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=custom_ids.SECTION):
    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SectionButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await bot_of(interaction).turns.turn()
        match = custom_ids.SECTION.fullmatch(self.custom_id)
        if match is None or not await _guard(interaction, int(match["owner"])):
            return
        bot = bot_of(interaction)
        try:
            content = bot.content.current
            pack_key = match["pack"] or await server_edition(interaction)
            if pack_key not in content.editions:
                await interaction.response.send_message(EXPIRED, ephemeral=True)
                return
            edition = content.edition(pack_key)
            with bot.track(interaction, EventKind.BUTTON, "section", match["ref"]) as tracker:
                found = edition.refs.resolve(match["ref"])
                if found.section is None:
                    tracker.result(None, 0, edition.key)
                    await interaction.response.send_message(EXPIRED, ephemeral=True)
                    return
                tracker.result(match["ref"], 1, edition.key)
                reply = section_reply(
                    edition.pack,
                    found.section,
                    owner=int(match["owner"]),
                    page=int(match["page"]),
                    paragraph=found.paragraph,
                    key=edition.key,
                )
            await edit_reply(interaction, reply)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            _not_sent(interaction, exc)
        except Exception as exc:
            await _fail(interaction, exc)


class CompareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=custom_ids.COMPARE):
    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CompareButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await bot_of(interaction).turns.turn()
        match = custom_ids.COMPARE.fullmatch(self.custom_id)
        if match is None or not await _guard(interaction, int(match["owner"])):
            return
        bot = bot_of(interaction)
        try:
            content = bot.content.current
            before, after = match["before"], match["after"]
            if before not in content.editions or after not in content.editions:
                await interaction.response.send_message(EXPIRED, ephemeral=True)
                return
            old, new = content.edition(before).pack, content.edition(after).pack
            with bot.track(interaction, EventKind.BUTTON, "compare", match["ref"]) as tracker:
                found = compare(before, old, after, new, match["ref"])
                if found is None:
                    tracker.result(None, 0, after)
                    await interaction.response.send_message(EXPIRED, ephemeral=True)
                    return
                tracker.result(found.ref, len(found.paragraphs), after)
                reply = compare_reply(
                    found, old, new, owner=int(match["owner"]), page=int(match["page"])
                )
            await edit_reply(interaction, reply)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            _not_sent(interaction, exc)
        except Exception as exc:
            await _fail(interaction, exc)


def dynamic_item_for(custom_id: str, button: discord.ui.Button[Any]) -> discord.ui.Item[Any]:
    if custom_ids.SEARCH.fullmatch(custom_id):
        return SearchButton(button)
    if custom_ids.SECTION.fullmatch(custom_id):
        return SectionButton(button)
    if custom_ids.COMPARE.fullmatch(custom_id):
        return CompareButton(button)
    return button


async def setup(bot: BluebookBot) -> None:
    bot.add_dynamic_items(SearchButton, SectionButton, CompareButton)
