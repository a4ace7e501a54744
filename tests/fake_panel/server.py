"""Serve a :class:`FakePanel` on a real loopback socket for clients, benchmarks and demos."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

from aiohttp import web

from .app import API_PATH, create_app

if TYPE_CHECKING:
    from .panel import FakePanel


@dataclass(slots=True)
class RunningFakePanel:
    """A panel being served; ``url`` is the API endpoint to give a client."""

    panel: FakePanel
    host: str
    port: int
    url: str
    _runner: web.AppRunner = field(repr=False)

    async def close(self) -> None:
        """Stop serving and close every connection (held requests are dropped, not acted on)."""
        self.panel.holds.abandon_all()
        await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        """Already running; the context only closes it."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop serving."""
        await self.close()


async def _start(panel: FakePanel, host: str, port: int) -> RunningFakePanel:
    """Bind ``host``:``port`` (0 picks a free port) and serve ``panel`` there."""
    runner = web.AppRunner(create_app(panel), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]
    except BaseException:
        await runner.cleanup()
        raise
    shown = f"[{host}]" if ":" in host else host
    return RunningFakePanel(panel, host, bound, f"http://{shown}:{bound}{API_PATH}", runner)


class _Starting:
    """``start_fake_panel(...)``: await it for a running panel, or use it with ``async with``."""

    __slots__ = ("_args", "_running")

    def __init__(self, panel: FakePanel, host: str, port: int) -> None:
        self._args = (panel, host, port)
        self._running: RunningFakePanel | None = None

    def __await__(self) -> Generator[object, None, RunningFakePanel]:
        return _start(*self._args).__await__()

    async def __aenter__(self) -> RunningFakePanel:
        self._running = await _start(*self._args)
        return self._running

    async def __aexit__(self, *exc_info: object) -> None:
        if self._running is not None:
            await self._running.close()


def start_fake_panel(panel: FakePanel, host: str = "127.0.0.1", port: int = 0) -> _Starting:
    """Serve ``panel``: ``running = await start_fake_panel(panel)`` or ``async with …``."""
    return _Starting(panel, host, port)
