"""Per-key request budget: a fixed one-minute window counted for each API key id.

Keyed by the authenticated key id only, so forwarding headers a client sends change nothing.
"""

import math
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from litestar.types import Scope

WINDOW_SECONDS: Final = 60.0
_DECISION_KEY: Final = "rate_decision"


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the window ends

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_seconds)
        return headers


@dataclass
class _Window:
    started: float
    count: int


class RateLimiter:
    """Thread-safe; one instance per app. Windows are kept only for keys seen recently."""

    def __init__(self, limit_per_minute: int) -> None:
        self.limit = limit_per_minute
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def hit(self, key_id: str, now: datetime) -> RateDecision:
        at = now.timestamp()
        with self._lock:
            window = self._current(key_id, at)
            allowed = window.count < self.limit
            if allowed:
                window.count += 1
        reset = max(1, math.ceil(window.started + WINDOW_SECONDS - at))
        return RateDecision(allowed, self.limit, max(0, self.limit - window.count), reset)

    def _current(self, key_id: str, at: float) -> _Window:
        window = self._windows.get(key_id)
        if window is None or at >= window.started + WINDOW_SECONDS:
            if len(self._windows) > 10_000:
                self._forget_before(at - WINDOW_SECONDS)
            window = self._windows[key_id] = _Window(at, 0)
        return window

    def _forget_before(self, cutoff: float) -> None:
        stale = [key for key, window in self._windows.items() if window.started < cutoff]
        for key in stale:
            del self._windows[key]


def keep_decision(scope: Scope, decision: RateDecision) -> None:
    """Remember the budget a request was charged to, for its response headers."""
    scope.setdefault("state", {})[_DECISION_KEY] = decision


def decision_of(scope: Scope) -> RateDecision | None:
    decision = scope.get("state", {}).get(_DECISION_KEY)
    return decision if isinstance(decision, RateDecision) else None
