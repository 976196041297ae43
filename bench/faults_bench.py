"""Faults under load: the bot keeps answering, answers nothing twice, loses no event uncounted.

One bot process (its own copy of the shipped content, its own database) takes a steady
stream of `/search` interactions and `[[...]]` chat lookups while, one after another:
the gateway socket is cut (RESUME), the session is invalidated (op 9, re-IDENTIFY), REST
answers 429 (global, then per route), 500 and 502 on sends, interaction callbacks hang,
the database is locked by another process, the database file is deleted, and a content
reload is refused because the pack is broken.

After each fault: a probe `/search` must be answered (the time to that answer is the
recovery time). Over the whole run: no interaction has two successful callbacks or a 40060
refusal (a 40060 to a retry after a 5xx, or after a try the bot gave up unanswered, is not
one: that try had applied the answer, and the interaction counts as answered once); every
event the bot offered to its usage log was written or counted as dropped (`written + dropped_write_failed == queued`, and
`queued + dropped_queue_full` equals the interactions and lookups the bot received).

A delivered interaction is answered when the local Discord applied a callback to it.
Those never answered are split by what the bot's tries met (`_unanswered_reasons`):
"deadline passed during 5xx" (every try within Discord's 3 s window met a 5xx, the last of
them in the window's last second, and Discord took no other interaction's callback between
it and the window's end) and "deadline passed while a try hung" (a try still held as the
window closed, begun in its last 2 s: too late to be given up after 1 s and sent again) are
what the deadline made unanswerable; every other reason is an answer the deadline allowed
(target 0).

An interaction dispatched while the session is invalid never reaches the bot (Discord would
show the user "interaction failed"); it is reported as undelivered, not as unanswered.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.e2e_bench import (
    ALREADY_ACKNOWLEDGED,
    ANSWER_DEADLINE_S,
    CallbackTry,
    Json,
    answered_ok,
    bot_on,
    callback_tries,
    search_queries,
    second_answers,
    standin,
)

if TYPE_CHECKING:
    from localdiscord import LocalDiscord, Member

CALLBACK = "POST /interactions/*/*/callback"
CHANNEL_SEND = "POST /channels/*/messages"
CHAT_TEXT = "what does it say about [[GCAP]] and [[territorial integrity]]?"
CHAT_LOOKUPS = 2
BROKEN_MANIFEST = "title: [this is not closed\n"
# The reasons an interaction went unanswered that Discord's 3 s window made unavoidable.
DURING_5XX = "deadline passed during 5xx"
HUNG = "deadline passed while a try hung"
DEADLINE_REASONS = (DURING_5XX, HUNG)
# Tries that met 5xx made the deadline the cause only if one of them came this close to the
# window's end: an earlier give-up left time for another try.
LAST_TRY_GAP_S = 1.0
# A try held as the window closed made the deadline the cause only if it began this close to
# the window's end: one begun earlier could have been given up with 1 s left, after 1 s of
# its own, and sent again (the bot's HUNG_TRY_S, bot/interactions/sending.py).
HUNG_TRY_GAP_S = 2.0
HUNG_EARLY = "a try hung from early in the window, not sent again"


@dataclass
class FaultSizes:
    phase_s: float = 5.0
    workers: int = 8
    pause_s: float = 0.02
    chat_every: int = 6
    recover_timeout_s: float = 20.0
    members: int = 200


@dataclass
class Sent:
    interaction_id: int | None
    message_id: str | None
    phase: str
    at: float


@dataclass
class FaultRun:
    server: LocalDiscord
    members: list[Member]
    queries: list[str]
    sizes: FaultSizes
    phase: str = "baseline"
    sent: list[Sent] = field(default_factory=list)
    phases: dict[str, Json] = field(default_factory=dict)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def _load(run: FaultRun, worker: int) -> None:
    for n in itertools.count():
        if run.stop.is_set():
            return
        user = run.members[(worker * 7919 + n) % len(run.members)]
        if n % run.sizes.chat_every == run.sizes.chat_every - 1:
            message = run.server.send_message(author=user, content=CHAT_TEXT)
            run.sent.append(Sent(None, message["id"], run.phase, time.monotonic()))
        else:
            query = run.queries[(worker + n) % len(run.queries)]
            started = time.monotonic()
            handle = await run.server.slash("search", {"query": query}, user=user)
            run.sent.append(Sent(handle.id, None, run.phase, started))
            with contextlib.suppress(TimeoutError):
                await handle.response(timeout=5.0)
        await asyncio.sleep(run.sizes.pause_s)


async def _probe(run: FaultRun, since: float) -> float | None:
    """Seconds from `since` until a fresh /search is answered; None if never."""
    end = time.monotonic() + run.sizes.recover_timeout_s
    while time.monotonic() < end:
        handle = await run.server.slash("search", {"query": "GCAP"})
        run.sent.append(Sent(handle.id, None, "probe", time.monotonic()))
        try:
            await handle.response(timeout=2.0)
            return time.monotonic() - since
        except TimeoutError:
            continue
    return None


def _release_hung(server: LocalDiscord) -> None:
    # Hanging requests wait on this event (set when the server stops); setting and clearing
    # it lets the held ones finish (503) while later ones would hang again.
    server.api.stopping.set()
    server.api.stopping.clear()


@contextlib.contextmanager
def _locked_database(path: Path) -> Any:
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()


def _delete_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


async def _reload(run: FaultRun) -> str:
    handle = await run.server.slash("reload", user=run.server.world.owner)
    run.sent.append(Sent(handle.id, None, run.phase, time.monotonic()))
    message = await handle.final_message(timeout=30)
    return str(message.get("content", ""))[:120]


Phase = Callable[[FaultRun], Awaitable[Json]]


async def _phase(run: FaultRun, name: str, inject: Phase) -> None:
    run.phase = name
    started = time.monotonic()
    detail = await inject(run)
    cleared = time.monotonic()
    recovery = await _probe(run, cleared)
    run.phases[name] = {
        "detail": detail,
        "fault_s": cleared - started,
        "recovery_s": recovery,
        "answers_again": recovery is not None,
    }
    run.phase = f"after {name}"
    await asyncio.sleep(0.5)


def _phases(db_path: Path, content_dir: Path) -> list[tuple[str, Phase]]:
    async def gateway_drop(run: FaultRun) -> Json:
        waiter = asyncio.ensure_future(run.server.wait_for_gateway("resume", timeout=30))
        await asyncio.sleep(0)
        run.server.drop_connection()
        await asyncio.sleep(run.sizes.phase_s)
        with contextlib.suppress(TimeoutError):
            await waiter
        return {"resumed": waiter.done() and not waiter.cancelled() and not waiter.exception()}

    async def invalid_session(run: FaultRun) -> Json:
        waiter = asyncio.ensure_future(run.server.wait_for_gateway("identify", timeout=30))
        await asyncio.sleep(0)
        run.server.invalidate_session(resumable=False)
        await asyncio.sleep(run.sizes.phase_s)
        with contextlib.suppress(TimeoutError):
            await waiter
        return {"reidentified": waiter.done() and not waiter.cancelled() and not waiter.exception()}

    def rest_fault(make: Callable[[LocalDiscord], Any]) -> Phase:
        async def inject(run: FaultRun) -> Json:
            faults = make(run.server)
            await asyncio.sleep(run.sizes.phase_s)
            run.server.clear_faults()
            return {"hits": sum(f.hits for f in faults)}

        return inject

    async def hanging(run: FaultRun) -> Json:
        # Three callbacks held unapplied, then three applied and held (Discord took the
        # answer; the bot never hears of it).
        held = run.server.hang_responses(CALLBACK, count=3)
        applied = run.server.hang_responses(CALLBACK, count=3, applied=True)
        await asyncio.sleep(run.sizes.phase_s)
        run.server.clear_faults()
        _release_hung(run.server)
        return {"hung": held.hits, "hung_applied": applied.hits}

    async def db_locked(run: FaultRun) -> Json:
        with _locked_database(db_path):
            await asyncio.sleep(run.sizes.phase_s)
        return {}

    async def db_deleted(run: FaultRun) -> Json:
        _delete_database(db_path)
        await asyncio.sleep(run.sizes.phase_s)
        return {"recreated": db_path.exists()}

    async def broken_reload(run: FaultRun) -> Json:
        manifest = content_dir / "manifest.yaml"
        good = manifest.read_text(encoding="utf-8")
        manifest.write_text(BROKEN_MANIFEST, encoding="utf-8")
        refused = await _reload(run)
        await asyncio.sleep(run.sizes.phase_s)
        manifest.write_text(good, encoding="utf-8")
        restored = await _reload(run)
        return {"refused": refused.startswith("Reload refused"), "restored": restored[:40]}

    return [
        ("gateway drop (RESUME)", gateway_drop),
        ("op 9 invalid session", invalid_session),
        (
            "429 global",
            rest_fault(lambda s: [s.rate_limit("/*", count=40, retry_after=0.5, is_global=True)]),
        ),
        (
            "429 per route",
            rest_fault(
                lambda s: [
                    s.rate_limit(CALLBACK, count=40, retry_after=0.3),
                    s.rate_limit(CHANNEL_SEND, count=10, retry_after=0.3),
                ]
            ),
        ),
        (
            "500 on sends",
            rest_fault(
                lambda s: [
                    s.server_error(CALLBACK, count=20),
                    s.server_error(CHANNEL_SEND, count=5),
                ]
            ),
        ),
        (
            "502 on sends",
            rest_fault(
                lambda s: [
                    s.server_error(CALLBACK, count=20, status=502),
                    s.server_error(CHANNEL_SEND, count=5, status=502),
                ]
            ),
        ),
        ("hanging callback", hanging),
        ("database locked", db_locked),
        ("database file deleted", db_deleted),
        ("broken content reload", broken_reload),
    ]


def _delivered(server: LocalDiscord) -> tuple[set[int], set[str]]:
    """Interaction ids and message ids the stand-in queued to a live session."""
    interactions: set[int] = set()
    messages: set[str] = set()
    for session in server.hub.sessions.values():
        for payload in session.buffer:
            if payload.get("t") == "INTERACTION_CREATE":
                interactions.add(int(payload["d"]["id"]))
            elif payload.get("t") == "MESSAGE_CREATE":
                messages.add(str(payload["d"]["id"]))
    return interactions, messages


def _summarise(run: FaultRun, closed: Json) -> Json:
    server = run.server
    tries = callback_tries(server)
    answered = {i for i, record in server.store.by_id.items() if record.callback is not None}
    twice_by = {i: second_answers(ts) for i, ts in tries.items()}
    delivered, delivered_messages = _delivered(server)
    # When the answer was at Discord: the arrival of its 2xx try, else of the first retry
    # refused with 40060 (the try that had applied it came no later).
    arrival = {
        i: next(t.at for t in ts if answered_ok(t) or t.code == ALREADY_ACKNOWLEDGED)
        for i, ts in tries.items()
        if any(answered_ok(t) or t.code == ALREADY_ACKNOWLEDGED for t in ts)
    }
    per_phase: dict[str, Json] = {}
    for sent in run.sent:
        row = per_phase.setdefault(
            sent.phase,
            {
                "sent": 0,
                "undelivered": 0,
                "unanswered": 0,
                "twice": 0,
                "within_3s": 0,
                "max_s": 0.0,
            },
        )
        if sent.interaction_id is None:
            continue
        row["sent"] += 1
        if sent.interaction_id not in delivered:
            row["undelivered"] += 1
            continue
        row["unanswered"] += sent.interaction_id not in answered
        row["twice"] += twice_by.get(sent.interaction_id, (0, 0))[0] > 0
        if sent.interaction_id in arrival:
            took = arrival[sent.interaction_id] - sent.at
            row["within_3s"] += took <= ANSWER_DEADLINE_S
            row["max_s"] = max(row["max_s"], took)
    unanswered = [i for i in delivered if i not in answered]
    reasons = _unanswered_reasons(server, tries, unanswered)
    made_unanswerable = sum(n for reason, n in reasons.items() if reason in DEADLINE_REASONS)
    chats = [s for s in run.sent if s.message_id is not None]
    chats_delivered = sum(1 for s in chats if s.message_id in delivered_messages)
    interactions_delivered = sum(1 for i in server.store.by_id if i in delivered)
    usage = closed.get("usage", {})
    offered = usage.get("queued", 0) + usage.get("dropped_queue_full", 0)
    expected = interactions_delivered + chats_delivered * CHAT_LOOKUPS
    return {
        "phases": run.phases,
        "per_phase": per_phase,
        "interactions": len(server.store.by_id),
        "interactions_delivered": interactions_delivered,
        "answered_twice": sum(1 for twice, _ in twice_by.values() if twice),
        "refused_400": sum(twice for twice, _ in twice_by.values()),
        "retry_found_answered": sum(found for _, found in twice_by.values()),
        "unanswered_delivered": len(unanswered),
        "unanswered_deadline_allowed": len(unanswered) - made_unanswerable,
        "unanswered_deadline_passed": made_unanswerable,
        "unanswered_by_reason": dict(reasons),
        "chat_messages": len(chats),
        "chat_delivered": chats_delivered,
        "usage": usage,
        "events_expected": expected,
        "events_offered": offered,
        "written_plus_dropped_equals_queued": usage.get("written", 0)
        + usage.get("dropped_write_failed", 0)
        == usage.get("queued", -1),
        "all_answer_again": all(p["answers_again"] for p in run.phases.values()),
    }


def _unanswered_reasons(
    server: LocalDiscord, tries: dict[int, list[CallbackTry]], unanswered: list[int]
) -> Counter[str]:
    """Why each delivered interaction went unanswered, read from its callback tries.

    Discord's window is the local Discord's own (`first_answer_deadline_s` from the
    interaction's creation). The deadline made an answer impossible when every try inside
    the window met a 5xx, the last of them in the window's last second (LAST_TRY_GAP_S),
    and Discord took no callback of any interaction after it before the window closed (a
    later try would have failed too); or when a try still held (no status) as the window
    closed had begun in its last HUNG_TRY_GAP_S. Anything else the deadline allowed: it left
    time for another try."""
    window_s = server.world.scenario.first_answer_deadline_s
    taken = sorted(t.at for ts in tries.values() for t in ts if answered_ok(t))
    reasons: Counter[str] = Counter()
    for interaction in unanswered:
        end = server.store.by_id[interaction].created + window_s
        inside = [t for t in tries.get(interaction, []) if t.at <= end]
        if not inside:
            reasons["no try within the window"] += 1
        elif (held := inside[-1]).answered_at is None or held.answered_at > end:
            reasons[HUNG if end - held.at < HUNG_TRY_GAP_S else HUNG_EARLY] += 1
        elif all(t.status is not None and t.status >= 500 for t in inside):
            last = inside[-1].answered_at
            later = bisect.bisect_right(taken, last)
            if end - last > LAST_TRY_GAP_S:
                reasons["5xx, then no try in the window's last second"] += 1
            elif later < len(taken) and taken[later] <= end:
                reasons["5xx, then no try while Discord took answers"] += 1
            else:
                reasons[DURING_5XX] += 1
        else:
            statuses = ", ".join(str(t.status) for t in inside)
            reasons[f"tries refused: {statuses}"] += 1
    return reasons


async def run_faults_benchmark(
    sizes: FaultSizes | None = None, workdir: Path | None = None
) -> Json:
    """Every fault in turn under load; returns the per-phase figures and the checks."""
    from bot.pack.loader import shipped_content_dir

    sizes = sizes or FaultSizes()
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bb-faults-")))
        content_dir = workdir / "content"
        content_dir.mkdir(parents=True, exist_ok=True)
        for source in Path(shipped_content_dir()).iterdir():
            if source.suffix in (".yaml", ".txt"):
                shutil.copy(source, content_dir / source.name)
        db_path = workdir / "faults.db"
        started = time.monotonic()
        async with standin() as server:
            members = [server.add_member(server.guild, f"f{i}") for i in range(sizes.members)]
            run = FaultRun(server, members, search_queries(seed=11), sizes)
            async with bot_on(
                server, workdir, "bluebook", db=db_path, content=content_dir
            ) as child:
                load = [asyncio.create_task(_load(run, w)) for w in range(sizes.workers)]
                try:
                    await asyncio.sleep(1.0)
                    for name, inject in _phases(db_path, content_dir):
                        await _phase(run, name, inject)
                finally:
                    run.stop.set()
                    await asyncio.gather(*load, return_exceptions=True)
                    _release_hung(server)
                await asyncio.sleep(1.0)
            report = _summarise(run, child.closed_report)
        report["seconds"] = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.faults_bench [--phase-s S] [--workers N] ...`: one fault run."""
    import argparse
    import dataclasses
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.faults_bench")
    for f in dataclasses.fields(FaultSizes):
        kind = float if f.type in (float, "float") else int
        parser.add_argument("--" + f.name.replace("_", "-"), type=kind, default=f.default)
    sizes = FaultSizes(**vars(parser.parse_args(argv)))
    print(json.dumps(asyncio.run(run_faults_benchmark(sizes)), indent=2, default=str))


if __name__ == "__main__":
    main()
