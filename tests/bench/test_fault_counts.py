"""How the fault run counts callbacks: answered once, answered twice, and why never answered."""

from __future__ import annotations

from types import SimpleNamespace

from bench.e2e_bench import CALLBACK_ROUTE, CallbackTry, answer_counts, second_answers
from bench.faults_bench import DURING_5XX, HUNG, HUNG_EARLY, _unanswered_reasons


def _try(at: float, status: int | None, code: int | None = None, took: float = 0.01) -> CallbackTry:
    return CallbackTry(at, None if status is None else at + took, status, code)


def test_a_40060_after_a_5xx_is_the_first_answer_found_not_a_second_one() -> None:
    assert second_answers([_try(0, 500), _try(0.2, 400, 40060)]) == (0, 1)
    assert second_answers([_try(0, None), _try(0.2, 400, 40060)]) == (0, 1)


def test_a_40060_after_a_try_given_up_unanswered_is_the_first_answer_found() -> None:
    # The bot gave up the first try at 2 s; Discord's 2xx to it came after the retry left.
    assert second_answers([_try(0, 200, took=2.5), _try(2.0, 400, 40060)]) == (0, 1)
    assert second_answers([_try(0, 503, took=9.0), _try(2.0, 400, 40060)]) == (0, 1)


def test_a_second_callback_after_a_2xx_is_answering_twice() -> None:
    assert second_answers([_try(0, 200), _try(0.2, 400, 40060)]) == (1, 0)
    assert second_answers([_try(0, 500), _try(0.2, 200), _try(0.4, 400, 40060)]) == (1, 0)
    assert second_answers([_try(0, 400, 50035)]) == (1, 0)
    assert second_answers([_try(0, 200)]) == (0, 0)


def _callback(interaction: int, at: float, status: int | None, code: int | None = None) -> object:
    return SimpleNamespace(
        route=CALLBACK_ROUTE,
        path=f"/interactions/{interaction}/token/callback",
        time=at,
        answered_at=None if status is None else at + (2.5 if interaction == 1 else 0.01),
        status=status,
        code=code,
    )


def test_the_soak_and_burst_count_a_retry_that_found_the_answer_as_one_answer() -> None:
    requests = [
        # Given up at 2 s; Discord's 2xx to it came back after the retry's 40060.
        _callback(1, 0.0, 200),
        _callback(1, 2.0, 400, 40060),
        # A second callback after a 2xx the bot had seen: answered twice.
        _callback(2, 0.0, 200),
        _callback(2, 0.5, 400, 40060),
        # Held for good; the retry's 40060 shows it had landed.
        _callback(3, 0.0, None),
        _callback(3, 2.0, 400, 40060),
    ]
    counts = answer_counts(SimpleNamespace(requests=requests))  # type: ignore[arg-type]
    assert counts == {"ok": {1: 1, 2: 1, 3: 1}, "refused_400": 1, "retry_found_answered": 2}


def _server(created: dict[int, float]) -> SimpleNamespace:
    return SimpleNamespace(
        world=SimpleNamespace(scenario=SimpleNamespace(first_answer_deadline_s=3.0)),
        store=SimpleNamespace(by_id={i: SimpleNamespace(created=c) for i, c in created.items()}),
    )


def test_unanswered_interactions_are_split_by_what_the_deadline_allowed() -> None:
    tries = {
        # Every try in the window met a 5xx, the last in its last second, and Discord took
        # nothing after it.
        1: [_try(0.0, 500), _try(1.0, 502), _try(2.5, 500), _try(4.0, 404, 10062)],
        # 5xx to the window's last second, while Discord took another answer at 12.5 s.
        2: [_try(10.0, 500), _try(12.2, 500), _try(14.0, 404, 10062)],
        3: [_try(12.5, 200)],
        # A try held past the window's end from its start: it could have been given up with
        # 1 s left and sent again.
        4: [_try(20.0, None)],
        5: [_try(30.0, 500, took=5.0)],
        # Held past the window's end, begun in its last 2 s: too late for another try.
        10: [_try(80.0, 500), _try(81.2, None)],
        11: [_try(90.0, None, took=2.5), _try(92.0, None)],
        # discord.py's schedule with nobody else answered: 5xx at 0 s and 1 s, then nothing
        # until 4 s, though the window left time for a try after 1 s.
        8: [_try(60.0, 500), _try(61.0, 500), _try(64.0, 404, 10062)],
        # Tries to the window's last second, all 5xx: the deadline's doing.
        9: [_try(70.0, 500), _try(70.7, 502), _try(71.7, 500), _try(72.7, 500)],
        # No try at all in the window.
        6: [_try(44.0, 404, 10062)],
        7: [],
    }
    created = {1: 0.0, 2: 10.0, 3: 12.4, 4: 20.0, 5: 30.0, 6: 40.0, 7: 50.0, 8: 60.0, 9: 70.0}
    created |= {10: 80.0, 11: 90.0}
    unanswered = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11]
    reasons = _unanswered_reasons(_server(created), tries, unanswered)  # type: ignore[arg-type]
    assert reasons == {
        DURING_5XX: 2,
        "5xx, then no try while Discord took answers": 1,
        "5xx, then no try in the window's last second": 1,
        HUNG: 2,
        HUNG_EARLY: 2,
        "no try within the window": 2,
    }
