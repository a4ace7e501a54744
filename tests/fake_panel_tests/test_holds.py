"""``panel.hold``: a request waits at the panel, unacted, until the test releases it.

Integration tests use it to reload or unload an entry while an order is in flight.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import aiohttp
import pytest

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, Hold, start_fake_panel

from .conftest import Api

ADD = {"service": SERVICE_FOLLOWERS, "link": "https://instagram.com/someone", "quantity": "1000"}


async def test_the_panel_acts_only_when_released(api: Api, fake: FakePanel) -> None:
    """The add arrives (and is counted) but places nothing until ``release``."""
    hold = fake.hold("add")
    task = asyncio.create_task(api.call("add", **ADD))
    await hold.arrived.wait()
    await asyncio.sleep(0.05)
    assert not task.done()
    assert not fake.orders
    assert fake.counts["add"] == 1
    assert fake.balance == Decimal("100.84292")
    assert not hold.done.is_set()
    hold.release()
    assert await task == {"order": 23501}
    await hold.done.wait()
    assert list(fake.orders) == ["23501"]


async def test_holds_are_one_shot_and_per_action(api: Api, fake: FakePanel) -> None:
    """Other actions pass; the next add after the held one is not held."""
    hold = fake.hold("add")
    assert len(fake.holds) == 1
    assert "balance" in await api.call("balance")
    assert not hold.arrived.is_set()
    held = asyncio.create_task(api.call("add", **ADD))
    await hold.arrived.wait()
    assert len(fake.holds) == 0
    second = await api.call("add", **{**ADD, "link": "https://instagram.com/other"})
    assert second == {"order": 23501}
    hold.release()
    assert await held == {"order": 23502}


async def test_any_action_and_first_in_first_out(api: Api, fake: FakePanel) -> None:
    """``hold()`` holds whatever comes next; two holds serve two requests in order."""
    first, second = fake.hold(), fake.hold()
    one = asyncio.create_task(api.call("balance"))
    await first.arrived.wait()
    two = asyncio.create_task(api.call("status", order="1"))
    await second.arrived.wait()
    second.release()
    assert await two == {"error": "Incorrect order ID"}
    assert not one.done()
    first.release()
    assert "balance" in await one


async def test_released_before_arrival(api: Api, fake: FakePanel) -> None:
    """A hold released early lets its request straight through (and is used up by it)."""
    hold = fake.hold("add")
    hold.release()
    assert hold.released
    assert await api.call("add", **ADD) == {"order": 23501}
    assert hold.arrived.is_set()
    assert hold.done.is_set()
    assert len(fake.holds) == 0


async def test_client_gives_up_panel_still_acts(api: Api, fake: FakePanel) -> None:
    """A client that times out while held does not stop the panel: the order is placed."""
    hold = fake.hold("add")
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await api.call("add", **ADD)
    assert hold.arrived.is_set()
    assert not fake.orders
    hold.release()
    await hold.done.wait()
    assert list(fake.orders) == ["23501"]


async def test_hold_with_a_fault(api: Api, fake: FakePanel) -> None:
    """The fault still applies after the release: DROP_AFTER places, then hangs up."""
    fake.inject(Fault.DROP_AFTER, action="add")
    hold = fake.hold("add")
    task = asyncio.create_task(api.post("add", **ADD))
    await hold.arrived.wait()
    assert not fake.orders
    hold.release()
    with pytest.raises(aiohttp.ClientConnectionError):
        await task
    assert list(fake.orders) == ["23501"]


async def test_closing_drops_held_requests(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """Shutting the server down abandons holds: no action, the client sees a disconnect."""
    panel = FakePanel("k")
    waiting = panel.hold("balance")
    hold = panel.hold("add")
    running = await start_fake_panel(panel)
    api = Api(session, running.url, "k")
    task = asyncio.create_task(api.post("add", **ADD))
    await hold.arrived.wait()
    async with asyncio.timeout(5):
        await running.close()
        with pytest.raises(aiohttp.ClientConnectionError):
            await task
    assert not panel.orders
    assert hold.done.is_set()
    assert "abandoned" in repr(hold)
    assert waiting.released
    assert not waiting.arrived.is_set()
    assert len(panel.holds) == 0


def test_hold_repr() -> None:
    """The repr tells what is held and how far it got."""
    hold = Hold("add")
    assert repr(hold) == "Hold(action='add', arrived=False, holding)"
    hold.release()
    assert repr(hold) == "Hold(action='add', arrived=False, released)"
    assert hold.matches("add")
    assert not hold.matches("balance")
    assert Hold(None).matches("balance")
