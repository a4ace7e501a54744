"""Sensors: the balance, the spend, the number of active orders, one sensor per tracked order."""

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
from .coordinator import SmmCoordinator, SmmData
from .entity import SmmEntity
from .records import TrackedOrder, TrackedRefill
from .runtime import SmmConfigEntry

PARALLEL_UPDATES = 0
ORDER_KEY_PREFIX = "order_"


@dataclass(frozen=True, kw_only=True)
class SmmSensorEntityDescription(SensorEntityDescription):
    """A summary sensor, read from the coordinator's snapshot."""

    value_fn: Callable[[SmmData], Decimal | int | None]


def _money_total(
    key: str, value_fn: Callable[[SmmData], Decimal | int | None]
) -> SmmSensorEntityDescription:
    """A sum of money in the account's currency."""
    return SmmSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=2,
        value_fn=value_fn,
    )


SUMMARY_SENSORS: tuple[SmmSensorEntityDescription, ...] = (
    _money_total("balance", lambda data: data.balance.amount),
    _money_total("spent", lambda data: data.spent),
    SmmSensorEntityDescription(
        key="active_orders",
        translation_key="active_orders",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=SmmData.active_orders,
    ),
)

ORDER_SENSOR = SensorEntityDescription(
    key="order",
    translation_key="order",
    device_class=SensorDeviceClass.ENUM,
    options=[state.value for state in OrderState],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmmConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the summary sensors, and order sensors as orders become tracked."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(SmmSummarySensor(coordinator, d) for d in SUMMARY_SENSORS)

    registry = er.async_get(hass)
    order_prefix = f"{entry.entry_id}_{ORDER_KEY_PREFIX}"
    for stale in er.async_entries_for_config_entry(registry, entry.entry_id):
        order_id = stale.unique_id.removeprefix(order_prefix)
        if (
            stale.domain == "sensor"  # event.<entry>_order_update shares the prefix
            and stale.unique_id.startswith(order_prefix)
            and order_id not in coordinator.data.orders
        ):
            registry.async_remove(stale.entity_id)

    known: set[str] = set()

    @callback
    def sync_order_entities() -> None:
        """Add entities for newly tracked orders; remove those of untracked ones."""
        orders = coordinator.data.orders
        for order_id in known - orders.keys():
            known.discard(order_id)
            unique_id = f"{order_prefix}{order_id}"
            if entity_id := registry.async_get_entity_id("sensor", DOMAIN, unique_id):
                registry.async_remove(entity_id)
        new = [order_id for order_id in orders if order_id not in known]
        known.update(new)
        if new:
            async_add_entities(SmmOrderSensor(coordinator, order_id) for order_id in new)

    sync_order_entities()
    entry.async_on_unload(coordinator.async_add_listener(sync_order_entities))


class SmmSummarySensor(SmmEntity, SensorEntity):
    """Balance, spend or active orders."""

    entity_description: SmmSensorEntityDescription

    def __init__(
        self, coordinator: SmmCoordinator, description: SmmSensorEntityDescription
    ) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> Decimal | int | None:
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def native_unit_of_measurement(self) -> str | None:
        if self.entity_description.device_class is not SensorDeviceClass.MONETARY:
            return None
        return self.coordinator.data.balance.currency or self.hass.config.currency


class SmmOrderSensor(SmmEntity, SensorEntity):
    """One tracked order: its normalised status, with the details as attributes.

    It shows the records it last wrote, and writes again only when the snapshot holds other
    ones (or availability changed): with 10 000 orders, a poll that moved one order writes one
    state.
    """

    entity_description = ORDER_SENSOR
    # What never changes for an order stays out of the recorder (CONTRACT §10).
    _unrecorded_attributes = frozenset(
        {
            "order_id",
            "service_id",
            "service_name",
            "link",
            "quantity",
            "placed_at",
            "currency",
            "refill_id",
        }
    )

    def __init__(self, coordinator: SmmCoordinator, order_id: str) -> None:
        super().__init__(coordinator, f"{ORDER_KEY_PREFIX}{order_id}")
        self._order_id = order_id
        self._attr_translation_placeholders = {"order_id": order_id}
        self._shown = self._current()

    def _current(self) -> tuple[TrackedOrder | None, TrackedRefill | None, bool]:
        data = self.coordinator.data
        order = data.orders.get(self._order_id)
        refill = data.refill_of(order) if order is not None else None
        return order, refill, self.coordinator.last_update_success

    @property
    def available(self) -> bool:
        order, _, success = self._shown
        return success and order is not None

    @property
    def native_value(self) -> str | None:
        order = self._shown[0]
        return order.state.value if order is not None and order.state is not None else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        order, refill, _ = self._shown
        if order is None:
            return {}
        return order.as_attributes(refill, self.coordinator.data.balance.currency)

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._shown = self._current()  # a poll may have landed since __init__

    @callback
    def _handle_coordinator_update(self) -> None:
        current = self._current()
        if current != self._shown:
            self._shown = current
            self.async_write_ha_state()
