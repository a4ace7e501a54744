"""Setting up, unloading and removing an entry."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import DOMAIN
from tests.fake_panel import FakePanel, Fault


async def test_setup_and_unload(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Setup polls once and fetches the catalogue; unload leaves nothing loaded."""
    entry = setup_integration
    assert entry.state is ConfigEntryState.LOADED
    assert panel.counts["balance"] == 1
    assert panel.counts["services"] == 1
    state = hass.states.get("sensor.127_0_0_1_balance")
    assert state is not None
    assert state.state == "100.84292"
    assert state.attributes["unit_of_measurement"] == "USD"
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, entry.entry_id)})
    assert device is not None
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
    flows: list[dict[str, Any]] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)  # type: ignore[assignment]
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
