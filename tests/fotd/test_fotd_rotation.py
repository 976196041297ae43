"""FactRotation: per-server shuffled cycles, no repeats inside a cycle, content changes."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.fotd.rotation import FactRotation, NoFactsError, RotationState

FACTS = [f"f{n}" for n in range(10)]


def take(rotation: FactRotation, guild: int, state, facts, count: int):
    taken = []
    for _ in range(count):
        fact, state = rotation.advance(guild, state, facts)
        taken.append(fact)
    return taken, state


def test_a_full_cycle_posts_every_fact_once():
    taken, state = take(FactRotation(), 1, None, FACTS, len(FACTS))
    assert sorted(taken) == sorted(FACTS)
    assert state.cycle == 1
    assert state.position == len(FACTS)


def test_the_next_cycle_is_reshuffled_and_complete():
    rotation = FactRotation()
    first, state = take(rotation, 1, None, FACTS, len(FACTS))
    second, state = take(rotation, 1, state, FACTS, len(FACTS))
    assert sorted(second) == sorted(FACTS)
    assert state.cycle == 2
    assert second != first
    assert second[0] != first[-1]  # no fact two days running across the boundary


def test_servers_get_different_orders_and_each_is_reproducible():
    rotation = FactRotation()
    one, _ = take(rotation, 1, None, FACTS, len(FACTS))
    two, _ = take(rotation, 2, None, FACTS, len(FACTS))
    assert one != two
    assert take(FactRotation(), 1, None, list(reversed(FACTS)), len(FACTS))[0] == one


def test_a_fact_added_mid_cycle_joins_this_cycle_later():
    rotation = FactRotation()
    before, state = take(rotation, 1, None, FACTS, 4)
    grown = [*FACTS, "new"]
    after, state = take(rotation, 1, state, grown, len(grown) - 4)
    assert "new" in after
    assert sorted(before + after) == sorted(grown)
    assert state.cycle == 1


def test_a_removed_fact_is_skipped():
    rotation = FactRotation()
    _, state = take(rotation, 1, None, FACTS, 3)
    upcoming = state.order[state.position]
    shrunk = [f for f in FACTS if f != upcoming]
    rest, state = take(rotation, 1, state, shrunk, len(FACTS) - 4)
    assert upcoming not in rest
    assert len(set(rest)) == len(rest)
    assert state.position == len(state.order)  # the cycle ended without the removed fact


def test_a_fact_removed_then_restored_is_not_repeated_in_the_cycle():
    rotation = FactRotation()
    first, state = take(rotation, 1, None, FACTS, 1)
    shrunk = [f for f in FACTS if f != first[0]]
    _, state = take(rotation, 1, state, shrunk, 2)
    rest, _ = take(rotation, 1, state, FACTS, len(FACTS) - 3)
    assert first[0] not in rest


def test_peek_does_not_consume():
    rotation = FactRotation()
    state = RotationState(1, ("a", "b", "c"), 1)
    assert rotation.peek(1, state, ["a", "b", "c"]) == "b"
    assert rotation.peek(1, state, ["a", "b", "c"]) == "b"
    assert rotation.advance(1, state, ["a", "b", "c"])[0] == "b"


def test_plan_dates_and_facts_match_advancing():
    rotation = FactRotation()
    start = date(2026, 3, 7)
    planned = rotation.plan(1, None, start, 25, FACTS)
    assert [d for d, _ in planned] == [start + timedelta(days=n) for n in range(25)]
    assert [f for _, f in planned] == take(rotation, 1, None, FACTS, 25)[0]


def test_no_facts_is_an_error_not_a_silent_skip():
    with pytest.raises(NoFactsError):
        FactRotation().advance(1, None, [])


@settings(max_examples=100, deadline=None)
@given(
    guild=st.integers(1, 2**63 - 1),
    facts=st.lists(st.text("abcdef", min_size=1, max_size=3), min_size=1, max_size=30, unique=True),
    days=st.integers(1, 100),
)
def test_no_repeat_within_any_cycle(guild, facts, days):
    rotation = FactRotation()
    state = None
    by_cycle: dict[int, list[str]] = {}
    posted_in_order = []
    for _ in range(days):
        fact, state = rotation.advance(guild, state, facts)
        by_cycle.setdefault(state.cycle, []).append(fact)
        posted_in_order.append(fact)
    if len(facts) > 1:  # not even a cycle boundary may post one fact two days running
        assert all(a != b for a, b in pairwise(posted_in_order))
    for cycle, posted in by_cycle.items():
        assert len(posted) == len(set(posted)), f"repeat in cycle {cycle}"
        if cycle < state.cycle:
            assert sorted(posted) == sorted(facts), f"cycle {cycle} left facts out"
