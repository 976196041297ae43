"""CPU per step of one /search answer, in process: `python -m bench.path_costs [rounds]`.

Times (process CPU, not wall) each step our code adds to a /search interaction on the shipped
chapter, over the labelled quality queries, calling what the bot calls (cogs/search.py): the
library search (`ServedLibrary.search`, bot/search/library.py, with the excerpt of the result a
reply shows), building the reply (`library_search_reply`), turning it into the callback's body
(`message_callback`, the first answer) and into what discord.py sends (`message_kwargs`, a
follow-up), and the usage event; and counts the objects the garbage collector tracks that a new
query's kept answer adds. What discord.py, aiohttp and the event loop cost around these is
what the end-to-end benchmark's floors measure.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable

from bench.e2e_bench import search_queries
from bot.interactions.exchange import Exchange
from bot.replies.custom_ids import query_token
from bot.replies.search import library_search_reply
from bot.served import ServedLibrary
from bot.storage.usage import EventKind, hash_user_id, stored_query

OWNER = 123_456_789_012_345_678
# The replies are made from the answers to this many queries, in turn (their excerpts made
# by the search step's count already).
REPLIES = 500


def _us_per_call(step: Callable[[int], object], rounds: int) -> float:
    started = time.process_time()
    for i in range(rounds):
        step(i)
    return (time.process_time() - started) / rounds * 1e6


def measure(rounds: int = 3000) -> dict[str, float]:
    """Microseconds of CPU per call of each step."""
    from bot.interactions.callback import message_callback  # imports discord: only here
    from bot.interactions.sending import message_kwargs

    library = ServedLibrary.load(None)
    pack_key = library.newest_key
    packs = {k: p.pack for k, p in library.packs.items()}
    queries = search_queries()
    n = len(queries)

    # The search is timed first, before the answers below are made: thousands of answers
    # held at once (a bot holds its ANSWER_CACHE) would make each garbage collection during
    # the search walk them all.
    def search(i: int) -> None:
        # What the reply reads of the search: the excerpt of the result it shows.
        response = library.search(queries[i % n], pack_key=pack_key, limit=5)
        if response.results:
            _ = response.results[0].result.excerpt

    search_us = _us_per_call(search, rounds)
    responses = [library.search(q, pack_key=pack_key, limit=5) for q in queries[:REPLIES]]
    m = len(responses)
    salt = b"s" * 32
    tokens = [
        query_token(r.query, pack_key=pack_key, owner=OWNER, guild=None, key=salt)
        for r in responses
    ]
    replies = [
        library_search_reply(packs, r, owner=OWNER, token=t)
        for r, t in zip(responses, tokens, strict=True)
    ]

    def exchange(i: int) -> None:
        Exchange(
            None, kind=EventKind.SLASH, command="search", guild_id=1, channel_id=2, user_id=3
        ).close()

    return {
        "search_us": search_us,
        "search_reply_us": _us_per_call(
            lambda i: library_search_reply(
                packs, responses[i % m], owner=OWNER, token=tokens[i % m]
            ),
            rounds,
        ),
        "callback_body_us": _us_per_call(lambda i: message_callback(replies[i % m]), rounds),
        "message_kwargs_us": _us_per_call(lambda i: message_kwargs(replies[i % m]), rounds),
        "exchange_us": _us_per_call(exchange, rounds),
        "usage_row_us": _us_per_call(
            lambda i: (hash_user_id(salt, OWNER + i), stored_query(queries[i % n])), rounds
        ),
        "kept_objects_per_answer": kept_objects_per_answer(queries),
    }


def kept_objects_per_answer(queries: list[str], count: int = 200) -> float:
    """Objects the garbage collector tracks that a new query's kept answer adds (its
    results, their marks and excerpt, in a fresh library whose answer cache is not yet full): in a
    running bot each lives through collections until the answer is dropped."""
    library = ServedLibrary.load(None)
    pack_key = library.newest_key

    def ask(query: str) -> None:
        response = library.search(query, pack_key=pack_key, limit=5)
        if response.results:
            _ = response.results[0].result.excerpt

    for query in queries[:50]:
        ask(query)
    gc.collect()
    before = len(gc.get_objects())
    for query in queries[50 : 50 + count]:
        ask(query)
    gc.collect()
    return (len(gc.get_objects()) - before) / count


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3000), indent=2))
