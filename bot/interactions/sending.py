"""Sending a Reply to Discord: `respond` answers every interaction, `message_kwargs` is the
one place a Reply (plain data, bot/replies/common.py) becomes what discord.py sends.

Chat lookups and the fact-of-the-day post send through `message_kwargs` too, with the
message or channel they answer in. Every send carries no allowed mentions, and every call to
Discord is bounded by `deadline`.

An interaction's first answer (its callback) must reach Discord within 3 s of the
interaction, or Discord forgets it (404 10062). It is posted by us (bot/interactions/
callback.py: discord.py would retry a 5xx after 1 s and then 3 s, past that window), and
`first_answer` retries it sooner (`CALLBACK_RETRY_S`) within the window. A try that has hung
with only `HUNG_TRY_S` left in the window is given up and sent once more. A retry is safe
because Discord takes one callback per interaction: a 5xx or a hung try may still have
applied the first, and then the retry is refused with 40060 "already acknowledged", which
means the answer is there (`acknowledged`); later sends follow up.

A reply's embeds and buttons stay plain data up to this edge, and go out as they are: the
first answer as the callback's JSON, and what discord.py sends after it (follow-ups, chat
lookups, the fact of the day) through `message_kwargs`. Building `discord.Embed` and
`discord.ui.Button` objects per reply would cost about 50 µs of CPU more per answer
(`python -m bench.path_costs`: message_kwargs_us) for the same payload. So `PlainEmbed` is an
Embed whose documented `to_dict()` gives the reply's dict, and `PlainView` a View whose
components are the reply's rows; it is finished from the start, so discord.py keeps nothing
of it (our buttons are dispatched by the DynamicItems of cogs/buttons.py, which parse the id
when a button is pressed).
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol, cast

import aiohttp
import discord

from bot.interactions.callback import (
    CallbackRateLimited,
    Callbacks,
    CallbackServerError,
    components,
    deferral,
    message_callback,
)
from bot.interactions.exchange import exchange_of
from bot.interactions.limits import Limit
from bot.replies.common import Button, Reply

NO_MENTIONS = discord.AllowedMentions.none()


class _Options(Protocol):
    reply_timeout_s: float


class _Bounded(Protocol):
    @property
    def options(self) -> _Options: ...


class _Answering(_Bounded, Protocol):
    callbacks: Callbacks


# Discord forgets an interaction whose callback has not reached it within this (10062).
ANSWER_WINDOW_S = 3.0
# Waits before the next try of a callback that Discord answered with a 5xx (the last one
# repeats), each cut to the time left in the window; discord.py's own are 1 s, 3 s, 5 s, 7 s.
CALLBACK_RETRY_S = (0.2, 0.5, 1.0)
# A try that starts later than this before the window closes cannot arrive in time.
LAST_TRY_MARGIN_S = 0.05
# A try that Discord has not answered when only this long is left in the window is given up
# and sent again, if it has had at least this long itself: the new try then has as long to
# arrive. A callback takes milliseconds, and the burst bench's slowest first answers land
# well inside 2 s of the interaction, so a try that is merely slow under load is almost never
# cut; one that is cut but had landed is found by the retry's 40060.
HUNG_TRY_S = 1.0
# Discord's codes for a second callback to one interaction, and for one it has forgotten.
ALREADY_ACKNOWLEDGED = 40060
UNKNOWN_INTERACTION = 10062
# Set in `Interaction.extras` once Discord has the first answer (or its deferral): it is
# posted by us, so discord.py's `response.is_done()` does not know it.
ACKNOWLEDGED_KEY = "bluebook_acknowledged"


class AnswerWindowClosed(Exception):
    """Every try of an interaction's first answer within Discord's 3 s window met a 5xx, a 429
    or a broken connection, or was given up without an answer (`status` None for the last
    two)."""

    def __init__(self, tries: int, status: int | None) -> None:
        answer = "no answer" if status is None else str(status)
        super().__init__(f"Discord gave {answer} to {tries} tries within its 3 s window")
        self.tries = tries
        self.status = status


def acknowledged(interaction: discord.Interaction) -> bool:
    """True once Discord has the interaction's first answer (or its deferral)."""
    return interaction.response.is_done() or bool(interaction.extras.get(ACKNOWLEDGED_KEY))


class ReplyTimeout(TimeoutError):
    """Discord did not take one of our replies within BotOptions.reply_timeout_s."""

    def __init__(self, after_s: float) -> None:
        super().__init__(f"no answer from Discord in {after_s} s")
        self.after_s = after_s


def deadline(bot: _Bounded) -> Deadline:
    """A limit on one call to Discord (BotOptions.reply_timeout_s): `async with`."""
    return Deadline(bot.options.reply_timeout_s)


class Deadline(Limit):
    """A `Limit` of `after_s` (bot/interactions/limits.py) that raises ReplyTimeout (a
    TimeoutError) when it is reached; any other TimeoutError from inside passes through
    unchanged."""

    __slots__ = ("_limit_s",)

    def __init__(self, after_s: float) -> None:
        super().__init__(after_s)
        self._limit_s = after_s

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Our cancellation ended the body, or the body turned it into a TimeoutError of its
        # own after the limit expired (aiohttp does): either way, the limit was reached.
        ours = self._close(kind)
        if ours or (kind is not None and issubclass(kind, TimeoutError) and self.expired()):
            raise ReplyTimeout(self._limit_s) from None


class PlainEmbed(discord.Embed):
    """An embed that discord.py serialises, through its documented `to_dict()`, as the dict
    the reply built."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._data = data

    def to_dict(self) -> Any:
        return self._data


class PlainView(discord.ui.View):
    """A message's buttons as Discord's component rows, sent as the reply built them.

    discord.py reads a view it sends through the methods below, which a PlainView answers
    from its rows. It is finished from the start, so discord.py stores nothing and starts no
    timeout; and `View.__init__` (an id from the system's random source, a future, a walk of
    the view's items) is not run: it was the largest step of a reply after the search.
    """

    def __init__(self, rows: list[list[Button]]) -> None:  # no View.__init__: see above
        self._rows = components(rows)

    def to_components(self) -> list[dict[str, Any]]:
        return self._rows

    def has_components_v2(self) -> bool:
        return False

    def is_finished(self) -> bool:
        return True

    def is_dispatchable(self) -> bool:
        return False

    def is_persistent(self) -> bool:
        return False

    @property
    def timeout(self) -> float | None:
        return None

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        pass  # never asked of a finished view

    def __repr__(self) -> str:
        return f"<PlainView rows={len(self._rows)}>"


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

    A first answer that Discord answers with a 5xx, or not at all, is tried again within
    Discord's 3 s window (`first_answer`); AnswerWindowClosed when no try got through in it.
    The interaction's exchange (bot/interactions/exchange.py) is timed to the end of this
    send.
    """
    async with deadline(interaction.client):  # type: ignore[arg-type]
        if edit or not acknowledged(interaction):
            await first_answer(interaction, message_callback(reply, edit=edit), reply.files)
        else:
            kwargs = message_kwargs(reply)
            kwargs.setdefault("view", discord.utils.MISSING)
            await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)
    exchange = exchange_of(interaction)
    if exchange is not None:
        exchange.answered()


async def defer(interaction: discord.Interaction, *, ephemeral: bool) -> None:
    """Acknowledge `interaction` now (the user sees "thinking"); `respond` then follows up."""
    async with deadline(interaction.client):  # type: ignore[arg-type]
        await first_answer(interaction, deferral(ephemeral=ephemeral))


async def first_answer(
    interaction: discord.Interaction,
    body: dict[str, Any],
    files: Sequence[tuple[str, bytes]] = (),
) -> None:
    """Post `body` as `interaction`'s callback (bot/interactions/callback.py) until Discord
    takes it, trying again soon after a 5xx or a broken connection while the window lasts,
    after the wait a 429 names if it ends in the window, and once more in place of a try that
    has hung (HUNG_TRY_S).

    The window is counted from when the bot received the interaction (its exchange opened),
    else from now: never earlier than Discord's own, so no try that could land is skipped.
    A try that has had no answer with only HUNG_TRY_S left is cancelled (aiohttp closes its
    connection). A 40060 after a 5xx, a broken connection or a given-up try means that try
    had applied the answer: it counts as sent, and later sends follow up."""
    callbacks = cast(_Answering, interaction.client).callbacks
    exchange = exchange_of(interaction)
    now = time.perf_counter()
    window_end = (exchange.started if exchange is not None else now) + ANSWER_WINDOW_S
    status: int | None = None
    unsure = False  # an earlier try may have applied the answer (5xx, cut off, given up)
    tries = 0
    while True:
        wait = CALLBACK_RETRY_S[min(tries, len(CALLBACK_RETRY_S) - 1)]
        tries += 1
        give_up_in = window_end - HUNG_TRY_S - time.perf_counter()
        hung = Limit(give_up_in if give_up_in >= HUNG_TRY_S else None)
        try:
            async with hung:
                await callbacks.post(interaction, body, files)
            interaction.extras[ACKNOWLEDGED_KEY] = True
            return
        except TimeoutError:
            if not hung.expired():
                raise
            status, unsure = None, True
            continue  # no wait: the window's last HUNG_TRY_S is the new try's
        except CallbackServerError as exc:
            status, unsure = exc.status, True
        except CallbackRateLimited as exc:
            status, wait = 429, exc.retry_after  # not applied: Discord refused it
        except aiohttp.ClientConnectorError:
            status = None  # no connection: nothing was sent
        except aiohttp.ClientConnectionError:
            status, unsure = None, True  # cut off: it may have arrived
        except discord.HTTPException as exc:
            if not unsure:
                raise
            if exc.code == UNKNOWN_INTERACTION:
                # The window closed at Discord before ours (it counts from the interaction's
                # creation; ours from its arrival).
                raise AnswerWindowClosed(tries - 1, status) from exc
            if exc.code != ALREADY_ACKNOWLEDGED:
                raise
            interaction.extras[ACKNOWLEDGED_KEY] = True
            return
        left = window_end - time.perf_counter() - LAST_TRY_MARGIN_S
        if left <= 0 or (status == 429 and wait >= left):
            raise AnswerWindowClosed(tries, status)
        await asyncio.sleep(min(wait, left))
