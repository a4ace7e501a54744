"""Event entities: order, refill and catalogue updates for the automation editor (CONTRACT §10).

They announce the facts the bus events of §6 carry (and the refills an action requested), so a
user picks "Entity → Event" in the automation editor instead of typing an event type. Each
entity listens to its entry's bus events only; it is no coordinator entity, so a failed poll
does not make the last event unavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .api import OrderState, RefillState
from .const import (
    EVENT_CATALOGUE_CHANGED,
    EVENT_ORDER_PLACED,
    EVENT_ORDER_STATUS_CHANGED,
    EVENT_REFILL_STATUS_CHANGED,
    SIGNAL_REFILLS_REQUESTED,
)
from .coordinator import SmmCoordinator
from .entity import entry_device
from .runtime import SmmConfigEntry

PARALLEL_UPDATES = 0

type Announcement = tuple[str, dict[str, Any]]
"""An event type and its attributes."""


@dataclass(frozen=True, kw_only=True)
class SmmEventEntityDescription(EventEntityDescription):
    """An event entity: which bus events it announces, and how each reads."""

    bus_events: Mapping[str, Callable[[SmmCoordinator, Mapping[str, Any]], Announcement]]


def _placed(coordinator: SmmCoordinator, data: Mapping[str, Any]) -> Announcement:
    catalogue = coordinator.tracker.catalogue
    service = catalogue.services.get(data["service"]) if catalogue else None
    return "placed", _order_attributes(
        data, service_name=service.name if service else None, raw_status=None
    )


def _order_changed(coordinator: SmmCoordinator, data: Mapping[str, Any]) -> Announcement:
    order = coordinator.tracker.orders.get(data["order"])
    return str(data["new_status"]), _order_attributes(
        data, service_name=order.service_name if order else None, raw_status=data["raw_status"]
    )


def _order_attributes(data: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """An order's attributes: no link (it may be private), the rest as the bus event has it."""
    return {
        "order": data["order"],
        "service": data.get("service"),
        "service_name": extra["service_name"],
        "raw_status": extra["raw_status"],
        "remains": data.get("remains"),
        "charge": data.get("charge"),
        "currency": data.get("currency"),
    }


def _refill_changed(coordinator: SmmCoordinator, data: Mapping[str, Any]) -> Announcement:
    del coordinator
    return str(data["new_status"]), {
        "refill": data["refill"],
        "order": data["order"],
        "raw_status": data["raw_status"],
    }


def _catalogue_changed(coordinator: SmmCoordinator, data: Mapping[str, Any]) -> Announcement:
    del coordinator
    changed = {change["service"] for change in data["changed"]}
    return "changed", {
        "added": len(data["added"]),
        "removed": len(data["removed"]),
        "changed": len(changed),
    }


ORDER_UPDATE = SmmEventEntityDescription(
    key="order_update",
    translation_key="order_update",
    event_types=["placed", *(state.value for state in OrderState)],
    bus_events={EVENT_ORDER_PLACED: _placed, EVENT_ORDER_STATUS_CHANGED: _order_changed},
)
REFILL_UPDATE = SmmEventEntityDescription(
    key="refill_update",
    translation_key="refill_update",
    event_types=["requested", *(state.value for state in RefillState)],
    bus_events={EVENT_REFILL_STATUS_CHANGED: _refill_changed},
)
CATALOGUE_UPDATE = SmmEventEntityDescription(
    key="catalogue_update",
    translation_key="catalogue_update",
    event_types=["changed"],
    bus_events={EVENT_CATALOGUE_CHANGED: _catalogue_changed},
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmmConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the entry's three event entities."""
    async_add_entities(
        kind(entry.runtime_data.coordinator, description)
        for kind, description in (
            (SmmEventEntity, ORDER_UPDATE),
            (SmmRefillEventEntity, REFILL_UPDATE),
            (SmmEventEntity, CATALOGUE_UPDATE),
        )
    )


class SmmEventEntity(EventEntity):
    """Announces its entry's bus events of one kind."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: SmmEventEntityDescription

    def __init__(self, coordinator: SmmCoordinator, description: SmmEventEntityDescription) -> None:
        entry = coordinator.config_entry
        self.entity_description = description
        self._coordinator = coordinator
        self._entry_id = entry.entry_id
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = entry_device(entry)

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        for event_type, read in self.entity_description.bus_events.items():
            self.async_on_remove(
                self.hass.bus.async_listen(
                    event_type, self._bus_handler(read), event_filter=self._of_this_entry
                )
            )

    @callback
    def _of_this_entry(self, data: Mapping[str, Any]) -> bool:
        return bool(data.get("config_entry_id") == self._entry_id)

    def _bus_handler(
        self, read: Callable[[SmmCoordinator, Mapping[str, Any]], Announcement]
    ) -> Callable[[Event[Any]], None]:
        @callback
        def handle(event: Event[Any]) -> None:
            self._announce(*read(self._coordinator, event.data))

        return handle

    @callback
    def _announce(self, event_type: str, attributes: dict[str, Any]) -> None:
        self._trigger_event(event_type, attributes)
        self.async_write_ha_state()


class SmmRefillEventEntity(SmmEventEntity):
    """Refill updates, and the refills an action just requested."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, SIGNAL_REFILLS_REQUESTED.format(self._entry_id), self._requested
            )
        )

    @callback
    def _requested(self, refills: list[tuple[str, str]]) -> None:
        for refill_id, order_id in refills:
            self._announce(
                "requested", {"refill": refill_id, "order": order_id, "raw_status": None}
            )
