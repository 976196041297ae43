"""Soak: thousands of mixed interactions and `[[...]]` chat lookups against one bot process.

Checks, all from what the stand-in recorded and what the bot's database holds:
- every interaction the stand-in created got exactly one successful callback, and none was
  refused as already acknowledged (400/40060), except a retry that found the answer there
  (its earlier try was given up or met a 5xx; `answer_counts`, `retry_found_answered`);
- every chat message with a lookup got exactly one reply;
- usage events: one per interaction (slash commands, the message menu, autocomplete, button
  presses) plus one per distinct `[[...]]` lookup, written to the database after a flush;
- the bot process's RSS after the run is within 10 % of its RSS after the warm-up.

Users: the chat authors rotate over many members so the explicit-lookup limit (10 per user
per 30 s) never refuses one, and each button is pressed by the user who asked, so every
press is tracked (a stranger's press is answered privately and not counted as usage).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.e2e_bench import Json, answer_counts, bot_on, percentiles, search_queries, standin

if TYPE_CHECKING:
    from bot.served import ServedLibrary
    from localdiscord import InteractionHandle, LocalDiscord, Member

REPLY_ROUTE = "/channels/{channel_id}/messages"
RSS_GROWTH_LIMIT = 0.10
WAIT_S = 30.0

# (operation, weight); chat carries 1-3 lookups, so about a quarter of the events are keyword.
MIX: tuple[tuple[str, int], ...] = (
    ("search", 30),
    ("section", 8),
    ("autocomplete", 10),
    ("button", 10),
    ("chat", 16),
    ("toc", 3),
    ("fact", 5),
    ("verify", 5),
    ("help", 3),
    ("lookups", 2),
    ("fotd", 2),
    ("menu", 3),
    ("stats", 1),
)
# /stats renders a PNG chart; a few of them are enough.
MAX_STATS = 10


@dataclass
class SoakSizes:
    total: int = 10_000
    max_seconds: float = 240.0
    concurrency: int = 16
    members: int = 600
    warmup: int = 1_000
    rss_every: int = 1_000


@dataclass
class SoakState:
    library: ServedLibrary
    rng: random.Random
    members: list[Member]
    queries: list[str]
    lookups_made: int = 0
    ops: Counter[str] = field(default_factory=Counter)
    chat_messages: list[str] = field(default_factory=list)
    unanswered_chat: int = 0
    timeouts: int = 0
    button_sources: list[tuple[Json, Member]] = field(default_factory=list)
    chat_rr: itertools.count[int] = field(default_factory=itertools.count)
    latencies: list[float] = field(default_factory=list)


def _lookup_terms(library: ServedLibrary) -> list[str]:
    pack = library.newest.pack
    terms = [t.term for t in pack.glossary.terms]
    refs = [s.ref for s in pack.sections.values() if s.ref.count(".") >= 2]
    phrases = ["rule of law", "territorial integrity", "peacekeeping", "cyber attacks"]
    return terms + refs + phrases


def _verify_quote(state: SoakState) -> str:
    paragraph = state.rng.choice(list(state.library.newest.pack.paragraphs.values()))
    words = paragraph.text.split()
    start = state.rng.randrange(max(1, len(words) - 12))
    quote = " ".join(words[start : start + 12])
    if state.rng.random() < 0.3:
        quote = quote.replace("the", "a", 1)
    return quote[:200]


def _remember_buttons(state: SoakState, handle: InteractionHandle, user: Member) -> None:
    message = handle.record.original
    if message is None or not message.get("components"):
        return
    state.button_sources.append((message, user))
    del state.button_sources[:-200]


def _press_target(state: SoakState) -> tuple[Json, str, Member] | None:
    while state.button_sources:
        message, user = state.rng.choice(state.button_sources)
        ids = [
            c["custom_id"]
            for row in message.get("components", [])
            for c in row.get("components", [])
            if c.get("type") == 2 and c.get("custom_id") and not c.get("disabled")
        ]
        if ids:
            return message, state.rng.choice(ids), user
        state.button_sources.remove((message, user))
    return None


async def _chat(server: LocalDiscord, state: SoakState) -> None:
    from bot.lookups.extract import extract_lookups

    terms = _lookup_terms(state.library)
    picked = state.rng.sample(terms, state.rng.randint(1, 3))
    text = "what does it say about " + " and ".join(f"[[{t}]]" for t in picked) + "?"
    expected = len(extract_lookups(text, state.library.newest.refs))
    author = state.members[next(state.chat_rr) % len(state.members)]
    reply: asyncio.Future[Any] | None = None
    holder: dict[str, str] = {}

    def is_reply(request: Any) -> bool:
        body = request.json if isinstance(request.json, dict) else {}
        ref = body.get("message_reference") or {}
        return (
            request.method == "POST"
            and request.route == REPLY_ROUTE
            and str(ref.get("message_id")) == holder.get("id")
        )

    if expected:
        reply = asyncio.ensure_future(server.wait_for_request(is_reply, timeout=WAIT_S))
        await asyncio.sleep(0)
    message = server.send_message(author=author, content=text)
    holder["id"] = message["id"]
    state.chat_messages.append(message["id"])
    state.lookups_made += expected
    if reply is not None:
        try:
            await reply
        except TimeoutError:
            state.unanswered_chat += 1


async def _operation(server: LocalDiscord, state: SoakState, op: str, i: int) -> None:
    rng = state.rng
    user = state.members[i % len(state.members)]
    # The buttons of an answer belong to whoever asked; only they are tracked when pressing.
    asker = user
    handle: InteractionHandle | None = None
    started = time.monotonic()
    if op == "search":
        options = {"query": state.queries[i % len(state.queries)], "limit": rng.randint(1, 10)}
        if rng.random() < 0.2:
            options["private"] = True
        handle = await server.slash("search", options, user=user)
    elif op == "section":
        sections = list(state.library.newest.pack.sections.values())
        section = rng.choice(sections)
        ref = rng.choice([section.ref, "§" + section.ref, section.title, "3.9.9"])
        handle = await server.slash("section", {"ref": ref[:200]}, user=user)
    elif op == "autocomplete":
        typed = rng.choice(["3.1", "terr", "security", "3.1.1(", "legis", ""])
        await server.autocomplete("section", "ref", typed, user=user, timeout=WAIT_S)
    elif op == "button":
        target = _press_target(state)
        if target is None:
            handle = await server.slash("toc", user=user)
        else:
            message, custom_id, owner = target
            try:
                handle = await server.press_button(message, custom_id, user=owner)
                asker = owner
            except LookupError:  # pressed meanwhile: that button is disabled now
                # Counted once, as what it is: a /toc, not a press.
                state.ops["button"] -= 1
                state.ops["toc"] += 1
                handle = await server.slash("toc", user=user)
    elif op == "chat":
        await _chat(server, state)
    elif op == "toc":
        handle = await server.slash("toc", user=user)
    elif op == "fact":
        topic = rng.choice([None, "GCAP", "security", "peace"])
        handle = await server.slash("fact", {"topic": topic} if topic else None, user=user)
    elif op == "verify":
        handle = await server.slash("verify", {"quote": _verify_quote(state)}, user=user)
    elif op == "help":
        handle = await server.slash("help", user=user)
    elif op == "lookups":
        handle = await server.slash("lookups status", user=server.admin)
    elif op == "fotd":
        handle = await server.slash("factoftheday status", user=server.admin)
    elif op == "menu":
        if state.chat_messages:
            target_id = rng.choice(state.chat_messages[-50:])
            handle = await server.context_menu("Find in Bluebook", target_id, user=user)
        else:
            handle = await server.slash("help", user=user)
    elif op == "stats":
        handle = await server.slash("stats", user=server.admin)
    if handle is not None:
        try:
            if op == "stats":
                await handle.settled(timeout=WAIT_S)
            else:
                await handle.response(timeout=WAIT_S)
        except TimeoutError:
            state.timeouts += 1
            return
        state.latencies.append((time.monotonic() - started) * 1000)
        if op in ("search", "section", "button"):
            _remember_buttons(state, handle, asker)


def _pick(rng: random.Random, stats_used: int) -> str:
    ops, weights = zip(*MIX, strict=True)
    op = rng.choices(ops, weights)[0]
    return "search" if op == "stats" and stats_used >= MAX_STATS else op


async def run_soak(sizes: SoakSizes | None = None, workdir: Path | None = None) -> Json:
    """Run the soak against a fresh bot process; returns the checks and figures."""
    from bot.served import ServedLibrary

    sizes = sizes or SoakSizes()
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bb-soak-")))
        return await _soak(sizes, workdir, ServedLibrary.load(None))


async def _soak(sizes: SoakSizes, workdir: Path, library: ServedLibrary) -> Json:
    async with standin() as server, bot_on(server, workdir, "bluebook") as child:
        members = [server.member] + [
            server.add_member(server.guild, f"soak{i}") for i in range(sizes.members)
        ]
        state = SoakState(library, random.Random(20251125), members, search_queries(seed=3))
        rss: list[tuple[int, int]] = [(0, child.rss_kb())]
        counter = itertools.count()
        started = time.monotonic()
        deadline = started + sizes.max_seconds
        done = 0
        warm_rss: int | None = None
        # Every kind once first: one-off costs (matplotlib on the first /stats) belong to
        # the warm-up, not to the growth the soak looks for.
        for op, _ in MIX:
            state.ops[op] += 1
            await _operation(server, state, op, next(counter))
            done += 1

        async def worker() -> None:
            nonlocal done, warm_rss
            while time.monotonic() < deadline and (i := next(counter)) < sizes.total:
                op = _pick(state.rng, state.ops["stats"])
                state.ops[op] += 1
                await _operation(server, state, op, i)
                done += 1
                if done == sizes.warmup:
                    warm_rss = child.rss_kb()
                if done % sizes.rss_every == 0:
                    rss.append((done, child.rss_kb()))
                if done == sizes.warmup:
                    # After the figures: diagnostics only (with BENCH_TRACEMALLOC set,
                    # tracing starts here).
                    await child.request("heap_mark")

        await asyncio.gather(*(worker() for _ in range(sizes.concurrency)))
        elapsed = time.monotonic() - started
        await _settle(server)
        end_rss = child.rss_kb()
        usage = await child.request("usage")
        # Diagnostics, after every figure: malloc's arenas and (with BENCH_TRACEMALLOC set)
        # what Python allocated since the warm-up; then what malloc_trim gives back, which
        # is memory the allocator held free rather than memory in use.
        heap = await child.request("heap_report", timeout=900)
        heap["trim"] = await child.request("malloc_trim")
    # bot_on has stopped the child gracefully; its last report has the usage counters.
    return _soak_report(
        server, state, elapsed, done, rss, warm_rss, end_rss, usage, child.closed_report, heap
    )


async def _settle(server: LocalDiscord, timeout: float = 30.0) -> None:
    """Until every interaction has its callback (or the timeout)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if all(r.callback is not None for r in server.store.by_id.values()):
            break
        await asyncio.sleep(0.05)
    with contextlib.suppress(TimeoutError):
        await server.quiesce(idle=0.3, timeout=timeout)


def _soak_report(
    server: LocalDiscord,
    state: SoakState,
    elapsed: float,
    done: int,
    rss: list[tuple[int, int]],
    warm_rss: int | None,
    end_rss: int,
    usage: Json,
    closed: Json,
    heap: Json,
) -> Json:
    counts = answer_counts(server)
    ok: dict[int, int] = counts["ok"]
    interactions = list(server.store.by_id)
    unanswered = sum(1 for i in interactions if ok.get(i, 0) == 0)
    twice = sum(1 for i in interactions if ok.get(i, 0) >= 2)
    replies: Counter[str] = Counter()
    for request in server.requests:
        body = request.json if isinstance(request.json, dict) else {}
        ref = body.get("message_reference") or {}
        if request.route == REPLY_ROUTE and request.method == "POST" and request.status == 200:
            replies[str(ref.get("message_id"))] += 1
    lookup_messages = [m for m in state.chat_messages if replies.get(m) is not None]
    chat_twice = sum(1 for m in state.chat_messages if replies.get(m, 0) >= 2)
    by_kind: dict[str, int] = usage.get("db_by_kind", {})
    expected_by_kind = {
        "slash": sum(1 for r in server.store.by_id.values() if r.kind == 2),
        "autocomplete": sum(1 for r in server.store.by_id.values() if r.kind == 4),
        "button": sum(1 for r in server.store.by_id.values() if r.kind == 3),
        "keyword": state.lookups_made,
    }
    expected_events = sum(expected_by_kind.values())
    db_events = sum(by_kind.values())
    base = warm_rss or rss[0][1]
    growth = (end_rss - base) / base if base else None
    return {
        "operations": done,
        "seconds": elapsed,
        "ops_per_s": done / elapsed if elapsed else None,
        "mix": dict(state.ops),
        "interactions": len(interactions),
        "chat_messages": len(state.chat_messages),
        "chat_replied": len(lookup_messages),
        "lookups": state.lookups_made,
        "unanswered_interactions": unanswered,
        "answered_twice": twice,
        "refused_400": counts["refused_400"],
        "retry_found_answered": counts["retry_found_answered"],
        "chat_unanswered": state.unanswered_chat,
        "chat_replied_twice": chat_twice,
        "timeouts": state.timeouts,
        "latency_ms": percentiles(state.latencies),
        "expected_events": expected_events,
        "expected_by_kind": expected_by_kind,
        "db_events": db_events,
        "db_by_kind": by_kind,
        "usage_stats": usage.get("stats", {}),
        "rss_kb": {"warm": base, "end": end_rss, "samples": rss},
        "rss_growth": growth,
        "rss_growth_ok": growth is not None and growth <= RSS_GROWTH_LIMIT,
        "heap": heap,
        "closed": closed,
    }


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.soak [--total N] [--max-seconds S] [--concurrency C] ...`: one soak,
    smaller than `make bench`'s when asked."""
    import argparse
    import dataclasses
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    for f in dataclasses.fields(SoakSizes):
        kind = float if f.type in (float, "float") else int
        parser.add_argument("--" + f.name.replace("_", "-"), type=kind, default=f.default)
    sizes = SoakSizes(**vars(parser.parse_args(argv)))
    print(json.dumps(asyncio.run(run_soak(sizes)), indent=2, default=str))


if __name__ == "__main__":
    main()
