"""Tests for tracking.py: the OrderTracker of one config entry.

Tracking and untracking orders and refills (saved at once, listeners told, no-ops neither),
applying a poll's answers (only changes make new records, no listener is told), and expiring
finished orders after the retention time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.smm_panel.api import (
    ItemError,
    OrderState,
    OrderStatus,
    RefillState,
    RefillStatus,
)
from custom_components.smm_panel.records import TrackedOrder
from custom_components.smm_panel.tracking import OrderTracker, _order_after
from tests.polling_helpers import tracked_order, tracked_refill


async def test_tracker_changes(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    """Tracking changes are saved at once and tell the listeners; no-ops do neither."""
    tracker = OrderTracker(hass, "test")
    await tracker.async_load()
    key = "smm_panel.test"
    assert key not in hass_storage
    calls: list[int] = []
    remove = tracker.async_add_listener(lambda: calls.append(len(tracker.orders)))

    first = tracked_order("1", link="https://a.example")
    assert await tracker.async_track([first, tracked_order("2")]) == ["1", "2"]
    assert [o["order_id"] for o in hass_storage[key]["data"]["orders"]] == ["1", "2"]
    assert calls == [2]
    # Already tracked: the stored record is kept, nothing is written.
    assert await tracker.async_track([tracked_order("1", link="https://b.example")]) == []
    assert tracker.orders["1"] is first
    assert calls == [2]

    await tracker.async_track_refills(
        [tracked_refill("55", "1"), tracked_refill("56", "404")]  # 404 is not tracked
    )
    assert tracker.orders["1"].refill_id == "55"
    assert list(tracker.refills) == ["55"]
    assert hass_storage[key]["data"]["refills"][0]["refill_id"] == "55"
    assert calls == [2, 2]  # the order's record changed: it names its refill
    refill = tracker.refill_of(tracker.orders["1"])
    assert refill is not None
    assert refill.refill_id == "55"
    assert tracker.refill_of(tracker.orders["2"]) is None
    await tracker.async_track_refills([tracked_refill("57", "404")])
    assert calls == [2, 2]

    assert await tracker.async_untrack(["1", "1", "3"]) == ["1"]
    assert tracker.refills == {}
    assert [o["order_id"] for o in hass_storage[key]["data"]["orders"]] == ["2"]
    assert calls == [2, 2, 1]
    assert await tracker.async_untrack(["3"]) == []
    assert calls == [2, 2, 1]

    remove()
    await tracker.async_untrack(["2"])
    assert calls == [2, 2, 1]
    await tracker.async_remove()
    assert key not in hass_storage


async def test_apply_poll(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    """Answers for untracked ids and refill errors are ignored; only changes make new records.

    A poll tells no listener: its changes reach the entities as the coordinator's result.
    """
    tracker = OrderTracker(hass, "test")
    await tracker.async_load()
    await tracker.async_track([tracked_order("1")])
    await tracker.async_track_refills([tracked_refill("55", "1")])
    calls: list[None] = []
    tracker.async_add_listener(lambda: calls.append(None))
    first = tracker.orders["1"]
    now = dt_util.utcnow()
    status = OrderStatus(
        order_id="1",
        state=OrderState.IN_PROGRESS,
        raw_status="In progress",
        charge=Decimal("0.9"),
        start_count=10,
        remains=5,
        currency=None,
    )
    changes = tracker.async_apply_poll(
        {"1": status, "2": status},  # "2" was untracked while the poll was in flight
        {
            "55": ItemError(item_id="55", error="Refill not found"),
            "56": ItemError(item_id="56", error="x"),
        },
        now,
    )
    assert changes.orders == []  # first observation
    assert changes.refills == []
    assert set(tracker.orders) == {"1"}
    assert tracker.orders["1"].state is OrderState.IN_PROGRESS
    assert tracker.refills["55"].state is None
    assert tracker.orders["1"] is not first
    before = tracker.refills["55"]

    # The same answers again: nothing changed, and the record is not even rebuilt (the
    # benchmark found rebuilding and comparing 10 000 records blocked the loop for 79 ms).
    unchanged = tracker.orders["1"]
    assert _order_after(unchanged, status, now + timedelta(minutes=5)) is unchanged
    tracker.async_apply_poll({"1": status}, {}, now)
    assert tracker.orders["1"] is unchanged

    refill_status = RefillStatus(refill_id="55", state=RefillState.PENDING, raw_status="Pending")
    changes = tracker.async_apply_poll({}, {"55": refill_status}, now)
    assert changes.refills == []
    after = tracker.refills["55"]
    assert after is not before
    assert after.state is RefillState.PENDING

    # A status the order already had keeps it unfinished; the currency it reported stays.
    tracker.orders["1"] = TrackedOrder(
        order_id="1", tracked_at=now, state=OrderState.IN_PROGRESS, currency="EUR"
    )
    tracker.async_apply_poll({"1": status}, {}, now)
    assert tracker.orders["1"].currency == "EUR"
    assert not tracker.orders["1"].finished
    assert calls == []


async def test_expire(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    """Only finished orders older than the retention leave."""
    tracker = OrderTracker(hass, "test")
    await tracker.async_load()
    now = dt_util.utcnow()
    await tracker.async_track(
        [
            tracked_order("old", finished_at=now - timedelta(hours=3)),
            tracked_order("new", finished_at=now - timedelta(hours=1)),
            tracked_order("open"),
        ]
    )
    assert tracker.async_expire(now, timedelta(hours=2)) == ["old"]
    assert set(tracker.orders) == {"new", "open"}
    assert tracker.async_expire(now, timedelta(hours=2)) == []
    assert [o.order_id for o in tracker.active_orders()] == ["open"]
    assert tracker.unfinished_order_ids() == ["open"]


async def test_spend(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    """The spend: estimates at placement, replaced by charges; kept after untracking and
    written with the file; orders placed elsewhere and a repeated id count only once."""
    tracker = OrderTracker(hass, "test")
    await tracker.async_load()
    calls: list[Decimal] = []
    tracker.async_add_listener(lambda: calls.append(tracker.spent))
    now = dt_util.utcnow()
    placed = tracked_order("1", service_id="1", estimated_cost=Decimal("0.90"))
    await tracker.async_placed(placed, track=True)
    # Placed with track: false, on a service the record does not name: only the money counts.
    await tracker.async_placed(tracked_order("9", estimated_cost=Decimal("2.5")), track=False)
    # The panel answers an id that is tracked already: its record stays, the money counts.
    again = replace(placed, link="https://other.example", estimated_cost=Decimal("0.10"))
    await tracker.async_placed(again, track=True)
    assert tracker.orders["1"] is placed
    assert "9" not in tracker.orders
    assert calls == [Decimal("0.90"), Decimal("3.40"), Decimal("3.50")]
    assert set(tracker.placed_services) == {"1"}
    await tracker.async_track([tracked_order("2")])  # placed elsewhere: no estimate

    def status(order_id: str, charge: str) -> OrderStatus:
        return OrderStatus(
            order_id=order_id,
            state=OrderState.PARTIAL,
            raw_status="Partial",
            charge=Decimal(charge),
            start_count=0,
            remains=400,
            currency="USD",
        )

    tracker.async_apply_poll({"1": status("1", "0.54"), "2": status("2", "7")}, {}, now)
    assert tracker.spent == Decimal("3.14")
    await tracker.async_untrack(["1", "2"])
    assert tracker.spent == Decimal("3.14")
    assert hass_storage["smm_panel.test"]["data"]["spent"] == "3.14"

    reloaded = OrderTracker(hass, "test")
    await reloaded.async_load()
    assert reloaded.spent == Decimal("3.14")
