"""Sensors: the balance, the number of active orders, and one sensor per tracked order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .api import OrderState
from .const import DOMAIN
from .coordinator import SmmConfigEntry, SmmCoordinator
from .entity import SmmEntity
from .records import TrackedOrder, TrackedRefill

PARALLEL_UPDATES = 0
ORDER_KEY_PREFIX = "order_"


@dataclass(frozen=True, kw_only=True)
class SmmSensorEntityDescription(SensorEntityDescription):
    """A summary sensor, read from the coordinator."""

    value_fn: Callable[[SmmCoordinator], Decimal | int | None]


SUMMARY_SENSORS: tuple[SmmSensorEntityDescription, ...] = (
    SmmSensorEntityDescription(
        key="balance",
        translation_key="balance",
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=2,
        value_fn=lambda coordinator: coordinator.data.balance.amount,
    ),
    SmmSensorEntityDescription(
        key="active_orders",
        translation_key="active_orders",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda coordinator: len(coordinator.tracker.active_orders()),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmmConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the summary sensors, and order sensors as orders become tracked."""
    coordinator = entry.runtime_data.coordinator
    tracker = entry.runtime_data.tracker
    async_add_entities(SmmSummarySensor(coordinator, d) for d in SUMMARY_SENSORS)

    registry = er.async_get(hass)
    order_prefix = f"{entry.entry_id}_{ORDER_KEY_PREFIX}"
    for stale in er.async_entries_for_config_entry(registry, entry.entry_id):
        order_id = stale.unique_id.removeprefix(order_prefix)
        if stale.unique_id.startswith(order_prefix) and order_id not in tracker.orders:
            registry.async_remove(stale.entity_id)

    known: set[str] = set()

    @callback
    def sync_order_entities() -> None:
        """Add entities for newly tracked orders; remove those of untracked ones."""
        for order_id in known - tracker.orders.keys():
            known.discard(order_id)
            unique_id = f"{order_prefix}{order_id}"
            if entity_id := registry.async_get_entity_id("sensor", DOMAIN, unique_id):
                registry.async_remove(entity_id)
        new = [order_id for order_id in tracker.orders if order_id not in known]
        known.update(new)
        if new:
            async_add_entities(SmmOrderSensor(coordinator, order_id) for order_id in new)
        coordinator.async_update_listeners()

    sync_order_entities()
    entry.async_on_unload(tracker.async_add_listener(sync_order_entities))


class SmmSummarySensor(SmmEntity, SensorEntity):
    """Balance or active orders."""

    entity_description: SmmSensorEntityDescription

    def __init__(
        self, coordinator: SmmCoordinator, description: SmmSensorEntityDescription
    ) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> Decimal | int | None:
        return self.entity_description.value_fn(self.coordinator)

    @property
    def native_unit_of_measurement(self) -> str | None:
        if self.entity_description.device_class is not SensorDeviceClass.MONETARY:
            return None
        return self.coordinator.data.balance.currency or self.hass.config.currency


class SmmOrderSensor(SmmEntity, SensorEntity):
    """One tracked order: its normalised status, with the details as attributes."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_translation_key = "order"

    def __init__(self, coordinator: SmmCoordinator, order_id: str) -> None:
        super().__init__(coordinator, f"{ORDER_KEY_PREFIX}{order_id}")
        self._order_id = order_id
        self._attr_options = [state.value for state in OrderState]
        self._attr_translation_placeholders = {"order_id": order_id}
        self._written: tuple[TrackedOrder | None, TrackedRefill | None, bool] | None = None

    @property
    def _order(self) -> TrackedOrder | None:
        return self.coordinator.tracker.orders.get(self._order_id)

    @property
    def available(self) -> bool:
        return super().available and self._order is not None

    @property
    def native_value(self) -> str | None:
        order = self._order
        return order.state.value if order is not None and order.state is not None else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        order = self._order
        if order is None:
            return {}
        refill = self.coordinator.tracker.refill_of(order)
        return order.as_attributes(refill, self.coordinator.data.balance.currency)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write only when this order (or availability) changed: 10 000 orders stay cheap."""
        written = self._fingerprint()
        if written != self._written:
            self._written = written
            self.async_write_ha_state()

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._written = self._fingerprint()

    def _fingerprint(self) -> tuple[TrackedOrder | None, TrackedRefill | None, bool]:
        """What the written state depends on; records are immutable, so this is cheap."""
        order = self._order
        refill = self.coordinator.tracker.refill_of(order) if order else None
        return order, refill, self.available
