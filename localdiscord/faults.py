"""REST fault injection: 429s, 5xx, slow, hanging and dropped responses for matching requests."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

RATE_LIMIT = "rate_limit"
SERVER_ERROR = "server_error"
SLOW = "slow"
# Handled at once, answered after `delay`: the effect (and its gateway event) comes first.
LATE = "late"
HANG = "hang"
# Handled (the effect and its gateway event happen), then held like HANG: the caller never
# learns that its request took effect.
APPLIED_HANG = "applied_hang"
# Handled (the effect and its gateway event happen), then answered with a 5xx: the caller
# cannot tell that its request took effect.
APPLIED_ERROR = "applied_error"
# The connection is closed with no answer: before handling, or (APPLIED_DROP) after it.
DROP = "drop"
APPLIED_DROP = "applied_drop"


@dataclass
class Fault:
    """A rule for the next `remaining` matching requests (None = until cleared).

    `pattern` is a shell-style pattern over `METHOD path` or `METHOD route-template`,
    e.g. `POST /channels/*/messages`; without a method (`/channels/*`) it matches any method.
    """

    kind: str
    pattern: str
    remaining: int | None = 1
    status: int = 500
    retry_after: float = 0.05
    is_global: bool = False
    delay: float = 0.0
    hits: int = 0

    def matches(self, method: str, path: str, route: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        pattern = self.pattern if " " in self.pattern else f"* {self.pattern}"
        return fnmatchcase(f"{method} {path}", pattern) or fnmatchcase(f"{method} {route}", pattern)


class FaultPlan:
    """Active faults, checked in order; the first match is used and counted down."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, path: str, route: str) -> Fault | None:
        if not self.faults:
            return None
        for fault in self.faults:
            if fault.matches(method, path, route):
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None
