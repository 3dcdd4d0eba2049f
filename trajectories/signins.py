"""Failed sign-ins per address: after too many within a minute, the address is refused (429) until the
oldest failure leaves the window. Used by the API (bearer tokens) and the codec server (``/login``).

In memory, per process: a restart forgets. Behind a reverse proxy every caller has the proxy's address, so
put the limit in the proxy too (or run the API where it sees the callers' addresses).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

MAX_FAILURES = 5
WINDOW_SECONDS = 60.0


class FailedSignIns:
    """At most ``limit`` failed sign-ins per address within ``window`` seconds."""

    def __init__(
        self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures.get(address)
        if failures is None:
            return deque()
        cutoff = self.clock() - self.window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            del self._failures[address]
        return failures

    def retry_after(self, address: str) -> int | None:
        """Seconds until ``address`` may try again, or None if it may now. Asked before checking a token, so a
        blocked address learns nothing, not even whether a token is right."""
        failures = self._recent(address)
        if len(failures) < self.limit:
            return None
        return max(1, math.ceil(failures[0] + self.window - self.clock()))

    def failed(self, address: str) -> None:
        if len(self._failures) > 100_000:  # bounded memory under a spray from many addresses
            self._failures.clear()
        self._failures.setdefault(address, deque()).append(self.clock())
