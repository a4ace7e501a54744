"""A watch on the event loop: the longest stretch one call kept it from running other tasks.

The huge-input tests (tests/test_action_fields.py, tests/test_config_flow.py) run each call
under a `LoopWatch`: a call that freezes the loop on a huge input (quadratic work, a
synchronous encode of megabytes) blocks it for seconds, far beyond `MAX_LOOP_BLOCK`.
tests/test_loop_watch.py proves the watch can fail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
import gc
import time

LOOP_TICK = 0.005
"""How often the watcher task wakes up, in seconds."""
MAX_LOOP_BLOCK = 0.5
"""The longest the event loop may be blocked by one call: a generous behaviour bound (a
loaded two-core machine included), not a benchmark. A call that freezes the loop on a huge
input (quadratic work, a synchronous encode of megabytes) blocks it for seconds."""


@dataclass(slots=True)
class LoopWatch:
    """The longest stretch the loop worked without waking a task sleeping `LOOP_TICK` at a time.

    Measured in the loop thread's CPU time, not wall time: on a loaded machine the process is
    also descheduled for a while now and then, which blocks nothing of ours.
    """

    longest: float = 0.0
    ticks: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def _run(self) -> None:
        last = time.thread_time()
        while not self._stop.is_set():
            await asyncio.sleep(LOOP_TICK)
            now = time.thread_time()
            self.longest = max(self.longest, now - last)
            self.ticks += 1
            last = now

    async def measure[T](self, work: Awaitable[T]) -> T:
        """Await `work` while the watcher runs alongside it on the loop."""
        # The test process's heap (every earlier test's leftovers) is not ours to walk: a
        # full collection of it can take most of a second under coverage, in any test.
        gc.collect()
        gc.freeze()
        watcher = asyncio.create_task(self._run())
        await asyncio.sleep(0)  # the watcher takes its first timestamp
        try:
            return await work
        finally:
            self._stop.set()
            await watcher
            gc.unfreeze()

    def assert_responsive(self) -> None:
        assert self.ticks > 0
        assert self.longest < MAX_LOOP_BLOCK, f"event loop blocked for {self.longest:.3f} s"
