"""The one clock the API reads: every "now" (receipt, deadlines, "te laat", sessions, tokens,
retention, the current period of the figures) comes from `utcnow()` here.

In production it is the system clock. Tests put a clock of their own in its place with
`use_clock` (see tests/api/conftest.py), so what they assert does not depend on the day or the
hour the suite runs. Monotonic time for rate limits is passed to the limiter itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime


def system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = system_clock


def utcnow() -> datetime:
    """Now, in UTC and timezone-aware."""
    moment = _clock()
    if moment.tzinfo is None:
        raise ValueError("the clock must give timezone-aware datetimes")
    return moment.astimezone(UTC)


@contextmanager
def use_clock(clock: Callable[[], datetime]) -> Iterator[None]:
    """Read `clock` instead of the system clock inside the block (for tests)."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield
    finally:
        _clock = previous
