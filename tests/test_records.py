"""Tests for records.py: the tracked-order and tracked-refill records.

Delivered units and progress, computed from the quantity and the remains; and a record's
stored shape (`as_stored` / `from_stored`): a stored record comes back field for field
through a real setup, and is written back the same.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.api import OrderState
from custom_components.smm_panel.records import TrackedOrder
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel
from tests.polling_helpers import seed_storage, setup_entry, stored_data


@pytest.mark.parametrize(
    ("quantity", "remains", "delivered", "progress"),
    [
        (None, 10, None, None),
        (100, None, None, None),
        (0, 0, 0, None),
        (1000, 1000, 0, 0.0),
        (1000, 333, 667, 66.7),
        (1000, 0, 1000, 100.0),
        (1000, 1500, 0, 0.0),  # more remaining than ordered: nothing delivered
        (1000, -20, 1020, 100.0),  # over-delivery is capped at 100 %
    ],
)
def test_delivered_and_progress(
    quantity: int | None, remains: int | None, delivered: int | None, progress: float | None
) -> None:
    """Delivered and progress are computed from quantity and remains, when both are known."""
    order = TrackedOrder(
        order_id="1", tracked_at=dt_util.utcnow(), quantity=quantity, remains=remains
    )
    assert order.delivered == delivered
    assert order.progress == progress


async def test_restored_records(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A stored record comes back field for field, and is written back the same."""
    now = dt_util.utcnow()
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/1", 100, status="Partial")
    record = TrackedOrder(
        order_id=order_id,
        tracked_at=now - timedelta(hours=1),
        service_id="1",
        service_name="Followers",
        link="https://x.example/1",
        quantity=100,
        placed_at=now - timedelta(hours=1),
        state=OrderState.PARTIAL,
        raw_status="Partial",
        charge=Decimal("0.04500"),
        start_count=panel.order_view(order_id).start_count,
        remains=50,
        currency="USD",
        error=None,
        error_count=0,
        finished_at=now - timedelta(minutes=30),
        refill_id=None,
    )
    seed_storage(hass_storage, [record])
    await setup_entry(hass, config_entry)
    tracker = config_entry.runtime_data.tracker
    assert tracker.orders == {order_id: record}
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert stored_data(hass_storage)["orders"] == [record.as_stored()]
