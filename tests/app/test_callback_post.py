"""`Callbacks.post` against a real HTTP server on 127.0.0.1: what each answer of Discord's
(or of what stands in front of it) becomes, and a body that matches discord.py's own."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from aiohttp import web
from discord.utils import MISSING
from discord.webhook.async_ import interaction_message_response_params

from bot.interactions.callback import (
    CallbackRateLimited,
    Callbacks,
    CallbacksClosed,
    CallbackServerError,
    message_callback,
)
from bot.interactions.sending import message_kwargs
from bot.replies.common import Button, Reply

Answer = Callable[[web.Request], web.Response]


@pytest.fixture
async def discord_api(monkeypatch) -> AsyncIterator[dict[str, Any]]:
    """A server answering callbacks as `state["answer"]` says; `state["paths"]` are what came."""
    state: dict[str, Any] = {"answer": lambda _: web.Response(status=204), "paths": []}

    async def callback(request: web.Request) -> web.Response:
        state["paths"].append(request.raw_path)
        await request.read()
        return state["answer"](request)

    app = web.Application()
    app.router.add_post("/api/v10/interactions/{id}/{token}/callback", callback)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    try:
        yield state
    finally:
        await runner.cleanup()


def _interaction(token: str = "tok") -> Any:
    return SimpleNamespace(id=42, token=token)


def _json(status: int, body: Any, **headers: str) -> Answer:
    return lambda _: web.json_response(body, status=status, headers=headers)


async def _post(state: dict[str, Any], answer: Answer) -> None:
    state["answer"] = answer
    callbacks = Callbacks()
    try:
        await callbacks.post(_interaction(), {"type": 4, "data": {"content": "x"}})
    finally:
        await callbacks.close()


async def test_a_204_is_taken_and_the_token_goes_in_the_path_quoted(discord_api) -> None:
    callbacks = Callbacks()
    await callbacks.post(_interaction("a/b+c"), {"type": 5})
    await callbacks.close()
    assert discord_api["paths"] == ["/api/v10/interactions/42/a%2Fb%2Bc/callback"]


async def test_a_5xx_with_a_page_for_a_body_is_a_server_error(discord_api) -> None:
    with pytest.raises(CallbackServerError) as raised:
        await _post(discord_api, lambda _: web.Response(status=502, text="<html>Bad gateway"))
    assert raised.value.status == 502


async def test_discords_429_names_its_wait(discord_api) -> None:
    answer = _json(
        429, {"message": "rate limited", "retry_after": 0.25, "global": False}, Via="1.1 google"
    )
    with pytest.raises(CallbackRateLimited) as raised:
        await _post(discord_api, answer)
    assert raised.value.retry_after == 0.25


async def test_a_429_from_cloudflare_is_refused_not_waited_for(discord_api) -> None:
    # No `Via` header and a page for a body: a ban, which discord.py does not wait out either.
    answer: Answer = lambda _: web.Response(status=429, text="<html>error 1015</html>")  # noqa: E731
    with pytest.raises(discord.HTTPException) as raised:
        await _post(discord_api, answer)
    assert raised.value.status == 429
    assert not isinstance(raised.value, CallbackRateLimited)


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, 40060, discord.HTTPException),
        (403, 50001, discord.Forbidden),
        (404, 10062, discord.NotFound),
    ],
)
async def test_a_refusal_carries_discords_code(discord_api, status, code, kind) -> None:
    with pytest.raises(kind) as raised:
        await _post(discord_api, _json(status, {"message": "no", "code": code}))
    assert (raised.value.status, raised.value.code) == (status, code)


async def test_no_callback_is_posted_after_close(discord_api) -> None:
    callbacks = Callbacks()
    await callbacks.post(_interaction(), {"type": 5})
    await callbacks.close()
    with pytest.raises(CallbacksClosed):
        await callbacks.post(_interaction(), {"type": 5})
    assert len(discord_api["paths"]) == 1


REPLIES = {
    "content": Reply(content="hi"),
    "embed, no content": Reply(embeds=[{"title": "t", "description": "> quoted"}]),
    "buttons, private": Reply(
        content="x",
        buttons=[[Button("A", custom_id="a"), Button("Link", url="https://example.org/")]],
        ephemeral=True,
    ),
    "files": Reply(content="f", files=[("a.csv", b"1"), ("b.png", b"2")]),
}


@pytest.mark.parametrize("name", REPLIES)
@pytest.mark.parametrize("edit", [False, True], ids=["answer", "edit"])
def test_the_body_is_what_discord_py_would_send(name: str, edit: bool) -> None:
    """The callback's JSON equals discord.py's own for the same reply (its `send_message` and
    `edit_message` build theirs with this function), bar `tts: false`, Discord's default."""
    reply = REPLIES[name]
    kwargs = message_kwargs(reply)
    files = kwargs.pop("files", MISSING)
    flags = MISSING
    if reply.ephemeral and not edit:
        flags = discord.MessageFlags(ephemeral=True)
    params = interaction_message_response_params(
        type=7 if edit else 4,
        content=kwargs["content"],
        embeds=kwargs["embeds"],
        view=kwargs.get("view", None if edit else MISSING),
        allowed_mentions=kwargs["allowed_mentions"],
        previous_allowed_mentions=discord.AllowedMentions.none(),
        flags=flags,
        **({} if files is MISSING else {"attachments" if edit else "files": files}),
    )
    theirs = json.loads(params.multipart[0]["value"]) if params.multipart else params.payload
    assert theirs is not None
    theirs["data"].pop("tts")
    assert message_callback(reply, edit=edit) == theirs
