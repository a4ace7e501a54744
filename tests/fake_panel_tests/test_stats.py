"""The request log, per-action counters and the concurrency peak."""

from __future__ import annotations

import asyncio

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel

from .conftest import KEY, Api


async def test_log_and_counts(api: Api, fake: FakePanel) -> None:
    """Every request is logged without the key, with its ids, time and fault."""
    await api.call("balance")
    fake.advance(30)
    await api.call("status", orders="1, 2,3")
    await api.call("refill_status", refill="9")
    fake.inject(Fault.HTTP_500)
    await api.post("add", service=SERVICE_FOLLOWERS, link="x", quantity="50")
    await api.post("balance", key="wrong")
    assert fake.counts == {"balance": 2, "status": 1, "refill_status": 1, "add": 1}
    first, status, refill, add, bad_key = fake.requests
    assert (first.action, first.time, first.method, first.ids) == ("balance", 0, "POST", ())
    assert status.fields == {"action": "status", "orders": "1, 2,3"}
    assert (status.ids, status.time) == (("1", "2", "3"), 30)
    assert refill.ids == ("9",)
    assert add.fault is Fault.HTTP_500
    assert "key" not in bad_key.fields
    assert all(KEY not in repr(record) for record in fake.requests)
    assert KEY not in repr(fake)


async def test_reset_stats(api: Api, fake: FakePanel) -> None:
    """reset_stats forgets the log, the counts and the peak."""
    await api.call("balance")
    fake.reset_stats()
    assert (fake.requests, fake.counts, fake.max_in_flight) == ([], {}, 0)
    await api.call("services")
    assert fake.counts == {"services": 1}


async def test_max_in_flight(api: Api, fake: FakePanel) -> None:
    """Concurrent requests are counted while they are being handled."""
    fake.latency = 0.2
    await asyncio.gather(*(api.call("balance") for _ in range(5)))
    assert fake.max_in_flight == 5
    assert fake.in_flight == 0
    fake.reset_stats()
    for _ in range(3):
        await api.call("balance")
    assert fake.max_in_flight == 1


async def test_server_helpers(fake: FakePanel, socket_enabled: None) -> None:
    """``await start_fake_panel`` and the context-manager form both serve on loopback."""
    from tests.fake_panel import start_fake_panel

    running = await start_fake_panel(fake)
    try:
        assert isinstance(running, RunningFakePanel)
        assert running.url == f"http://127.0.0.1:{running.port}/api/v2"
        assert running.port > 0
        assert running.panel is fake
    finally:
        await running.close()
    async with start_fake_panel(fake) as second, await start_fake_panel(fake) as third:
        assert second.port != third.port
