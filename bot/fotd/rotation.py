"""Which fact a server gets next: shuffled cycles with no repeat inside a cycle.

Each server works through its own shuffled order of all fact ids (a cycle). The order of the
current cycle is stored explicitly, because a seed alone would reshuffle when the content
changes. Later cycles are shuffled with ``random.Random`` seeded by (salt, guild, cycle), so
a plan for the coming days is reproducible. Facts added to the content join the rest of the
current cycle at a seeded random position; facts removed from the content are dropped from
the rest of the cycle. ``FactRotation`` is pure: state in, state out; storage is elsewhere.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, timedelta


class NoFactsError(RuntimeError):
    """The content has no facts to post."""


@dataclass(frozen=True)
class RotationState:
    """One server's place in its rotation: order[:position] were already used this cycle."""

    cycle: int
    order: tuple[str, ...]
    position: int


class FactRotation:
    """Pure rotation policy shared by all servers."""

    def __init__(self, salt: str = "fotd") -> None:
        self._salt = salt

    def reconcile(
        self, guild_id: int, state: RotationState | None, fact_ids: Collection[str]
    ) -> RotationState:
        """Bring a stored state in line with the current content (no fact is consumed)."""
        if state is None:
            return RotationState(1, self._shuffled(guild_id, 1, fact_ids), 0)
        current = set(fact_ids)
        used = state.order[: state.position]
        remaining = [fact for fact in state.order[state.position :] if fact in current]
        for fact in sorted(current - set(state.order)):
            # Seeded per fact so preview, plan and the real post agree on the position.
            rng = random.Random(f"{self._salt}:{guild_id}:{state.cycle}:join:{fact}")
            remaining.insert(rng.randint(0, len(remaining)), fact)
        return RotationState(state.cycle, used + tuple(remaining), state.position)

    def advance(
        self, guild_id: int, state: RotationState | None, fact_ids: Collection[str]
    ) -> tuple[str, RotationState]:
        """Return the next fact and the state after using it."""
        if not fact_ids:
            raise NoFactsError("there are no facts to post")
        state = self.reconcile(guild_id, state, fact_ids)
        if state.position >= len(state.order):
            last = state.order[state.position - 1] if state.position else None
            order = self._shuffled(guild_id, state.cycle + 1, fact_ids)
            if len(order) > 1 and order[0] == last:
                # Otherwise a cycle boundary could post the same fact two days running.
                order = (order[1], order[0], *order[2:])
            state = RotationState(state.cycle + 1, order, 0)
        return state.order[state.position], replace(state, position=state.position + 1)

    def peek(self, guild_id: int, state: RotationState | None, fact_ids: Collection[str]) -> str:
        """Return the fact the next post would use, without using it."""
        return self.advance(guild_id, state, fact_ids)[0]

    def plan(
        self,
        guild_id: int,
        state: RotationState | None,
        start_date: date,
        days: int,
        fact_ids: Collection[str],
    ) -> list[tuple[date, str]]:
        """Return (date, fact id) for `days` posts from start_date, given the stored state."""
        planned = []
        for offset in range(days):
            fact, state = self.advance(guild_id, state, fact_ids)
            planned.append((start_date + timedelta(days=offset), fact))
        return planned

    def _shuffled(self, guild_id: int, cycle: int, fact_ids: Collection[str]) -> tuple[str, ...]:
        order = sorted(set(fact_ids))  # sorted first: the seed alone must fix the order
        random.Random(f"{self._salt}:{guild_id}:{cycle}").shuffle(order)
        return tuple(order)
