"""An exchange's usage event carries each thing the exchange saw, in its own field."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.interactions.exchange import Exchange
from bot.storage.usage import EventKind, Outcome, UsageEvent


def _logged(exchange_kind: EventKind = EventKind.SLASH) -> tuple[Exchange, list[UsageEvent]]:
    logged: list[UsageEvent] = []
    usage: Any = SimpleNamespace(log=logged.append)
    exchange = Exchange(
        usage,
        kind=exchange_kind,
        command="search",
        guild_id=11,
        channel_id=22,
        user_id=33,
        query="GCAP",
        started=100.0,
    )
    return exchange, logged


def test_every_field_of_the_event_is_the_exchange_s_own() -> None:
    exchange, logged = _logged()
    exchange.result("3.1.1(1)¶4", 3, "2025-3")
    exchange.failed(Outcome.SEND_FAILED, "HTTPException")
    exchange.close(now=100.25)
    [event] = logged
    assert (
        event.kind,
        event.command,
        event.guild_id,
        event.channel_id,
        event.user_id,
        event.query,
        event.top_ref,
        event.result_count,
        event.outcome,
        event.error_class,
        event.pack_key,
    ) == (
        EventKind.SLASH,
        "search",
        11,
        22,
        33,
        "GCAP",
        "3.1.1(1)¶4",
        3,
        Outcome.SEND_FAILED,
        "HTTPException",
        "2025-3",
    )
    assert event.latency_ms == 250.0


def test_each_lookup_of_a_chat_message_is_an_event_of_its_own() -> None:
    exchange, logged = _logged(EventKind.KEYWORD)
    exchange.lookup("GCAP", "3.1.1(1)¶4", 1, "2025-3")
    exchange.lookup("2030", None, None, None)
    exchange.close(now=100.5)
    assert [(e.query, e.top_ref, e.result_count, e.outcome, e.pack_key) for e in logged] == [
        ("GCAP", "3.1.1(1)¶4", 1, Outcome.OK, "2025-3"),
        ("2030", None, None, Outcome.REFUSED, None),
    ]


def test_a_result_of_nothing_is_logged_as_no_result() -> None:
    exchange, logged = _logged()
    exchange.result(None, 0)
    exchange.close(now=101.0)
    assert [(e.outcome, e.result_count) for e in logged] == [(Outcome.NO_RESULT, 0)]


def test_the_path_opens_an_exchange_with_each_id_in_its_own_field() -> None:
    from bot.interactions.exchange import EXTRAS_KEY
    from bot.interactions.path import _open

    client = SimpleNamespace(usage=None, in_flight=set())
    interaction: Any = SimpleNamespace(
        id=44, guild_id=11, channel_id=22, user=SimpleNamespace(id=33), extras={}, client=client
    )
    exchange = _open(interaction, EventKind.SLASH, "search", "GCAP")
    assert interaction.extras[EXTRAS_KEY] is exchange
    assert (exchange.kind, exchange.command, exchange.query) == (EventKind.SLASH, "search", "GCAP")
    assert (exchange.guild_id, exchange.channel_id, exchange.user_id) == (11, 22, 33)
    assert client.in_flight == {44}
