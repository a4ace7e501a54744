"""The low-balance binary sensor: only while a threshold is set (CONTRACT §3)."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import CONF_LOW_BALANCE_THRESHOLD
from tests.fake_panel import FakePanel, Fault
from tests.polling_helpers import DEVICE_SLUG, ENTRY_ID, PlatformSnapshot, fire_poll, state_of

LOW_BALANCE = f"binary_sensor.{DEVICE_SLUG}_low_balance"
BALANCE = f"sensor.{DEVICE_SLUG}_balance"


@pytest.mark.parametrize("entry_options", [{CONF_LOW_BALANCE_THRESHOLD: 150.5}])
async def test_snapshot(platform_snapshot: PlatformSnapshot) -> None:
    """Registry entry and state of the low-balance sensor."""
    await platform_snapshot(Platform.BINARY_SENSOR)


@pytest.mark.parametrize("entry_options", [{CONF_LOW_BALANCE_THRESHOLD: 50}])
@pytest.mark.usefixtures("setup_integration")
async def test_on_and_off(
    hass: HomeAssistant, panel: FakePanel, freezer: FrozenDateTimeFactory
) -> None:
    """On below the threshold, off at or above it; unavailable while polls fail."""
    assert state_of(hass, LOW_BALANCE).state == STATE_OFF  # 100.84292

    panel.balance = "49.99999"
    await fire_poll(hass, freezer)
    assert state_of(hass, LOW_BALANCE).state == STATE_ON

    panel.balance = "50"
    await fire_poll(hass, freezer)
    assert state_of(hass, LOW_BALANCE).state == STATE_OFF

    panel.inject(Fault.HTTP_503, action="balance", times=2)
    await fire_poll(hass, freezer)
    assert state_of(hass, LOW_BALANCE).state == STATE_UNAVAILABLE


@pytest.mark.parametrize("entry_options", [{CONF_LOW_BALANCE_THRESHOLD: 50}])
@pytest.mark.usefixtures("setup_integration")
async def test_the_balance_is_new_when_low_balance_turns_on(
    hass: HomeAssistant, panel: FakePanel, freezer: FrozenDateTimeFactory
) -> None:
    """An automation triggered by the low-balance sensor reads the poll's balance, not the
    one before: its first template renders inside that state change, so the balance sensor
    must hold the new balance by then."""
    seen: list[str] = []

    @callback
    def _turned_on(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] == LOW_BALANCE and new is not None and new.state == STATE_ON:
            seen.append(state_of(hass, BALANCE).state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _turned_on)
    panel.balance = "49.99999"
    await fire_poll(hass, freezer)
    assert seen == ["49.99999"]


@pytest.mark.usefixtures("setup_integration")
async def test_absent_without_threshold(hass: HomeAssistant) -> None:
    """The default threshold 0 means no such sensor (the entry's other entities are there)."""
    assert hass.states.get(BALANCE) is not None
    assert hass.states.get(LOW_BALANCE) is None


@pytest.mark.parametrize("entry_options", [{CONF_LOW_BALANCE_THRESHOLD: 500}])
async def test_removed_when_threshold_back_to_zero(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    entity_registry: er.EntityRegistry,
) -> None:
    """Options change → reload; threshold 0 removes the sensor from the registry."""
    config_entry = setup_integration
    assert state_of(hass, LOW_BALANCE).state == STATE_ON
    assert entity_registry.async_get(LOW_BALANCE) is not None
    panel.reset_stats()

    options: dict[str, Any] = {**config_entry.options, CONF_LOW_BALANCE_THRESHOLD: 0}
    hass.config_entries.async_update_entry(config_entry, options=options)
    await hass.async_block_till_done()
    assert panel.counts["balance"] == 1  # reloaded: polled again
    assert hass.states.get(LOW_BALANCE) is None
    assert entity_registry.async_get(LOW_BALANCE) is None
    assert {e.unique_id for e in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)} == {
        f"{ENTRY_ID}_{key}"
        for key in (
            "balance",
            "spent",
            "active_orders",
            "order_update",
            "refill_update",
            "catalogue_update",
            "orders",
        )
    }

    # And back: a threshold brings it back, judged against the new value.
    hass.config_entries.async_update_entry(
        config_entry, options={**options, CONF_LOW_BALANCE_THRESHOLD: 10}
    )
    await hass.async_block_till_done()
    assert state_of(hass, LOW_BALANCE).state == STATE_OFF
