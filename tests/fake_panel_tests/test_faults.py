"""Injected faults as a real aiohttp client experiences them."""

from __future__ import annotations

import asyncio
from decimal import Decimal
import json
import time

import aiohttp
import pytest

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel

from .conftest import KEY, Api

LINK = "https://instagram.com/someone"
ADD = {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": "1000"}


async def test_latency(api: Api, fake: FakePanel) -> None:
    """LATENCY delays one matching request; the next is not delayed (it is measured against a
    second of latency, which no request to 127.0.0.1 takes even on a loaded machine)."""
    fake.inject(Fault.LATENCY, seconds=1.0)
    started = time.perf_counter()
    assert "balance" in await api.call("balance")
    assert time.perf_counter() - started >= 1.0
    started = time.perf_counter()
    await api.call("balance")
    assert time.perf_counter() - started < 1.0


async def test_latency_times_out_a_client(api: Api, fake: FakePanel) -> None:
    """A client timeout shorter than the latency fires."""
    fake.inject(Fault.LATENCY, seconds=1.0)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await api.call("balance")


@pytest.mark.parametrize(
    ("fault", "status", "marker"),
    [
        (Fault.HTTP_500, 500, "Internal Server Error"),
        (Fault.HTTP_502, 502, "502 Bad Gateway"),
        (Fault.HTTP_503, 503, "maintenance"),
    ],
)
async def test_http_errors(
    api: Api, fake: FakePanel, fault: Fault, status: int, marker: str
) -> None:
    """5xx HTML pages; the request has no effect."""
    fake.inject(fault)
    reply = await api.post("add", **ADD)
    assert (reply.status, reply.content_type) == (status, "text/html")
    assert marker in reply.text
    assert not fake.orders
    assert (await api.post("balance")).status == 200


@pytest.mark.parametrize("status", [403, 503])
async def test_cloudflare_page(api: Api, fake: FakePanel, status: int) -> None:
    """A challenge page, text/html, with Cloudflare headers."""
    fake.inject(Fault.HTML_PAGE, status=status)
    reply = await api.post("balance")
    assert (reply.status, reply.content_type) == (status, "text/html")
    assert "Just a moment..." in reply.text
    assert reply.headers["Server"] == "cloudflare"


async def test_malformed_json(api: Api, fake: FakePanel) -> None:
    """A truncated answer; the panel acted (the order exists)."""
    fake.inject(Fault.MALFORMED_JSON, action="add")
    reply = await api.post("add", **ADD)
    assert reply.status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.text)
    assert len(fake.orders) == 1
    fake.inject(Fault.MALFORMED_JSON, body='{"balance": "1', process=False)
    assert (await api.post("balance")).text == '{"balance": "1'


async def test_wrong_shape(api: Api, fake: FakePanel) -> None:
    """Valid JSON of an unexpected shape, default or chosen."""
    fake.inject(Fault.WRONG_SHAPE)
    assert await api.call("services") == {"foo": 1}
    fake.inject(Fault.WRONG_SHAPE, body=[1, 2])
    assert await api.call("balance") == [1, 2]


async def test_rate_limited(api: Api, fake: FakePanel) -> None:
    """429 with a JSON error, with or without Retry-After."""
    fake.inject(Fault.RATE_LIMITED, retry_after=30)
    fake.inject(Fault.RATE_LIMITED)
    first = await api.post("status", order="1")
    second = await api.post("status", order="1")
    assert (first.status, first.headers["Retry-After"]) == (429, "30")
    assert first.json == {"error": "Too many requests. Please try again later."}
    assert second.status == 429
    assert "Retry-After" not in second.headers


async def test_drop_before_has_no_effect(api: Api, fake: FakePanel) -> None:
    """The connection closes unanswered and nothing happened."""
    fake.inject(Fault.DROP_BEFORE, action="add")
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.post("add", **ADD)
    assert not fake.orders
    assert fake.balance == Decimal("100.84292")
    assert "order" in await api.call("add", **ADD)


async def test_drop_after_places_and_charges(api: Api, fake: FakePanel) -> None:
    """The order is placed and charged, but the client only sees a broken connection."""
    fake.inject(Fault.DROP_AFTER, action="add")
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.post("add", **ADD)
    assert list(fake.orders) == ["23501"]
    assert fake.balance == Decimal("99.94292")
    status = await api.call("status", order="23501")
    assert status["status"] == "Pending"


async def test_faults_match_action_and_times(api: Api, fake: FakePanel) -> None:
    """A fault waits for its action and serves ``times`` requests; clear_faults empties."""
    fake.inject(Fault.HTTP_503, action="status", times=2)
    assert (await api.post("balance")).status == 200
    assert (await api.post("status", order="1")).status == 503
    assert (await api.post("status", order="1")).status == 503
    assert (await api.post("status", order="1")).status == 200
    fake.inject(Fault.HTTP_500, times=5)
    assert len(fake.faults) == 1
    fake.clear_faults()
    assert (await api.post("balance")).status == 200


async def test_latency_combines_with_another_fault(api: Api, fake: FakePanel) -> None:
    """A request takes one latency fault and one other fault."""
    fake.inject(Fault.HTTP_502)
    fake.inject(Fault.LATENCY, seconds=0.2)
    started = time.perf_counter()
    assert (await api.post("balance")).status == 502
    assert time.perf_counter() - started >= 0.2


async def test_processed_error_fault(api: Api, fake: FakePanel) -> None:
    """``process=True``: the panel acts, then the proxy answers 502."""
    fake.inject(Fault.HTTP_502, process=True)
    assert (await api.post("add", **ADD)).status == 502
    assert len(fake.orders) == 1


def test_inject_checks_parameters(fake: FakePanel) -> None:
    """Typos and nonsense in fault parameters fail loudly."""
    with pytest.raises(TypeError, match="seconds"):
        fake.inject(Fault.HTTP_500, seconds=1)
    with pytest.raises(ValueError, match="times"):
        fake.inject(Fault.HTTP_500, times=0)
    with pytest.raises(ValueError, match="seconds"):
        fake.inject(Fault.LATENCY, seconds=-1)
    with pytest.raises(TypeError, match="status"):
        fake.inject(Fault.HTML_PAGE, status="403")
    with pytest.raises(TypeError, match="retry_after"):
        fake.inject(Fault.RATE_LIMITED, retry_after=1.5)
    with pytest.raises(TypeError, match="body"):
        fake.inject(Fault.MALFORMED_JSON, body=b"{")
    assert len(fake.faults) == 0


async def test_global_latency_and_fault_on_get(
    served: RunningFakePanel, session: aiohttp.ClientSession, fake: FakePanel
) -> None:
    """Faults apply to GET requests too; ``panel.latency`` slows every request."""
    fake.latency = 0.1
    fake.inject(Fault.HTTP_503)
    started = time.perf_counter()
    params = {"key": KEY, "action": "balance"}
    async with session.get(served.url, params=params) as response:
        assert response.status == 503
    assert time.perf_counter() - started >= 0.1
