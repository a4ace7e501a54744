"""The loop watch (tests/loop_watch.py) the huge-input tests stand on."""

from __future__ import annotations

import time

import pytest

from tests.loop_watch import MAX_LOOP_BLOCK, LoopWatch


async def test_loop_watch_sees_a_blocked_loop() -> None:
    """The instrument itself: a call that blocks the loop is caught (else the bound the
    huge-input tests hold could never fail)."""

    async def blocking() -> None:
        started = time.thread_time()
        while time.thread_time() - started < MAX_LOOP_BLOCK + 0.05:  # busy on purpose
            pass

    watch = LoopWatch()
    await watch.measure(blocking())
    assert watch.longest >= MAX_LOOP_BLOCK
    with pytest.raises(AssertionError, match="event loop blocked"):
        watch.assert_responsive()
