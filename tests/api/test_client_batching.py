"""Bulk forms: 100 ids per request, at most 4 requests in flight, answers merged."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import aiohttp
import pytest

from custom_components.smm_panel.api import (
    MAX_BATCH,
    MAX_IN_FLIGHT,
    ItemError,
    OrderStatus,
    SmmAuthError,
    SmmConnectionError,
    SmmPanelClient,
    most_telling,
)
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel
from tests.waiting import eventually

from .conftest import CANARY_KEY

LATENCY = 0.05

type Bulk = Callable[[SmmPanelClient, Iterable[str]], Awaitable[Mapping[str, object]]]
BULK: dict[str, tuple[str, Bulk]] = {
    "status_many": ("status", lambda c, ids: c.status_many(ids)),
    "refill_many": ("refill", lambda c, ids: c.refill_many(ids)),
    "refill_status_many": (
        "refill_status",
        lambda c, ids: c.refill_status_many(ids),
    ),
    "cancel_many": ("cancel", lambda c, ids: c.cancel_many(ids)),
}


def test_limits() -> None:
    """The protocol's limits: 100 ids per bulk request, 4 requests in flight."""
    assert (MAX_BATCH, MAX_IN_FLIGHT) == (100, 4)


async def test_250_orders_in_three_requests(client: SmmPanelClient, panel: FakePanel) -> None:
    """250 ids: exactly 3 status requests (100 + 100 + 50), every answer merged."""
    ids = [panel.create_order(SERVICE_FOLLOWERS, f"https://x/{n}", 100) for n in range(250)]
    panel.latency = LATENCY
    result = await client.status_many(ids)
    assert panel.counts == Counter({"status": 3})
    assert sorted(len(record.ids) for record in panel.requests) == [50, 100, 100]
    sent = [i for record in panel.requests for i in record.ids]
    assert sorted(sent) == sorted(ids)
    assert list(result) == ids
    assert all(
        isinstance(item, OrderStatus) and item.order_id == key for key, item in result.items()
    )
    assert 1 < panel.max_in_flight <= MAX_IN_FLIGHT


@pytest.mark.parametrize("method", BULK)
async def test_every_bulk_form_batches(
    client: SmmPanelClient, panel: FakePanel, method: str
) -> None:
    """Each bulk method: 250 distinct ids among duplicates and blanks → 3 requests, 250 results."""
    action, call = BULK[method]
    ids = [str(900000 + n) for n in range(250)]
    noisy = [*ids, "", "   ", *ids[:50], *(f" {i} " for i in ids[100:120]), "\t"]
    result = await call(client, noisy)
    assert panel.counts == Counter({action: 3})
    sent = [i for record in panel.requests for i in record.ids]
    assert len(sent) == len(set(sent)) == 250
    assert set(sent) == set(ids)
    field = "refills" if action == "refill_status" else "orders"
    assert all(record.fields[field].count(",") < MAX_BATCH for record in panel.requests)
    assert set(result) == set(ids)
    assert all(isinstance(item, ItemError) and item.item_id == key for key, item in result.items())


async def test_never_more_than_four_in_flight(client: SmmPanelClient, panel: FakePanel) -> None:
    """1000 ids (10 batches) and 6 more calls at once: the panel never sees more than 4."""
    panel.latency = LATENCY
    ids = [str(n) for n in range(1, 1001)]
    others = [
        client.balance(),
        client.services(),
        client.refill_status_many(ids[:150]),
        client.balance(),
        client.balance(),
        client.balance(),
    ]
    statuses, _ = await asyncio.gather(client.status_many(ids), asyncio.gather(*others))
    assert len(statuses) == 1000
    assert panel.counts == Counter({"status": 10, "balance": 4, "services": 1, "refill_status": 2})
    assert panel.max_in_flight == MAX_IN_FLIGHT


async def test_in_flight_limit_is_configurable(
    running_panel: RunningFakePanel, session: aiohttp.ClientSession, panel: FakePanel
) -> None:
    """`max_in_flight` caps this client's concurrent requests."""
    api = SmmPanelClient(running_panel.url, CANARY_KEY, session, max_in_flight=2)
    panel.latency = LATENCY
    await api.status_many(str(n) for n in range(1, 501))
    assert panel.counts == Counter({"status": 5})
    assert panel.max_in_flight == 2


async def test_batches_are_retried_one_by_one(client: SmmPanelClient, panel: FakePanel) -> None:
    """A failed batch is retried alone; the others are not sent again."""
    panel.inject(Fault.HTTP_502, action="status")
    result = await client.status_many(str(n) for n in range(1, 251))
    assert len(result) == 250
    assert panel.counts == Counter({"status": 4})
    assert sorted(len(record.ids) for record in panel.requests) == [50, 100, 100, 100]


async def test_a_failing_batch_fails_the_call(client: SmmPanelClient, panel: FakePanel) -> None:
    """When a batch fails twice, the whole bulk call raises SmmConnectionError."""
    panel.inject(Fault.HTTP_503, action="status", times=6)
    with pytest.raises(SmmConnectionError):
        await client.status_many(str(n) for n in range(1, 251))
    await eventually(lambda: panel.counts["status"] == 6 and panel.in_flight == 0)
    assert panel.counts == Counter({"status": 6})


WRITES: dict[str, Bulk] = {
    "refill": lambda c, ids: c.refill_many(ids),
    "cancel": lambda c, ids: c.cancel_many(ids),
}


@pytest.mark.parametrize(
    ("fault", "params", "prefix"),
    [
        (Fault.HTTP_503, {}, "No usable answer, the outcome is unknown: "),
        (Fault.DROP_AFTER, {}, "No usable answer, the outcome is unknown: "),
        (Fault.HTML_PAGE, {}, "No usable answer, the outcome is unknown: "),
        (Fault.RATE_LIMITED, {}, "Not sent: "),
        (Fault.WRONG_SHAPE, {"body": {"error": "Incorrect request"}}, "'Incorrect request'"),
    ],
)
@pytest.mark.parametrize("action", list(WRITES))
async def test_a_failing_write_batch_is_reported_per_order(
    client: SmmPanelClient,
    panel: FakePanel,
    action: str,
    fault: Fault,
    params: dict[str, Any],
    prefix: str,
) -> None:
    """Refills and cancels other batches made are kept; the failed batch's orders say why."""
    status = "Completed" if action == "refill" else None
    ids = [
        panel.create_order(SERVICE_FOLLOWERS, f"https://x/{n}", 100, status=status)
        for n in range(150)
    ]
    panel.inject(fault, action=action, **params)
    result = await WRITES[action](client, ids)

    assert list(result) == ids
    failed = [i for i, item in result.items() if isinstance(item, ItemError)]
    assert len(failed) in (50, 100)  # exactly one batch, whichever was answered first
    assert all(str(result[i]).count(prefix) == 1 for i in failed), result[failed[0]]
    assert panel.counts == Counter({action: 2})  # writes are never retried
    if action == "refill":
        made = {refill.order_id for refill in panel.refills.values()}
    else:
        made = {i for i in ids if panel.orders[i].cancel_at is not None}
    assert set(ids) - set(failed) <= made
    if not prefix.startswith("No usable answer"):  # certainly not done for the failed batch
        assert made == set(ids) - set(failed)


@pytest.mark.parametrize("action", list(WRITES))
async def test_write_batches_all_failing_raise(
    client: SmmPanelClient, panel: FakePanel, action: str
) -> None:
    """With no batch through there is nothing to report per order: the call raises."""
    panel.inject(Fault.HTTP_503, action=action, times=2)
    with pytest.raises(SmmConnectionError):
        await WRITES[action](client, [str(n) for n in range(1, 151)])


@pytest.mark.parametrize("action", list(WRITES))
async def test_rejected_key_in_one_batch_raises(
    client: SmmPanelClient, panel: FakePanel, action: str
) -> None:
    """A rejected key is never an item error, even beside a batch that got through."""
    panel.inject(Fault.WRONG_SHAPE, action=action, body={"error": "Invalid API key"})
    with pytest.raises(SmmAuthError):
        await WRITES[action](client, [str(n) for n in range(1, 151)])


def test_most_telling_error() -> None:
    """A bug or cancellation first, then a rejected key, otherwise the first error."""
    first, auth, bug = SmmConnectionError("a"), SmmAuthError("b"), ValueError("c")
    assert most_telling([first, auth]) is auth
    assert most_telling([first, auth, bug]) is bug
    assert most_telling([first, SmmConnectionError("d")]) is first
