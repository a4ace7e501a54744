"""Held requests: the panel keeps a request waiting, without acting, until the test releases it.

An integration test uses this to make something happen *while* a request is in flight::

    hold = panel.hold("add")                  # the next add request will wait
    task = asyncio.create_task(place_order())
    await hold.arrived.wait()                 # it reached the panel; nothing is placed yet
    ...                                       # reload the entry, unload it, …
    hold.release()                            # now the panel places the order and answers
    await hold.done.wait()                    # (optional) the panel has finished with it
"""

from __future__ import annotations

import asyncio


class Hold:
    """One held request (one-shot): the next request of ``action`` (any action if None)."""

    __slots__ = ("_abandoned", "_released", "action", "arrived", "done")

    def __init__(self, action: str | None) -> None:
        """Wait for a request of ``action``."""
        self.action = action
        self.arrived = asyncio.Event()
        """Set when the held request has reached the panel (before the panel acts)."""
        self.done = asyncio.Event()
        """Set when the panel has finished with it (acted and answered, or dropped it)."""
        self._released = asyncio.Event()
        self._abandoned = False

    def __repr__(self) -> str:
        """Show what is held and how far it got."""
        state = "abandoned" if self._abandoned else "released" if self.released else "holding"
        return f"Hold(action={self.action!r}, arrived={self.arrived.is_set()}, {state})"

    @property
    def released(self) -> bool:
        """Whether the request may go on (released, or abandoned on shutdown)."""
        return self._released.is_set()

    def matches(self, action: str) -> bool:
        """Whether a request for ``action`` is the one to hold."""
        return self.action is None or self.action == action

    def release(self) -> None:
        """Let the held request go on: the panel acts and answers (at once if it comes later)."""
        self._released.set()

    def abandon(self) -> None:
        """Give up: the held request is dropped unanswered without the panel acting."""
        self._abandoned = True
        self._released.set()

    async def wait(self) -> bool:
        """Signal arrival and wait for the release; False when abandoned instead."""
        self.arrived.set()
        await self._released.wait()
        return not self._abandoned


class HoldQueue:
    """Holds waiting for their request, and holds whose request is being held, in order."""

    __slots__ = ("_active", "_waiting")

    def __init__(self) -> None:
        """Start empty."""
        self._waiting: list[Hold] = []
        self._active: list[Hold] = []

    def __len__(self) -> int:
        """How many holds still wait for their request."""
        return len(self._waiting)

    def add(self, hold: Hold) -> None:
        """Queue a hold for a future request."""
        self._waiting.append(hold)

    def take(self, action: str) -> Hold | None:
        """The first waiting hold matching ``action``, consumed (one-shot)."""
        for index, hold in enumerate(self._waiting):
            if hold.matches(action):
                del self._waiting[index]
                self._active.append(hold)
                return hold
        return None

    def finish(self, hold: Hold) -> None:
        """The panel is done with the held request."""
        self._active.remove(hold)
        hold.done.set()

    def abandon_all(self) -> None:
        """Drop every hold, waiting or holding a request (the panel is shutting down)."""
        for hold in [*self._active, *self._waiting]:
            hold.abandon()
        self._waiting.clear()
