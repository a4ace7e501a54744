"""Home Assistant as the frontend talks to it: REST with a bearer token, and the websocket.

Small on purpose: just what the lane needs, with every wait bounded by `TIMEOUT` and based on
a condition (a message, a state), never on a sleep that assumes the machine's speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import itertools
import time
from typing import Any

import aiohttp

from .processes import TIMEOUT

type Json = dict[str, Any]


async def wait_until[T](
    what: str,
    check: Callable[[], Awaitable[T | None]],
    *,
    interval: float = 0.5,
    nudge: Callable[[], Awaitable[object]] | None = None,
) -> T:
    """Poll `check` until it returns something (not None); `nudge` runs between tries."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        result = await check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            msg = f"timed out after {TIMEOUT:.0f} s waiting for {what}"
            raise AssertionError(msg)
        if nudge is not None:
            await nudge()
        await asyncio.sleep(interval)


class Rest:
    """The REST API at `base` (http://127.0.0.1:port)."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.token: str | None = None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request; its JSON answer. Anything but a 2xx fails the lane."""
        async with self.session.request(
            method, self.base + path, headers=self._headers(), **kwargs
        ) as response:
            text = await response.text()
            assert response.status < 300, f"{method} {path}: HTTP {response.status} {text}"
            return await response.json(content_type=None)

    async def answers(self, path: str) -> bool:
        """Whether GET `path` answers 200 (False while the server is not up)."""
        try:
            async with self.session.get(
                self.base + path,
                headers=self._headers(),
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def state(self, entity_id: str) -> Json | None:
        """The entity's state object, or None if it has none."""
        async with self.session.get(
            f"{self.base}/api/states/{entity_id}", headers=self._headers()
        ) as response:
            if response.status == 404:
                return None
            assert response.status == 200, f"state of {entity_id}: HTTP {response.status}"
            result: Json = await response.json()
            return result


class CommandError(AssertionError):
    """A websocket command answered with success false."""

    def __init__(self, command: str, error: Json) -> None:
        super().__init__(f"{command}: {error}")
        self.code: str = error.get("code", "")
        self.error = error


class Subscription:
    """The events of one websocket subscription, in the order they came."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.received: list[Any] = []
        self._changed = asyncio.Condition()

    async def add(self, event: Any) -> None:
        """Called by the reader for each event message."""
        async with self._changed:
            self.received.append(event)
            self._changed.notify_all()

    async def first(
        self, what: str, match: Callable[[Any], bool], start: int = 0
    ) -> tuple[int, Any]:
        """The first event from index `start` on (received so far or later) that matches."""
        async with self._changed:
            try:
                async with asyncio.timeout(TIMEOUT):
                    while True:
                        for index in range(start, len(self.received)):
                            if match(self.received[index]):
                                return index, self.received[index]
                        await self._changed.wait()
            except TimeoutError:
                msg = (
                    f"timed out after {TIMEOUT:.0f} s waiting for {what} on {self.name}; "
                    f"received: {self.received}"
                )
                raise AssertionError(msg) from None


class Websocket:
    """An authenticated /api/websocket connection; one reader task dispatches its messages."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self._results: dict[int, asyncio.Future[Json]] = {}
        self._subscriptions: dict[int, Subscription] = {}
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, base: str, token: str) -> Websocket:
        """Connect and authenticate with an access token."""
        ws = await session.ws_connect(f"{base}/api/websocket", heartbeat=30)
        async with asyncio.timeout(TIMEOUT):
            hello = await ws.receive_json()
            assert hello["type"] == "auth_required", hello
            await ws.send_json({"type": "auth", "access_token": token})
            answer = await ws.receive_json()
        assert answer["type"] == "auth_ok", f"websocket authentication: {answer}"
        return cls(ws)

    async def _read(self) -> None:
        async for message in self._ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            for item in data if isinstance(data, list) else [data]:
                await self._dispatch(item)
        closed = ConnectionError("the websocket closed")
        for future in self._results.values():
            if not future.done():
                future.set_exception(closed)

    async def _dispatch(self, item: Json) -> None:
        if item.get("type") == "event" and item["id"] in self._subscriptions:
            await self._subscriptions[item["id"]].add(item["event"])
        elif item.get("type") == "result" and item["id"] in self._results:
            future = self._results.pop(item["id"])
            if not future.done():
                future.set_result(item)

    async def _request(self, message: Json, subscription: Subscription | None = None) -> Json:
        """Send `message` with the next id; its result (CommandError if it failed).

        A subscription is registered before the message goes out, so an event that comes right
        after the result is never missed.
        """
        if self._reader.done():
            msg = "the websocket reader stopped"
            raise ConnectionError(msg)
        message_id = next(self._ids)
        if subscription is not None:
            self._subscriptions[message_id] = subscription
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._results[message_id] = future
        await self._ws.send_json({"id": message_id, **message})
        async with asyncio.timeout(TIMEOUT):
            answer = await future
        if not answer["success"]:
            raise CommandError(message["type"], answer["error"])
        return answer

    async def command(self, command: str, **fields: Any) -> Any:
        """Send one command; its result, or CommandError."""
        return (await self._request({"type": command, **fields}))["result"]

    async def subscribe(self, command: str, **fields: Any) -> Subscription:
        """Send a subscribe command; its events collect on the returned Subscription."""
        subscription = Subscription(f"{command} {fields}")
        await self._request({"type": command, **fields}, subscription)
        return subscription

    async def call_service(self, domain: str, service: str, /, **data: Any) -> Any:
        """`call_service` with `return_response: true`; the action's response."""
        result = await self.command(
            "call_service",
            domain=domain,
            service=service,
            service_data=data,
            return_response=True,
        )
        return result["response"]

    async def call(self, domain: str, service: str, /, **data: Any) -> None:
        """`call_service` of an action that gives no response (e.g. update_entity)."""
        await self.command("call_service", domain=domain, service=service, service_data=data)

    async def close(self) -> None:
        """Close the connection and wait for the reader."""
        await self._ws.close()
        await self._reader
