"""Helpers for the polling, entity and storage tests: seed tracked orders, fire polls."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.smm_panel.api import OrderState, RefillState
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.tracking import (
    TrackedOrder,
    TrackedRefill,
    order_to_dict,
    refill_to_dict,
)

ENTRY_ID = "01JSMMPANELTESTENTRY000000"
"""The id of the `config_entry` fixture (tests/conftest.py)."""
STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
DEVICE_SLUG = "127_0_0_1"
BALANCE = f"sensor.{DEVICE_SLUG}_balance"
"""Entity ids start with the slug of the entry title (the device name)."""
POLL = timedelta(minutes=5)


def order_entity(order_id: str) -> str:
    """The entity id of a tracked order's sensor."""
    return f"sensor.{DEVICE_SLUG}_order_{order_id}"


def tracked_order(
    order_id: str,
    *,
    state: OrderState | None = None,
    finished_at: datetime | None = None,
    **fields: Any,
) -> TrackedOrder:
    """A tracked-order record as `track_orders` / `add_order` would store it."""
    return TrackedOrder(
        order_id=order_id,
        tracked_at=dt_util.utcnow(),
        state=state,
        finished_at=finished_at,
        **fields,
    )


def tracked_refill(
    refill_id: str, order_id: str, *, state: RefillState | None = None
) -> TrackedRefill:
    """A tracked-refill record."""
    return TrackedRefill(
        refill_id=refill_id, order_id=order_id, requested_at=dt_util.utcnow(), state=state
    )


def storage_payload(
    orders: list[TrackedOrder] | None = None,
    refills: list[TrackedRefill] | None = None,
    catalogue: dict[str, Any] | None = None,
    *,
    version: int = 1,
    minor_version: int = 1,
) -> dict[str, Any]:
    """A `hass_storage` value for the test entry's tracking store."""
    return {
        "version": version,
        "minor_version": minor_version,
        "key": STORAGE_KEY,
        "data": {
            "orders": [order_to_dict(order) for order in orders or []],
            "refills": [refill_to_dict(refill) for refill in refills or []],
            "catalogue": catalogue,
        },
    }


def seed_storage(
    hass_storage: dict[str, Any],
    orders: list[TrackedOrder] | None = None,
    refills: list[TrackedRefill] | None = None,
    catalogue: dict[str, Any] | None = None,
) -> None:
    """Store tracked orders (and refills) for the test entry before it is set up."""
    hass_storage[STORAGE_KEY] = storage_payload(orders, refills, catalogue)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up the entry (request `freezer` in the test before calling this)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def fire_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = POLL
) -> None:
    """Move Home Assistant's clock on and wait until the poll it triggers is done."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
