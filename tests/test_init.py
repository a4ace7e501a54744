"""Setting up, unloading and removing an entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.tracking import SAVE_DELAY
from tests.fake_panel import PENDING_SECONDS, SERVICE_FOLLOWERS, FakePanel, Fault
from tests.polling_helpers import (
    BALANCE,
    STORAGE_KEY,
    fire_poll,
    flow_sources,
    order_entity,
    seed_storage,
    setup_entry,
    setup_with_order,
    state_of,
    tracked_order,
)


async def test_setup_and_unload(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Setup polls once and fetches the catalogue; unload leaves nothing loaded."""
    entry = setup_integration
    assert entry.state is ConfigEntryState.LOADED
    assert panel.counts["balance"] == 1
    assert panel.counts["services"] == 1
    state = state_of(hass, BALANCE)
    assert state.state == "100.84292"
    assert state.attributes["unit_of_measurement"] == "USD"
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert [d.identifiers for d in devices] == [{(DOMAIN, entry.entry_id)}]
    device = devices[0]
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    assert device.manufacturer == "SMM panel"
    assert await hass.config_entries.async_unload(entry.entry_id)
    unloaded = hass.config_entries.async_get_entry(entry.entry_id)
    assert unloaded is not None
    assert unloaded.state is ConfigEntryState.NOT_LOADED


async def test_connection_error_retries_setup(
    hass: HomeAssistant, config_entry: MockConfigEntry, panel: FakePanel
) -> None:
    """A panel that cannot be reached makes setup retry later."""
    panel.inject(Fault.HTTP_503, action="balance", times=2)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_rejected_key_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, panel: FakePanel
) -> None:
    """A key the panel rejects at setup starts the reauth flow."""
    panel.key = "another-key"
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert flow_sources(hass) == ["reauth"]


async def test_restart_keeps_tracked_orders(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """Tracked orders are written at unload and come back, entities and all, at the next setup."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/1")
    seed_storage(hass_storage, [tracked_order(order_id, link="https://x.example/1")])
    await setup_entry(hass, config_entry)
    entity_id = order_entity(order_id)
    panel.advance(PENDING_SECONDS)
    await fire_poll(hass, freezer)  # the change is saved later (batched) ...
    assert hass_storage[STORAGE_KEY]["data"]["orders"][0]["state"] == "pending"

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    # ... or at unload, whichever comes first.
    assert hass_storage[STORAGE_KEY]["data"]["orders"][0]["state"] == "in_progress"
    assert state_of(hass, entity_id).state == "unavailable"
    assert entity_registry.async_get(entity_id) is not None

    panel.reset_stats()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    state = state_of(hass, entity_id)
    assert state.state == "in_progress"
    assert state.attributes["link"] == "https://x.example/1"
    assert "services" not in panel.counts  # the stored catalogue is fresh


async def test_poll_results_saved_after_a_delay(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Poll results reach the storage file without an unload, batched into one delayed write."""
    await setup_with_order(hass, config_entry, panel, hass_storage)
    await fire_poll(hass, freezer, timedelta(seconds=SAVE_DELAY))
    assert hass_storage[STORAGE_KEY]["data"]["orders"][0]["state"] == "pending"


async def test_remove_entry_deletes_storage(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removing the entry deletes its storage file."""
    order_id = await setup_with_order(hass, config_entry, panel, hass_storage)
    assert STORAGE_KEY in hass_storage
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert STORAGE_KEY not in hass_storage
    assert hass.states.get(order_entity(order_id)) is None


async def test_failed_unload_keeps_running(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """If a platform cannot unload, the entry is not torn down and nothing is written."""
    entry = setup_integration
    await fire_poll(hass, freezer, timedelta(seconds=SAVE_DELAY))  # flush the setup's write
    del hass_storage[STORAGE_KEY]
    with patch.object(hass.config_entries, "async_unload_platforms", return_value=False):
        assert not await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.FAILED_UNLOAD
    assert STORAGE_KEY not in hass_storage
    await entry.runtime_data.coordinator.async_shutdown()


async def test_options_change_reloads(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """A changed option takes effect through a reload: the new scan interval is used."""
    entry = setup_integration
    assert entry.runtime_data.coordinator.update_interval == timedelta(minutes=5)
    hass.config_entries.async_update_entry(entry, options={"scan_interval": 30})
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.update_interval == timedelta(minutes=30)
    assert panel.counts["balance"] == 2
