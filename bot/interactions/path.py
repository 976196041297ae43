"""The one path every interaction and every chat lookup takes, on discord.py's own hooks.

For each kind, in one place:

- slash commands and the message menu: `PathTree.interaction_check` admits (while the bot
  shuts down, new interactions get "I am restarting ..."), refuses option values Discord
  would never send, opens the `Exchange`, counts it in flight and waits for its turn;
  `PathTree.on_error` settles a failure; `completed` (called by the bot's `dispatch` of
  `app_command_completion`) closes it. A command names the option its usage row keeps as
  the query in its `extras` (`extras={QUERY: "query"}`).
- autocomplete: discord.py calls no hook after an autocomplete callback and swallows its
  errors, so those callbacks are decorated with `autocomplete_exchange`, which sends the
  choices itself (so the exchange times the send). Autocomplete is never refused or queued.
- buttons: the DynamicItems of cogs/buttons.py mix in `PathButton`, whose
  `interaction_check` admits and checks the owner and whose `callback` runs `answer`.
- chat: the lookups cog's listeners are decorated with `chat_exchange`; a message takes its
  turn in the cog once it turns out to need a lookup.

In-flight accounting (`bot.in_flight`) lets shutdown wait for every kind, buttons too; fair
turns (bot/interactions/turns.py) keep a burst from freezing the loop; the exchange is logged
as the usage event with its real outcome. Failures get one short ephemeral answer
(bot/interactions/errors.py), never a traceback. A callback reads its exchange with
`current_exchange()` to say what it found.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import aiohttp
import discord
from discord import app_commands

from bot.interactions.errors import answer_error, log_not_sent, user_message_for
from bot.interactions.exchange import (
    EXTRAS_KEY,
    Exchange,
    current_exchange,
    exchange_of,
    reset_current,
    set_current,
)
from bot.interactions.options import invalid_option
from bot.interactions.sending import AnswerWindowClosed, ReplyTimeout, deadline
from bot.interactions.turns import TurnGate
from bot.replies.errors import NOT_YOURS, RESTARTING, WENT_WRONG
from bot.storage.usage import EventKind, Outcome

if TYPE_CHECKING:
    from bot.storage.usage import UsageLog

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

# The key in a command's `extras` naming the option the usage log keeps as the query.
QUERY = "bluebook_query_option"
# The event the bot dispatches for a button press (an interaction of the component type).
PRESS = "press"
# Set on the callbacks the decorators below wrap (tests/app/test_interaction_path.py).
MARK = "__bluebook_exchange__"


class _Options(Protocol):
    reply_timeout_s: float


class Host(Protocol):
    """What the path needs of the bot (bot/app.py's BluebookBot)."""

    accepting: bool
    in_flight: set[int]
    turns: TurnGate
    usage: UsageLog | None

    @property
    def options(self) -> _Options: ...


def host_of(interaction: discord.Interaction) -> Host:
    return cast(Host, interaction.client)


def is_on_path(callback: Any) -> bool:
    """True if `callback` was decorated with `autocomplete_exchange` or `chat_exchange`."""
    return bool(getattr(callback, MARK, False))


def _open(
    interaction: discord.Interaction, kind: EventKind, command: str | None, query: Any
) -> Exchange:
    host = host_of(interaction)
    # By position (every interaction opens one): usage, kind, command, guild, channel, user,
    # query.
    exchange = Exchange(
        host.usage,
        kind,
        command,
        interaction.guild_id,
        interaction.channel_id,
        interaction.user.id,
        query if isinstance(query, str) else None,
    )
    interaction.extras[EXTRAS_KEY] = exchange
    host.in_flight.add(interaction.id)
    set_current(exchange)
    return exchange


def _close(interaction: discord.Interaction) -> None:
    exchange: Exchange | None = interaction.extras.pop(EXTRAS_KEY, None)
    host_of(interaction).in_flight.discard(interaction.id)
    if exchange is not None:
        exchange.close()


def _command_name(interaction: discord.Interaction) -> str | None:
    command = interaction.command
    return command.qualified_name if command is not None else None


def _query_of(command: Any, data: Any) -> Any:
    """The raw value of the option the command names as its query, if it has one."""
    option = command.extras.get(QUERY) if isinstance(command, app_commands.Command) else None
    if option is None or not isinstance(data, dict):
        return None
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        options = options[0].get("options") or []
    return next((o.get("value") for o in options if o.get("name") == option), None)


async def _settle(
    interaction: discord.Interaction, exchange: Exchange, exc: BaseException, *, answer: bool
) -> None:
    """Record how the exchange failed, log it, and (`answer`) give the one short reply."""
    name = exchange.command
    if isinstance(exc, ReplyTimeout):
        # Discord did not take the answer in time; answering again could answer twice.
        exchange.failed(Outcome.TIMED_OUT, exc)
        log.warning(
            "reply timed out",
            extra={"interaction": interaction.id, "command": name, "after_s": exc.after_s},
        )
    elif isinstance(exc, discord.HTTPException):
        exchange.failed(Outcome.SEND_FAILED, exc)
        log_not_sent(interaction, name, exc)
        # Discord refused the answer (a status, not silence), so it was not delivered: the
        # short apology is still an answer. 404: the interaction itself is gone.
        if answer and exc.status != 404:
            await answer_error(interaction, WENT_WRONG)
    elif isinstance(exc, AnswerWindowClosed):
        # Discord answered 5xx until its 3 s window closed: it no longer takes an answer.
        exchange.failed(Outcome.SEND_FAILED, exc)
        log_not_sent(interaction, name, exc)
    elif isinstance(exc, aiohttp.ClientError | TimeoutError):
        # The connection failed: the answer may have arrived, so it is never sent again.
        exchange.failed(Outcome.SEND_FAILED, exc)
        log_not_sent(interaction, name, exc)
    else:
        exchange.failed(Outcome.ERROR, exc)
        extra = {
            "command": name,
            "guild": interaction.guild_id,
            "custom_id": cast("dict[str, Any]", interaction.data or {}).get("custom_id"),
        }
        message = user_message_for(exc)
        if message is None:
            log.error("command failed", exc_info=exc, extra=extra)
        else:
            log.warning("command refused", extra={**extra, "error": type(exc).__name__})
        if answer:
            await answer_error(interaction, message or WENT_WRONG)


# -- slash commands and context menus ------------------------------------------------------------


class PathTree(app_commands.CommandTree[Any]):
    """The command tree, with the path's hooks for slash commands and context menus."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is discord.InteractionType.autocomplete:
            return True  # autocomplete_exchange handles those
        host = host_of(interaction)
        if not host.accepting:
            await answer_error(interaction, RESTARTING)
            return False
        command = interaction.command
        problem = invalid_option(command, interaction.data)
        if problem is not None:
            await answer_error(interaction, problem)
            return False
        query = _query_of(command, interaction.data)
        _open(interaction, EventKind.SLASH, _command_name(interaction), query)
        await host.turns.turn()
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        exchange = exchange_of(interaction)
        try:
            if exchange is not None and isinstance(error, app_commands.CommandInvokeError):
                await _settle(interaction, exchange, error.original, answer=True)
                return
            # Refused before the callback ran (a check, a value discord.py could not convert,
            # a command we do not know): the short answer, and no usage event.
            if exchange is not None:
                exchange.discard()
            message = user_message_for(error)
            if message is None:
                log.error(
                    "command failed",
                    exc_info=getattr(error, "original", error),
                    extra={"command": _command_name(interaction), "guild": interaction.guild_id},
                )
            await answer_error(interaction, message or WENT_WRONG)
        finally:
            _close(interaction)


def completed(interaction: discord.Interaction) -> None:
    """A command's callback returned: its exchange ends (timed to its last send)."""
    _close(interaction)


# -- autocomplete ----------------------------------------------------------------------------------


def autocomplete_exchange(func: F) -> F:
    """Run an autocomplete callback (`(self, interaction, current)`) as an exchange."""

    @functools.wraps(func)
    async def run(*args: Any) -> Any:
        interaction = next(a for a in args if isinstance(a, discord.Interaction))
        exchange = _open(interaction, EventKind.AUTOCOMPLETE, _command_name(interaction), args[-1])
        try:
            choices = await func(*args)
            # Sent here, not by discord.py after we return, so the exchange times the send.
            # Not retried within the window like other first answers (sending.first_answer):
            # discord.py sends the choices itself once we return unless `is_done()`, which
            # a retry's 40060 cannot set.
            async with deadline(host_of(interaction)):
                await interaction.response.autocomplete(choices or [])
            exchange.answered()
            return choices
        except Exception as exc:
            await _settle(interaction, exchange, exc, answer=False)
            return []
        finally:
            _close(interaction)

    setattr(run, MARK, True)
    return cast(F, run)


# -- buttons -----------------------------------------------------------------------------------------


class PathButton:
    """Mixed into our DynamicItems (before `discord.ui.DynamicItem`): their presses run here.

    A subclass has a parsed `state` with an `owner`, names its `command` for the usage log,
    and implements `answer`; it never overrides `callback`."""

    command: str
    state: Any

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if not host_of(interaction).accepting:
            await answer_error(interaction, RESTARTING)
            return False
        owner = self.state.owner
        if owner and interaction.user.id != owner:
            await answer_error(interaction, NOT_YOURS)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        exchange = _open(interaction, EventKind.BUTTON, self.command, None)
        try:
            await host_of(interaction).turns.turn()
            await self.answer(interaction)
        except Exception as exc:
            await _settle(interaction, exchange, exc, answer=True)
        finally:
            _close(interaction)

    async def answer(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


# -- chat ------------------------------------------------------------------------------------------


def _ids_of(event: Any) -> tuple[int | None, int | None, int | None, int]:
    """(guild, channel, user, key) of a chat Message or a raw message edit."""
    if isinstance(event, discord.Message):
        guild = event.guild.id if event.guild else None
        return guild, event.channel.id, event.author.id, event.id
    author = (getattr(event, "data", None) or {}).get("author") or {}
    user = int(author["id"]) if str(author.get("id", "")).isdigit() else None
    return event.guild_id, event.channel_id, user, event.message_id


def chat_exchange(func: F) -> F:
    """Run a cog listener for chat (a Message, or a raw edit) that may answer lookups."""

    @functools.wraps(func)
    async def run(cog: Any, event: Any) -> Any:
        host = cast(Host, cog.bot)
        if isinstance(event, discord.Message) and (event.author.bot or not event.content):
            # A bot's message (the bot's `dispatch` drops those already) or one with embeds
            # only: never a lookup, so not an exchange either (the listener's own checks
            # still apply).
            return await func(cog, event)
        if not host.accepting:
            return None  # shutting down: chat is not answered, and nobody is owed an answer
        guild_id, channel_id, user_id, key = _ids_of(event)
        exchange = Exchange(
            host.usage,
            kind=EventKind.KEYWORD,
            command="lookup",
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
        )
        # One entry per exchange: a message and its quick edit are two exchanges with one id.
        flight = id(exchange)
        host.in_flight.add(flight)
        token = set_current(exchange)
        try:
            # No turn here: the cog takes one once a message turns out to need a lookup,
            # after its reply ledger has begun, so plain chat costs no loop pass.
            return await func(cog, event)
        except ReplyTimeout as exc:
            exchange.failed(Outcome.TIMED_OUT, exc)
            log.warning("lookup reply timed out", extra={"message": key, "after_s": exc.after_s})
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            exchange.failed(Outcome.SEND_FAILED, exc)
            log.warning("lookup reply failed", extra={"message": key, "error": type(exc).__name__})
        except Exception as exc:
            exchange.failed(Outcome.ERROR, exc)
            log.error(
                "lookup failed", exc_info=exc, extra={"guild": guild_id, "channel": channel_id}
            )
        finally:
            reset_current(token)
            host.in_flight.discard(flight)
            exchange.close()
        return None

    setattr(run, MARK, True)
    return cast(F, run)


def note_send_failure(exc: BaseException) -> None:
    """For a callback that handles its own send error: the exchange records the outcome."""
    outcome = Outcome.TIMED_OUT if isinstance(exc, ReplyTimeout) else Outcome.SEND_FAILED
    current_exchange().failed(outcome, exc)
