"""An interaction's first answer (its callback), posted to Discord by us.

The first answer is a message (type 4), the edit of the message a pressed button sits on
(type 7), or a deferral (type 5): Discord takes one per interaction, within 3 s. discord.py's
`InteractionResponse` calls would send it, but they fit that window badly and cost the most
of anything in a /search after the search itself:

- they retry a 5xx after 1 s and then 3 s, so two in a row miss the window, and seeing a 5xx
  sooner took an aiohttp trace on every request the bot makes;
- they ask Discord for the callback's resource and build discord.py objects from it (the
  message with its embeds and buttons), which nothing here reads.

So `Callbacks.post` sends the callback as one request on a session of its own, and answers
with what Discord said: it returns on a 2xx (Discord's 204: no resource is asked for), and
raises `CallbackServerError` on a 5xx, `CallbackRateLimited` on Discord's own 429, and
discord.py's `HTTPException` (`Forbidden`, `NotFound`; with Discord's error code) on any
other status, a 429 from Cloudflare included (a ban that waiting does not end, as discord.py
treats it). A broken connection raises aiohttp's `ClientConnectionError`. `first_answer`
(bot/interactions/sending.py) decides what to try next. Everything after the first answer
(follow-ups, edits of the original) is discord.py's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import aiohttp
import discord

from bot.replies.common import Button, Reply

CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
UPDATE_MESSAGE = 7
EPHEMERAL = 64
NO_MENTIONS: dict[str, Any] = {"parse": []}
# Discord's button styles.
_STYLES = {"primary": 1, "secondary": 2, "success": 3, "danger": 4, "link": 5}
# When a 429 names no wait (Discord always does), wait this long.
DEFAULT_RETRY_AFTER_S = 1.0
_JSON = {"Content-Type": "application/json"}


class CallbackServerError(Exception):
    """Discord answered an interaction callback with a 5xx."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Discord answered {status} to the interaction callback")
        self.status = status


class CallbackRateLimited(Exception):
    """Discord answered an interaction callback with 429: try again after `retry_after` s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Discord rate-limited the interaction callback for {retry_after} s")
        self.retry_after = retry_after


def components(rows: Sequence[Sequence[Button]]) -> list[dict[str, Any]]:
    """A reply's buttons as Discord's action rows."""
    return [{"type": 1, "components": [_button(b) for b in row]} for row in rows]


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


def message_callback(reply: Reply, *, edit: bool = False) -> dict[str, Any]:
    """The callback answering with `reply`: a new message, or with `edit` the pressed
    button's message replaced (without buttons in the reply, its old ones are removed)."""
    data: dict[str, Any] = {
        "content": reply.content,
        "embeds": list(reply.embeds),
        "allowed_mentions": NO_MENTIONS,
    }
    if reply.buttons or edit:
        data["components"] = components(reply.buttons)
    if reply.files:
        data["attachments"] = [
            {"id": i, "filename": name} for i, (name, _) in enumerate(reply.files)
        ]
    if reply.ephemeral and not edit:
        data["flags"] = EPHEMERAL
    return {"type": UPDATE_MESSAGE if edit else CHANNEL_MESSAGE, "data": data}


def deferral(*, ephemeral: bool) -> dict[str, Any]:
    """The callback that acknowledges now (the user sees "thinking"); a follow-up answers."""
    if ephemeral:
        return {"type": DEFERRED_CHANNEL_MESSAGE, "data": {"flags": EPHEMERAL}}
    return {"type": DEFERRED_CHANNEL_MESSAGE}


class CallbacksClosed(RuntimeError):
    """A callback was to be posted after the bot closed."""


class Callbacks:
    """Posts interaction callbacks; one session, opened at the first and closed with the bot."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise CallbacksClosed("the bot is closed: no more answers")
        if self._session is None:
            # No limit on connections, as discord.py's own session: in a burst every first
            # answer is in flight at once.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar()
            )
        return self._session

    async def post(
        self,
        interaction: discord.Interaction,
        body: dict[str, Any],
        files: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        """Send `body` as `interaction`'s callback (with `files` as its attachments)."""
        token = quote(interaction.token, safe="")
        url = f"{discord.http.Route.BASE}/interactions/{interaction.id}/{token}/callback"
        payload = json.dumps(body, separators=(",", ":"))
        if files:
            form = aiohttp.FormData(quote_fields=False)
            form.add_field("payload_json", payload, content_type="application/json")
            for i, (name, content) in enumerate(files):
                form.add_field(f"files[{i}]", content, filename=name)
            request = self._open().post(url, data=form)
        else:
            request = self._open().post(url, data=payload, headers=_JSON)
        async with request as response:
            if response.status < 300:
                return
            data = await _error_body(response)
        if response.status >= 500:
            raise CallbackServerError(response.status)
        if response.status == 429 and response.headers.get("Via") and isinstance(data, dict):
            wait = data.get("retry_after")
            raise CallbackRateLimited(float(wait) if wait is not None else DEFAULT_RETRY_AFTER_S)
        if response.status == 403:
            raise discord.Forbidden(response, data)
        if response.status == 404:
            raise discord.NotFound(response, data)
        raise discord.HTTPException(response, data)

    async def close(self) -> None:
        """Close the session; any later `post` raises CallbacksClosed."""
        self._closed = True
        if self._session is not None:
            await self._session.close()


async def _error_body(response: aiohttp.ClientResponse) -> dict[str, Any] | str:
    text = await response.text(errors="replace")
    if response.content_type == "application/json":
        try:
            data = json.loads(text)
        except ValueError:
            return text
        if isinstance(data, dict):
            return data
    return text
