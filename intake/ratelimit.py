"""Submissions per client address, counted with the `limits` library.

Flask-Limiter (the Flask layer over `limits`) ran a hook before every request and, on a
limited route, resolved limits, exemption scopes and headers again: measured with a
sampling profiler, a quarter of the Python time of a durable POST, the single largest cost
of accepting a comment. Here the limits are parsed once, and a submission costs one
counter increment per limit in the configured storage (`memory://` per worker process, or
`redis://...` shared by every worker and host).

`limits`' own memory storage starts a timer thread every 10 ms to drop expired counters; at
a few hundred submissions a second that was another thread start every other request. The
per-worker counts here drop expired windows as they are met instead.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger("lawtrail.intake")

_PRUNE_AT = 10_000  # counters kept per worker before expired windows are swept


@dataclass(frozen=True)
class Exceeded:
    """A limit a client has reached, and in how many seconds its window ends."""

    limit: str  # as `limits` spells it, e.g. "10 per 1 minute"
    retry_after: int


class RateLimit:
    """The `LAWTRAIL_RATE_LIMIT` limits, counted per client address."""

    def __init__(self, rates: str, storage_uri: str) -> None:
        """Parse the limits and open their storage.

        Raises:
            ValueError: `rates` is not in the `limits` syntax, or the storage URI is unknown.
        """
        try:
            self.items: list[RateLimitItem] = parse_many(rates) if rates.strip() else []
        except ValueError:
            raise ValueError(
                f"LAWTRAIL_RATE_LIMIT: {rates!r} is not a rate limit; write it as "
                "'10 per minute;200 per day'."
            ) from None
        self._strategy: FixedWindowRateLimiter | None = None
        if storage_uri.strip() != "memory://":
            try:
                self._strategy = FixedWindowRateLimiter(storage_from_string(storage_uri))
            except Exception as err:  # limits' ConfigurationError, or the client's own
                raise ValueError(
                    f"LAWTRAIL_RATE_LIMIT_STORAGE_URI: {storage_uri!r} cannot be used ({err}); "
                    "use memory:// or redis://host:6379."
                ) from None
        self._counts: dict[tuple[int, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> Exceeded | None:
        """Count one submission from `client`; the first limit it is over, or None.

        A storage that cannot be reached (Redis down) lets the submission through and logs
        it: a consultation must not stop taking comments because its counter is away.
        """
        exceeded: Exceeded | None = None
        for n, item in enumerate(self.items):
            if self._strategy is None:
                over, reset = self._hit_memory(n, item, client)
            else:
                try:
                    over = not self._strategy.hit(item, client)
                    reset = self._strategy.get_window_stats(item, client).reset_time if over else 0
                except Exception as err:  # the storage's own errors differ per backend
                    log.error("rate limit storage unavailable, not limiting: %s", err)
                    return None
            if over and exceeded is None:
                exceeded = Exceeded(str(item), max(1, math.ceil(reset - time.time())))
        return exceeded

    def _hit_memory(self, n: int, item: RateLimitItem, client: str) -> tuple[bool, float]:
        """A fixed window counted in this process: (over the limit, when the window ends)."""
        now = time.time()
        key = (n, client)
        with self._lock:
            ends, count = self._counts.get(key, (0.0, 0))
            if ends <= now:
                if len(self._counts) >= _PRUNE_AT:
                    self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
                ends, count = now + item.get_expiry(), 0
            count += 1
            self._counts[key] = (ends, count)
        return count > item.amount, ends
