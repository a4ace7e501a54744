"""The fake panel's clock: manual in tests, scaled real time from the command line."""

from __future__ import annotations

import time


def _real_seconds() -> float:
    """Read a monotonic clock that freezegun does not patch (it patches ``time.monotonic``)."""
    if hasattr(time, "clock_gettime"):
        return time.clock_gettime(time.CLOCK_MONOTONIC)
    return time.monotonic()  # pragma: no cover - platforms without clock_gettime


class FakeClock:
    """Seconds since the panel opened: manual offset + real elapsed time x ``speed``.

    With ``speed == 0`` (the default, for tests) the real clock is never read, so time moves only
    through :meth:`advance` and is immune to frozen or patched time.
    """

    __slots__ = ("_offset", "_origin", "speed")

    def __init__(self, speed: float = 0.0) -> None:
        """Start at zero; ``speed`` is simulated seconds per real second."""
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self.speed = speed
        self._offset = 0.0
        self._origin = _real_seconds() if speed > 0 else 0.0

    def now(self) -> float:
        """Return the simulated seconds elapsed since the clock started."""
        if self.speed <= 0:
            return self._offset
        return self._offset + (_real_seconds() - self._origin) * self.speed

    def advance(self, seconds: float) -> None:
        """Move simulated time forward by ``seconds``."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._offset += seconds

    def __repr__(self) -> str:
        """Show the speed and the current simulated time."""
        return f"FakeClock(speed={self.speed}, now={self.now():.1f})"
