"""Helpers for the polling, entity and storage tests: seed tracked orders, fire polls."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.smm_panel.api import OrderState, RefillState
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.records import TrackedOrder, TrackedRefill
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel

ENTRY_ID = "01JSMMPANELTESTENTRY000000"
"""The id of the `config_entry` fixture (tests/conftest.py)."""
STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
DEVICE_SLUG = "127_0_0_1"
BALANCE = f"sensor.{DEVICE_SLUG}_balance"
"""Entity ids start with the slug of the entry title (the device name)."""
ACTIVE_ORDERS = f"sensor.{DEVICE_SLUG}_active_orders"
POLL = timedelta(minutes=5)
ORDER_ATTRIBUTES = {
    "order_id",
    "service_id",
    "service_name",
    "link",
    "quantity",
    "start_count",
    "remains",
    "delivered",
    "progress",
    "charge",
    "currency",
    "raw_status",
    "placed_at",
    "refill_id",
    "refill_status",
    "error",
}
"""The attributes of an order sensor (CONTRACT §3)."""


def order_entity(order_id: str) -> str:
    """The entity id of a tracked order's sensor."""
    return f"sensor.{DEVICE_SLUG}_order_{order_id}"


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    """The entity's state; the test fails if it has none."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


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
            "orders": [order.as_stored() for order in orders or []],
            "refills": [refill.as_stored() for refill in refills or []],
            "catalogue": catalogue,
        },
    }


def stored_data(hass_storage: dict[str, Any]) -> dict[str, Any]:
    """What the entry's storage file holds now."""
    data: dict[str, Any] = hass_storage[STORAGE_KEY]["data"]
    return data


def seed_storage(
    hass_storage: dict[str, Any],
    orders: list[TrackedOrder] | None = None,
    refills: list[TrackedRefill] | None = None,
    catalogue: dict[str, Any] | None = None,
) -> None:
    """Store tracked orders (and refills) for the test entry before it is set up."""
    hass_storage[STORAGE_KEY] = storage_payload(orders, refills, catalogue)


def seed_orders(
    panel: FakePanel,
    hass_storage: dict[str, Any],
    count: int,
    *,
    site: str = "x.example",
    service: str = SERVICE_FOLLOWERS,
    status: str | None = None,
) -> list[str]:
    """Place `count` orders on the panel (https://{site}/1 …) and store them as tracked; ids."""
    order_ids = [
        panel.create_order(service, f"https://{site}/{n}", status=status)
        for n in range(1, count + 1)
    ]
    seed_storage(hass_storage, [tracked_order(order_id) for order_id in order_ids])
    return order_ids


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up the entry (request `freezer` in the test before calling this)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def restart_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the entry and set it up again: a restart reading the storage as it is now."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def setup_with_order(
    hass: HomeAssistant, entry: MockConfigEntry, panel: FakePanel, hass_storage: dict[str, Any]
) -> str:
    """Place an order on the panel, store it as tracked and set the entry up; its id."""
    (order_id,) = seed_orders(panel, hass_storage, 1)
    await setup_entry(hass, entry)
    return order_id


def flow_sources(hass: HomeAssistant) -> list[str]:
    """The source of each of the integration's config flows in progress (e.g. "reauth")."""
    return [
        flow["context"]["source"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ]


async def fire_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = POLL
) -> None:
    """Move Home Assistant's clock on and wait until the poll it triggers is done."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


type PlatformSnapshot = Callable[[Platform], Coroutine[Any, Any, None]]
"""The `platform_snapshot` fixture (tests/conftest.py): set up one platform, snapshot it."""
