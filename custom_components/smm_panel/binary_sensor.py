"""The low-balance problem sensor; it exists only while a threshold is set."""

from __future__ import annotations

from decimal import Decimal

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .const import CONF_LOW_BALANCE_THRESHOLD, DEFAULT_LOW_BALANCE_THRESHOLD, DOMAIN
from .coordinator import SmmCoordinator
from .entity import SmmEntity
from .runtime import SmmConfigEntry

PARALLEL_UPDATES = 0
LOW_BALANCE_KEY = "low_balance"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmmConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the low-balance sensor while the threshold is above 0, remove it otherwise."""
    threshold = Decimal(
        str(entry.options.get(CONF_LOW_BALANCE_THRESHOLD, DEFAULT_LOW_BALANCE_THRESHOLD))
    )
    if threshold > 0:
        async_add_entities([SmmLowBalanceSensor(entry.runtime_data.coordinator, threshold)])
        return
    registry = er.async_get(hass)
    unique_id = f"{entry.entry_id}_{LOW_BALANCE_KEY}"
    if entity_id := registry.async_get_entity_id("binary_sensor", DOMAIN, unique_id):
        registry.async_remove(entity_id)


class SmmLowBalanceSensor(SmmEntity, BinarySensorEntity):
    """On when the balance is below the configured threshold."""

    _attr_device_class = BinarySensorDeviceClass.PROBLEM
    _attr_translation_key = LOW_BALANCE_KEY

    def __init__(self, coordinator: SmmCoordinator, threshold: Decimal) -> None:
        super().__init__(coordinator, LOW_BALANCE_KEY)
        self._threshold = threshold
        self._attr_extra_state_attributes = {"threshold": float(threshold)}

    @property
    def is_on(self) -> bool:
        return self.coordinator.data.balance.amount < self._threshold
