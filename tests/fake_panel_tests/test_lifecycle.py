"""Order and refill lifecycles on the manual clock, endings, refunds and seeding helpers."""

from __future__ import annotations

from decimal import Decimal
import time

from freezegun.api import FrozenDateTimeFactory
import pytest

from tests.fake_panel import (
    DELIVERY_SECONDS,
    PENDING_SECONDS,
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_PACKAGE,
    FakeClock,
    FakePanel,
)

from .conftest import Api

LINK = "https://instagram.com/someone"


async def _add(api: Api, link: str = LINK, quantity: int = 1000) -> str:
    answer = await api.call("add", service=SERVICE_FOLLOWERS, link=link, quantity=str(quantity))
    return str(answer["order"])


async def test_pending_in_progress_completed(api: Api, fake: FakePanel) -> None:
    """Pending 60 s, then linear delivery for 240 s with start_count set, then Completed."""
    order = await _add(api)
    seen = []
    for step in (0, 59, 1, 60, 120, 59, 1, 1000):
        fake.advance(step)
        answer = await api.call("status", order=order)
        seen.append((answer["status"], answer["start_count"], answer["remains"]))
    start = str(fake.orders[order].start_count)
    assert seen == [
        ("Pending", "0", "1000"),
        ("Pending", "0", "1000"),
        ("In progress", start, "1000"),
        ("In progress", start, "750"),
        ("In progress", start, "250"),
        ("In progress", start, "5"),
        ("Completed", start, "0"),
        ("Completed", start, "0"),
    ]
    assert int(start) > 0
    assert fake.balance == Decimal("99.94292")


async def test_time_does_not_move_by_itself(api: Api, fake: FakePanel) -> None:
    """With speed 0 only advance() moves time, whatever the real clock does."""
    order = await _add(api)
    await api.call("balance")
    assert (await api.call("status", order=order))["status"] == "Pending"
    assert fake.now() == 0


def test_frozen_time_does_not_leak(freezer: FrozenDateTimeFactory) -> None:
    """freezegun moving (or freezing) wall and monotonic time never moves a speed-0 clock."""
    clock = FakeClock()
    freezer.tick(3600)
    assert clock.now() == 0
    clock.advance(5)
    assert clock.now() == 5


def test_real_time_clock_scales() -> None:
    """A positive speed runs real time faster; advance() still adds."""
    clock = FakeClock(speed=1000)
    time.sleep(0.01)
    assert clock.now() >= 10
    clock.advance(100)
    assert clock.now() >= 110
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="speed"):
        FakeClock(speed=-1)


async def test_partial_link_ends_partial_with_refund(api: Api, fake: FakePanel) -> None:
    """A link containing "partial" delivers three quarters and refunds the rest."""
    order = await _add(api, "https://instagram.com/partial-account", 1000)
    assert fake.balance == Decimal("99.94292")
    fake.advance(PENDING_SECONDS + DELIVERY_SECONDS / 2)
    mid = await api.call("status", order=order)
    assert mid["status"] == "In progress"
    assert mid["remains"] == "625"
    fake.advance(DELIVERY_SECONDS)
    assert await api.call("status", order=order) == {
        "charge": "0.67500",
        "start_count": mid["start_count"],
        "status": "Partial",
        "remains": "250",
        "currency": "USD",
    }
    assert fake.balance == Decimal("100.16792")


async def test_private_link_is_canceled_and_refunded(api: Api, fake: FakePanel) -> None:
    """A link containing "private" is Canceled with a full refund when Pending ends."""
    order = await _add(api, "https://instagram.com/private_user")
    fake.advance(PENDING_SECONDS)
    answer = await api.call("status", order=order)
    assert (answer["status"], answer["remains"], answer["charge"]) == (
        "Canceled",
        "1000",
        "0.00000",
    )
    assert fake.balance == Decimal("100.84292")


async def test_stuck_link_never_finishes(api: Api, fake: FakePanel) -> None:
    """A link containing "stuck" stalls half-way In progress for ever."""
    order = await _add(api, "https://instagram.com/stuck")
    fake.advance(100_000)
    answer = await api.call("status", order=order)
    assert (answer["status"], answer["remains"]) == ("In progress", "500")


async def test_cancel_pending_is_canceled_next_step(api: Api, fake: FakePanel) -> None:
    """A cancel request takes effect a moment later: Canceled and fully refunded."""
    order = await _add(api)
    assert await api.call("cancel", orders=order) == [{"order": int(order), "cancel": 1}]
    assert (await api.call("status", order=order))["status"] == "Pending"
    assert fake.balance == Decimal("99.94292")
    fake.advance(1)
    answer = await api.call("status", order=order)
    assert (answer["status"], answer["remains"]) == ("Canceled", "1000")
    assert fake.balance == Decimal("100.84292")
    fake.advance(1000)
    assert (await api.call("status", order=order))["status"] == "Canceled"


async def test_cancel_in_progress_becomes_partial(api: Api, fake: FakePanel) -> None:
    """Cancelling a half-delivered order ends it Partial, refunding the undelivered half."""
    order = await _add(api)
    fake.advance(PENDING_SECONDS + DELIVERY_SECONDS / 2 - 1)
    await api.call("cancel", orders=order)
    fake.advance(1)
    answer = await api.call("status", order=order)
    assert (answer["status"], answer["remains"], answer["charge"]) == ("Partial", "500", "0.45000")
    assert fake.balance == Decimal("100.39292")
    assert await api.call("cancel", orders=order) == [
        {"order": int(order), "cancel": {"error": "Cannot cancel"}}
    ]


async def test_cancel_of_a_pinned_running_order(api: Api, fake: FakePanel) -> None:
    """Orders seeded as In progress can be cancelled too."""
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, 1000, status="In progress", remains=400)
    await api.call("cancel", orders=order)
    fake.advance(5)
    answer = await api.call("status", order=order)
    assert (answer["status"], answer["remains"]) == ("Partial", "400")


async def test_set_order_status_refunds_once(api: Api, fake: FakePanel) -> None:
    """Forcing endings refunds what a panel would, never twice."""
    order = await _add(api)
    fake.set_order_status(order, "Partial", remains=100)
    assert fake.balance == Decimal("99.94292") + Decimal("0.09")
    fake.set_order_status(order, "Partial", remains=100)
    assert fake.balance == Decimal("100.03292")
    fake.set_order_status(order, "Canceled")
    assert fake.balance == Decimal("100.84292")
    answer = await api.call("status", order=order)
    assert (answer["status"], answer["remains"], answer["charge"]) == (
        "Canceled",
        "1000",
        "0.00000",
    )
    fake.advance(10_000)
    assert (await api.call("status", order=order))["status"] == "Canceled"


async def test_set_order_status_defaults(api: Api, fake: FakePanel) -> None:
    """Defaults: Completed remains 0; Partial keeps what is undelivered or half; any text."""
    order = await _add(api)
    fake.set_order_status(order, "Completed")
    assert (await api.call("status", order=order))["remains"] == "0"
    fake.set_order_status(order, "Partial")
    assert (await api.call("status", order=order))["remains"] == "500"
    fake.set_order_status(order, "Awaiting", remains=1000, start_count=0)
    answer = await api.call("status", order=order)
    assert (answer["status"], answer["start_count"]) == ("Awaiting", "0")
    with pytest.raises(KeyError):
        fake.set_order_status("404", "Completed")


async def test_dripfeed_takes_longer(api: Api, fake: FakePanel) -> None:
    """Drip-feed adds (runs - 1) x interval minutes of delivery."""
    answer = await api.call(
        "add", service=SERVICE_LIKES_DRIPFEED, link=LINK, quantity="100", runs="3", interval="10"
    )
    order = str(answer["order"])
    fake.advance(PENDING_SECONDS + DELIVERY_SECONDS)
    assert (await api.call("status", order=order))["status"] == "In progress"
    fake.advance(20 * 60)
    assert (await api.call("status", order=order))["status"] == "Completed"


async def test_refill_lifecycle(api: Api, fake: FakePanel) -> None:
    """Refill: Pending 60 s, In progress 120 s, then Completed; another may follow."""
    order = await _add(api)
    assert await api.call("refill", order=order) == {"error": "Order not eligible for refill."}
    fake.advance(300)
    refill = (await api.call("refill", order=order))["refill"]
    seen = []
    for step in (0, 60, 119, 1):
        fake.advance(step)
        seen.append((await api.call("refill_status", refill=refill))["status"])
    assert seen == ["Pending", "In progress", "In progress", "Completed"]
    assert "refill" in await api.call("refill", order=order)


async def test_reject_link_rejects_refills(api: Api, fake: FakePanel) -> None:
    """A link containing "reject" gets its refills Rejected."""
    order = fake.create_order(SERVICE_FOLLOWERS, "https://x.com/reject-me", status="Completed")
    refill = (await api.call("refill", order=order))["refill"]
    fake.advance(180)
    assert await api.call("refill_status", refill=refill) == {"status": "Rejected"}


async def test_set_refill_status(api: Api, fake: FakePanel) -> None:
    """Forcing a refill status pins it."""
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, status="Partial")
    refill = fake.create_refill(order)
    fake.set_refill_status(refill, "Canceled")
    fake.advance(1000)
    assert await api.call("refill_status", refill=refill) == {"status": "Canceled"}
    seeded = fake.create_refill(order, status="Processing")
    assert await api.call("refill_status", refill=seeded) == {"status": "Processing"}
    with pytest.raises(KeyError):
        fake.set_refill_status("404", "Completed")


async def test_create_order_seeding(api: Api, fake: FakePanel) -> None:
    """Seeded orders cost nothing, can be backdated and priced explicitly."""
    aged = fake.create_order(SERVICE_FOLLOWERS, LINK, 1000, age=PENDING_SECONDS + 120)
    package = fake.create_order(SERVICE_PACKAGE, LINK)
    priced = fake.create_order(SERVICE_FOLLOWERS, LINK + "/2", charge="1.23456")
    assert fake.balance == Decimal("100.84292")
    bulk = await api.call("status", orders=f"{aged},{package},{priced}")
    assert (bulk[aged]["status"], bulk[aged]["remains"]) == ("In progress", "500")
    assert (bulk[package]["charge"], bulk[package]["remains"]) == ("4.99000", "1")
    assert bulk[priced]["charge"] == "1.23456"


async def test_number_next_chooses_the_next_ids(api: Api, fake: FakePanel) -> None:
    """`number_next` makes the next orders and refills, seeded or over HTTP, count from there."""
    assert fake.create_order(SERVICE_FOLLOWERS, LINK) == "23501"
    fake.number_next(order=1)
    assert fake.create_order(SERVICE_FOLLOWERS, LINK, status="Completed") == "1"
    assert await _add(api, f"{LINK}/2") == "2"
    fake.number_next(refill=55)
    assert await api.call("refill", order="1") == {"refill": "55"}
    assert fake.create_refill("2") == "56"
    fake.number_next()  # neither: nothing changes
    assert fake.create_order(SERVICE_FOLLOWERS, f"{LINK}/3") == "3"
    assert sorted(fake.orders) == ["1", "2", "23501", "3"]


async def test_ten_thousand_orders_are_cheap(api: Api, fake: FakePanel) -> None:
    """Benchmarks seed 10 000 orders and read them 100 at a time (CPU time of this thread,
    which a loaded machine does not stretch)."""
    started = time.thread_time()
    ids = [fake.create_order(SERVICE_FOLLOWERS, f"{LINK}/{n}", 100) for n in range(10_000)]
    assert time.thread_time() - started < 2
    assert len(set(ids)) == 10_000
    answer = await api.call("status", orders=",".join(ids[-100:]))
    assert len(answer) == 100
    assert all(item["status"] == "Pending" for item in answer.values())
