"""The one path every interaction and every chat lookup takes on its way through the bot.

Slash commands, the message menu, autocomplete, buttons and keyword lookups in chat are all
cog callbacks decorated with `interaction_path` or `chat_path`. The path, in one place:

- admission: while the bot shuts down, new interactions get "I am restarting ..." and new
  chat lookups are left alone;
- option values of the wrong type or out of range get the usual short error;
- in-flight accounting (`bot.in_flight`), so shutdown waits for every kind, buttons too;
- fair turns on the event loop under load (bot/turns.py): interactions here, a chat message in
  its cog once it turns out to need a lookup;
- one `Exchange` (bot/tracking.py), timed until the answer's send has finished, failed or
  timed out, and logged as the usage event with that real outcome;
- the error path for our own bugs: a log line with context and the short private answer.

A callback reads its exchange with `current_exchange()` to say what it found.
tests/app/test_interaction_path.py checks that every cog callback is decorated.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import math
import types
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import aiohttp
import discord
from discord import app_commands

from bot.app import (
    RESTARTING,
    WENT_WRONG,
    ReplyTimeout,
    answer_privately,
    deadline,
    user_message_for,
)
from bot.replies.markdown import escape
from bot.storage.usage import EventKind, Outcome
from bot.tracking import Exchange

if TYPE_CHECKING:
    from bot.app import BluebookBot

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

MARK = "__bluebook_path__"

_current: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar(
    "bluebook_exchange", default=None
)
_OPTION = discord.AppCommandOptionType


def current_exchange() -> Exchange:
    """The exchange the running callback belongs to (a detached one outside the path)."""
    found = _current.get()
    if found is None:
        return Exchange(None, kind=EventKind.SLASH, command=None, **_NO_IDS)
    return found


_NO_IDS: dict[str, Any] = {"guild_id": None, "channel_id": None, "user_id": None}


def is_on_path(callback: Any) -> bool:
    """True if `callback` (a function or bound method) was decorated with one of the paths."""
    return bool(getattr(callback, MARK, False))


def _as_callback_of(func: Callable[..., Any], wrapper: Callable[..., Any]) -> Any:
    """`wrapper`, looking like `func` to discord.py.

    discord.py reads a command's parameters from the callback's signature and resolves
    string annotations (these modules use `from __future__ import annotations`) against the
    callback's `__globals__`. So the wrapper is rebuilt with the globals of the cog's module;
    its code uses only closure variables, never a global of this module."""
    rebuilt = types.FunctionType(
        wrapper.__code__, func.__globals__, func.__name__, None, wrapper.__closure__
    )
    functools.update_wrapper(rebuilt, func)
    setattr(rebuilt, MARK, True)
    return rebuilt


def interaction_path(*, command: str | None = None, query: str | None = None) -> Callable[[F], F]:
    """Decorate a callback that takes an Interaction (a cog method or a button's callback).

    `command` names it in the usage log (default: the app command's qualified name);
    `query` names the option whose value the usage log keeps as the query.
    """

    def decorate(func: F) -> F:
        run = _run_interaction

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            return await run(func, command, query, args, kwargs)

        return cast(F, _as_callback_of(func, wrapper))

    return decorate


def chat_path(*, command: str = "lookup") -> Callable[[F], F]:
    """Decorate a cog listener for chat (a Message, or a raw edit) that may answer lookups."""

    def decorate(func: F) -> F:
        run = _run_chat

        async def wrapper(cog: Any, event: Any) -> Any:
            return await run(func, command, cog, event)

        return cast(F, _as_callback_of(func, wrapper))

    return decorate


def _interaction_of(args: tuple[Any, ...]) -> discord.Interaction:
    for arg in args[:2]:
        if isinstance(arg, discord.Interaction):
            return arg
    raise TypeError("an interaction_path callback takes an Interaction first (after self)")


async def _run_interaction(
    func: Callable[..., Awaitable[Any]],
    command: str | None,
    query_option: str | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    interaction = _interaction_of(args)
    bot = cast("BluebookBot", interaction.client)
    itype = interaction.type
    autocomplete = itype is discord.InteractionType.autocomplete
    if autocomplete:
        kind = EventKind.AUTOCOMPLETE
    elif itype is discord.InteractionType.component:
        kind = EventKind.BUTTON
    else:
        kind = EventKind.SLASH
    if not autocomplete:
        if not bot.accepting:
            await answer_privately(interaction, RESTARTING)
            return None
        if kind is EventKind.SLASH and kwargs:
            problem = _invalid_option(interaction.command, kwargs)
            if problem is not None:
                await answer_privately(interaction, problem)
                return None
    name = command
    if name is None and interaction.command is not None:
        name = interaction.command.qualified_name
    query = kwargs.get(query_option) if query_option else None
    exchange = Exchange(
        bot.usage,
        kind=kind,
        command=name,
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        user_id=interaction.user.id,
        query=query if isinstance(query, str) else None,
    )
    bot.in_flight.add(interaction.id)
    token = _current.set(exchange)
    try:
        if not autocomplete:
            await bot.turns.turn()
        result = await func(*args, **kwargs)
        if autocomplete and not interaction.response.is_done():
            # Sent here, not by discord.py after we return, so the exchange times the send.
            async with deadline(bot):
                await interaction.response.autocomplete(result or [])
        return result
    except ReplyTimeout as exc:
        # Discord did not take the answer in time; answering again could answer twice.
        exchange.failed(Outcome.TIMED_OUT, exc)
        log.warning(
            "reply timed out",
            extra={"interaction": interaction.id, "command": name, "after_s": exc.after_s},
        )
    except discord.HTTPException as exc:
        exchange.failed(Outcome.SEND_FAILED, exc)
        _not_sent(interaction, name, exc)
        # Discord refused the answer (a status, not silence), so it was not delivered: the
        # short apology is still an answer. 404: the interaction itself is gone.
        if not autocomplete and exc.status != 404:
            await answer_privately(interaction, WENT_WRONG)
    except (aiohttp.ClientError, TimeoutError) as exc:
        # The connection failed: the answer may have arrived, so it is never sent again.
        exchange.failed(Outcome.SEND_FAILED, exc)
        _not_sent(interaction, name, exc)
    except Exception as exc:
        exchange.failed(Outcome.ERROR, exc)
        extra = {
            "command": name,
            "guild": interaction.guild_id,
            "custom_id": cast("dict[str, Any]", interaction.data or {}).get("custom_id"),
        }
        # A mistake a user can make, or storage that is briefly unavailable, gets its own
        # short answer; anything else is our bug: a traceback in the log.
        message = user_message_for(exc)
        if message is None:
            log.error("command failed", exc_info=exc, extra=extra)
        else:
            log.warning("command refused", extra={**extra, "error": type(exc).__name__})
        if not autocomplete:
            await answer_privately(interaction, message or WENT_WRONG)
    finally:
        _current.reset(token)
        bot.in_flight.discard(interaction.id)
        exchange.close()
    return [] if autocomplete else None


def _not_sent(interaction: discord.Interaction, name: str | None, exc: BaseException) -> None:
    """Discord refused the answer or the connection failed: a log line, no second answer.

    A 400 means we sent something Discord does not accept (our bug): an error with the
    traceback. Anything else (404 unknown interaction, 5xx, a dropped connection) a warning."""
    extra: dict[str, Any] = {
        "interaction": interaction.id,
        "command": name,
        "error": type(exc).__name__,
    }
    if isinstance(exc, discord.HTTPException):
        extra.update(status=exc.status, code=exc.code, text=exc.text[:200])
        if exc.status == 400:
            log.error("answer refused by Discord", exc_info=exc, extra=extra)
            return
    log.warning("answer not sent", extra=extra)


def _ids_of(event: Any) -> tuple[int | None, int | None, int | None, int]:
    """(guild, channel, user, key) of a chat Message or a raw message edit."""
    if isinstance(event, discord.Message):
        guild = event.guild.id if event.guild else None
        return guild, event.channel.id, event.author.id, event.id
    author = (getattr(event, "data", None) or {}).get("author") or {}
    user = int(author["id"]) if str(author.get("id", "")).isdigit() else None
    return event.guild_id, event.channel_id, user, event.message_id


async def _run_chat(func: Callable[..., Awaitable[Any]], command: str, cog: Any, event: Any) -> Any:
    bot = cast("BluebookBot", cog.bot)
    if isinstance(event, discord.Message) and (event.author.bot or not event.content):
        # The echo of our own replies, other bots, embeds only: never a lookup, so not an
        # exchange either (the listener's own checks still apply).
        return await func(cog, event)
    if not bot.accepting:
        return None  # shutting down: chat is not answered, and nobody is owed an answer
    guild_id, channel_id, user_id, key = _ids_of(event)
    exchange = Exchange(
        bot.usage,
        kind=EventKind.KEYWORD,
        command=command,
        guild_id=guild_id,
        channel_id=channel_id,
        user_id=user_id,
    )
    # One entry per exchange: a message and its quick edit are two exchanges with one id.
    flight = id(exchange)
    bot.in_flight.add(flight)
    token = _current.set(exchange)
    try:
        # No turn here: the cog takes one once a message turns out to need a lookup, after
        # its reply ledger has begun (cogs/lookups.py), so plain chat costs no loop pass.
        return await func(cog, event)
    except ReplyTimeout as exc:
        exchange.failed(Outcome.TIMED_OUT, exc)
        log.warning("lookup reply timed out", extra={"message": key, "after_s": exc.after_s})
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
        exchange.failed(Outcome.SEND_FAILED, exc)
        log.warning("lookup reply failed", extra={"message": key, "error": type(exc).__name__})
    except Exception as exc:
        exchange.failed(Outcome.ERROR, exc)
        log.error("lookup failed", exc_info=exc, extra={"guild": guild_id, "channel": channel_id})
    finally:
        _current.reset(token)
        bot.in_flight.discard(flight)
        exchange.close()
    return None


def note_send_failure(exc: BaseException) -> None:
    """For a callback that handles its own send error: the exchange records the outcome."""
    outcome = Outcome.TIMED_OUT if isinstance(exc, ReplyTimeout) else Outcome.SEND_FAILED
    current_exchange().failed(outcome, exc)


# -- option values ------------------------------------------------------------------------------

_Checks = dict[str, tuple[_OPTION, float | None, float | None, bool]]
_CHECKS_KEY = "bluebook_option_checks"


def _checks_for(command: app_commands.Command[Any, ..., Any]) -> _Checks:
    # Kept on the command itself (its `extras` are ours), so a reloaded cog's new command
    # objects get their own.
    checks: _Checks | None = command.extras.get(_CHECKS_KEY)
    if checks is None:
        checks = {
            p.name: (p.type, p.min_value, p.max_value, p.required) for p in command.parameters
        }
        command.extras[_CHECKS_KEY] = checks
    return checks


def _invalid_option(command: Any, kwargs: dict[str, Any]) -> str | None:
    """The short error for an option value of the wrong type or out of range, else None.

    Discord checks types and ranges before it sends an interaction; this is for a client or
    proxy that does not, so a bad value never reaches our code as a TypeError."""
    if not isinstance(command, app_commands.Command):
        return None
    checks = _checks_for(command)
    for name, value in kwargs.items():
        check = checks.get(name)
        if check is None:
            continue
        kind, low, high, required = check
        if value is None and not required:
            continue
        if not _fits(kind, value, low, high):
            shown = str(value)
            if len(shown) > 40:
                shown = shown[:39] + "…"
            return f"That value is not valid for `{name}`: “{escape(shown)}”."
    return None


# Discord's integers are 53-bit (JavaScript numbers).
_INT_LIMIT = 2**53


def _fits(kind: _OPTION, value: Any, low: float | None, high: float | None) -> bool:
    if kind is _OPTION.string:
        if not isinstance(value, str):
            return False
        size: float = len(value)
    elif kind is _OPTION.integer:
        if type(value) is not int or not -_INT_LIMIT <= value <= _INT_LIMIT:
            return False
        size = value
    elif kind is _OPTION.number:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not math.isfinite(value) or abs(value) > _INT_LIMIT:
            return False
        size = value
    elif kind is _OPTION.boolean:
        return isinstance(value, bool)
    else:
        return True  # users, channels, choices: discord.py resolves and checks those
    return (low is None or size >= low) and (high is None or size <= high)
