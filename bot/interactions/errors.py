"""The error half of the interaction path: which failures a user is told about, and how.

A mistake a user can make (a check, a bad value) or storage that is briefly unavailable gets
its own short text (bot/replies/errors.py); anything else is our bug: a traceback in the log
and "Something went wrong". The answer is always one short ephemeral message, never a
traceback. A failed send is never answered twice when the first may have arrived.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.interactions.sending import AnswerWindowClosed, respond
from bot.replies.common import error_reply
from bot.replies.errors import (
    NEEDS_MANAGE_SERVER,
    NOT_HERE,
    SERVER_ONLY,
    STORAGE_DAMAGED,
    STORAGE_UNAVAILABLE,
)
from bot.replies.markdown import escape
from bot.storage.db import DatabaseDamagedError

log = logging.getLogger(__name__)


def user_message_for(error: BaseException) -> str | None:
    """A short explanation for a mistake a user can make; None for our own bugs."""
    cause = getattr(error, "original", error)
    if isinstance(cause, DatabaseDamagedError):
        # Not "try again shortly": damage does not heal by itself.
        return STORAGE_DAMAGED
    if isinstance(cause, sqlite3.Error):
        # The database is locked, read-only, full or being reopened (bot/storage/db.py).
        return STORAGE_UNAVAILABLE
    if isinstance(error, app_commands.MissingPermissions):
        return NEEDS_MANAGE_SERVER
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I am missing permissions here: {perms}."
    if isinstance(error, app_commands.NoPrivateMessage):
        return SERVER_ONLY
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"That value is not valid: “{escape(str(error.value))}”."
    if isinstance(error, app_commands.CheckFailure):
        return NOT_HERE
    return None


async def answer_error(interaction: discord.Interaction, text: str) -> None:
    """Tell the user `text` privately; if even that cannot be sent, a log line."""
    try:
        await respond(interaction, error_reply(text))
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError, AnswerWindowClosed):
        log.warning("could not send the error message", extra={"interaction": interaction.id})


def log_not_sent(interaction: discord.Interaction, name: str | None, exc: BaseException) -> None:
    """Discord refused the answer or the connection failed: a log line, no second answer.

    A 400 means we sent something Discord does not accept (our bug): an error with the
    traceback. Anything else (404 unknown interaction, 5xx, 5xx until Discord's window for the
    first answer closed, a dropped connection) a warning."""
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
    elif isinstance(exc, AnswerWindowClosed):
        extra.update(status=exc.status, tries=exc.tries)
    log.warning("answer not sent", extra=extra)
