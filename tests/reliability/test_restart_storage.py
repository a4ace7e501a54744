"""Restarts and storage (issue 7): an order placed just before a restart survives it.

Corrupt and old-/future-version storage files are covered by tests/test_tracking.py
(test_corrupt_storage, test_unreadable_storage_reset, test_future_version_reset,
test_other_minor_version_loads) and entry removal by tests/test_init.py
(test_remove_entry_deletes_storage); this module adds the add_order-then-restart path.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel
from tests.polling_helpers import STORAGE_KEY, order_entity, setup_entry
from tests.services_common import LINK, call, runtime


async def test_order_stored_before_add_order_returns(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The new order is in the storage file when add_order returns, and after a restart."""
    await setup_entry(hass, config_entry)
    response = await call(
        hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100}
    )
    assert response is not None
    order_id = str(response["order"])
    # No time has passed: no delayed save can have run; the write was immediate.
    stored = [order["order_id"] for order in hass_storage[STORAGE_KEY]["data"]["orders"]]
    assert stored == [order_id]

    # A crash-like restart: the storage as it is now, read by a fresh setup.
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert order_id in runtime(config_entry).tracker.orders
    state = hass.states.get(order_entity(order_id))
    assert state is not None
    assert state.attributes["link"] == LINK
    assert panel.counts["add"] == 1


async def test_removed_entry_leaves_no_file_after_orders(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removing the entry after actions wrote its file leaves no smm_panel storage behind."""
    await setup_entry(hass, config_entry)
    await call(hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100})
    assert STORAGE_KEY in hass_storage
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    freezer.tick(60)  # past any delayed save that could write it again
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert not [key for key in hass_storage if key.startswith("smm_panel")]
