"""Sending a Reply to Discord: `respond` answers every interaction, `message_kwargs` is the
one place a Reply (plain data, bot/replies/common.py) becomes what discord.py sends.

Chat lookups and the fact-of-the-day post send through `message_kwargs` too, with the
message or channel they answer in. Every send carries no allowed mentions, and every call to
Discord is bounded by `deadline`.

A reply's embeds and buttons stay plain data up to this edge, and go out as they are:
building `discord.Embed` and `discord.ui.Button` objects per reply costs about 50 µs of CPU
more per /search answer (`python -m bench.path_costs`: message_kwargs_us) for the same
payload. So `PlainEmbed` is an Embed whose documented `to_dict()` gives the reply's dict, and
`PlainView` a View whose components are the reply's rows; it is `stop()`ped at once, so
discord.py keeps nothing of it (our buttons are dispatched by the DynamicItems of
cogs/buttons.py, which parse the id when a button is pressed).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from typing import Any, Protocol

import discord

from bot.interactions.exchange import exchange_of
from bot.replies.common import Button, Reply

NO_MENTIONS = discord.AllowedMentions.none()
# Discord's button styles.
_STYLES = {"primary": 1, "secondary": 2, "success": 3, "danger": 4, "link": 5}


class _Options(Protocol):
    reply_timeout_s: float


class _Bounded(Protocol):
    @property
    def options(self) -> _Options: ...


class ReplyTimeout(TimeoutError):
    """Discord did not take one of our replies within BotOptions.reply_timeout_s."""

    def __init__(self, after_s: float) -> None:
        super().__init__(f"no answer from Discord in {after_s} s")
        self.after_s = after_s


@contextlib.asynccontextmanager
async def deadline(bot: _Bounded) -> AsyncIterator[None]:
    """A limit on one call to Discord (BotOptions.reply_timeout_s).

    Raises ReplyTimeout (a TimeoutError) when the limit is reached; any other TimeoutError
    from inside passes through unchanged."""
    after_s = bot.options.reply_timeout_s
    limit = asyncio.timeout(after_s)
    try:
        async with limit:
            yield
    except TimeoutError:
        if limit.expired():
            raise ReplyTimeout(after_s) from None
        raise


class PlainEmbed(discord.Embed):
    """An embed that discord.py serialises, through its documented `to_dict()`, as the dict
    the reply built."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._data = data

    def to_dict(self) -> Any:
        return self._data


class PlainView(discord.ui.View):
    """A message's buttons as Discord's component rows, sent as the reply built them."""

    def __init__(self, rows: list[list[Button]]) -> None:
        super().__init__(timeout=None)
        self._rows = [{"type": 1, "components": [_button(b) for b in row]} for row in rows]
        # Finished before it is sent, so discord.py stores nothing and starts no timeout.
        self.stop()

    def to_components(self) -> list[dict[str, Any]]:
        return self._rows


def _button(spec: Button) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": 2,
        "style": _STYLES["link" if spec.url else spec.style],
        "label": spec.label,
        "disabled": spec.disabled,
    }
    if spec.url:
        payload["url"] = spec.url
    else:
        payload["custom_id"] = spec.custom_id
    return payload


def message_kwargs(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for discord.py's send and edit calls; mentions never ping."""
    kwargs: dict[str, Any] = {
        "content": reply.content,
        "embeds": [PlainEmbed(e) for e in reply.embeds],
        "allowed_mentions": NO_MENTIONS,
    }
    if reply.buttons:
        kwargs["view"] = PlainView(reply.buttons)
    if reply.files:
        kwargs["files"] = [
            discord.File(io.BytesIO(data), filename=name) for name, data in reply.files
        ]
    return kwargs


async def respond(interaction: discord.Interaction, reply: Reply, *, edit: bool = False) -> None:
    """Answer `interaction` with `reply`: its answer, or a follow-up once it has been answered
    or deferred; with `edit`, replace the message the pressed button sits on.

    The interaction's exchange (bot/interactions/exchange.py) is timed to the end of this send.
    """
    kwargs = message_kwargs(reply)
    async with deadline(interaction.client):  # type: ignore[arg-type]
        if edit:
            kwargs.setdefault("view", None)
            await interaction.response.edit_message(**kwargs)
        elif interaction.response.is_done():
            kwargs.setdefault("view", discord.utils.MISSING)
            await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)
        else:
            await interaction.response.send_message(ephemeral=reply.ephemeral, **kwargs)
    exchange = exchange_of(interaction)
    if exchange is not None:
        exchange.answered()
