"""Waiting on a condition, never on how fast the machine is."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import time

PATIENCE = 30.0
"""Seconds: generous, since a loaded CI machine can be many times slower; a test that is
really broken fails at the assertion after the wait, not by timing out."""


async def eventually(condition: Callable[[], bool], seconds: float = PATIENCE) -> None:
    """Return once `condition()` holds, checking every 10 ms, or after `seconds` anyway.

    The caller asserts what it waited for afterwards, so a failure names the real fact.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.01)
