"""Fixtures for the API client tests: a real aiohttp session talking HTTP to 127.0.0.1.

The client under test is pure Python (no Home Assistant), so these tests need no `hass`:
`auto_enable_custom_integrations` (autouse in tests/conftest.py) is switched off here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
import pytest

from custom_components.smm_panel.api import SmmPanelClient
from tests.fake_panel import FakePanel, RunningFakePanel
from tests.leaks import exception_chain

CANARY_KEY = "canary7KEY-9d2f41e8-never-shown"
"""A key no answer, log line or message would contain by chance."""

CLIENT_TIMEOUT = 5.0
"""Generous for loopback; tests of timeouts build their own client with a short one."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """The API client needs no Home Assistant instance (overrides the autouse in tests/)."""


def assert_no_key_in_exception(err: BaseException, key: str = CANARY_KEY) -> None:
    """Neither the exception nor anything in its chain shows the key, by str, repr or args."""
    for link in exception_chain(err):
        assert key not in str(link), link
        assert key not in repr(link), link
        assert all(key not in repr(arg) for arg in link.args), link


def bulk_method(client: SmmPanelClient, action: str) -> Callable[[list[str]], Awaitable[object]]:
    """The client's bulk method (``status_many``, …) for a panel action (``status``, …)."""
    methods: dict[str, Callable[[list[str]], Awaitable[object]]] = {
        "status": client.status_many,
        "refill": client.refill_many,
        "refill_status": client.refill_status_many,
        "cancel": client.cancel_many,
    }
    return methods[action]


@pytest.fixture
def panel() -> FakePanel:
    """A fresh simulated panel account that accepts only the canary key."""
    return FakePanel(key=CANARY_KEY)


@pytest.fixture
def running_panel(running_panel: RunningFakePanel) -> RunningFakePanel:
    """The fake panel (the one above) served on 127.0.0.1 by the fixture of tests/conftest.py."""
    assert running_panel.url.startswith("http://127.0.0.1:")
    return running_panel


@pytest.fixture
def client(running_panel: RunningFakePanel, session: aiohttp.ClientSession) -> SmmPanelClient:
    """The real client pointed at the fake panel with the right key."""
    return SmmPanelClient(running_panel.url, CANARY_KEY, session, timeout=CLIENT_TIMEOUT)


# -- a raw server: any bytes, any status, any header --------------------------------------


@dataclass(slots=True)
class RawReply:
    """One canned HTTP answer."""

    body: bytes
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


class RawServer:
    """A tiny aiohttp app on 127.0.0.1 answering every POST with canned replies.

    Replies are used in order; the last one repeats. Every request's form, method and
    query string is recorded.
    """

    def __init__(self) -> None:
        """Nothing served yet; `start` binds a free port."""
        self.replies: list[RawReply] = [RawReply(b"{}")]
        self.forms: list[dict[str, str]] = []
        self.methods: list[str] = []
        self.queries: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    def reply(
        self,
        *replies: RawReply | bytes | str,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        """Answer the next requests with `replies` (bytes or text use the keyword options)."""
        self.replies = [
            item
            if isinstance(item, RawReply)
            else RawReply(
                item.encode() if isinstance(item, str) else item,
                status,
                dict(headers or {}),
                content_type,
            )
            for item in replies
        ]

    async def start(self) -> None:
        """Serve on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/api/v2", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/api/v2"

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.forms.append({name: str(value) for name, value in form.items()})
        self.methods.append(request.method)
        self.queries.append(request.query_string)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return web.Response(
            body=reply.body,
            status=reply.status,
            headers={"Content-Type": reply.content_type, **reply.headers},
        )


@pytest.fixture
async def raw_server(socket_enabled: None) -> AsyncIterator[RawServer]:
    """A raw server on 127.0.0.1."""
    server = RawServer()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def raw_client(raw_server: RawServer, session: aiohttp.ClientSession) -> SmmPanelClient:
    """The real client pointed at the raw server."""
    return SmmPanelClient(raw_server.url, CANARY_KEY, session, timeout=CLIENT_TIMEOUT)
