"""The base of every SMM Panel entity: the service device, unique ids, availability."""

from __future__ import annotations

from urllib.parse import urlsplit

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_URL
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import SmmCoordinator


def entry_device(entry: ConfigEntry) -> DeviceInfo:
    """The one service device of an entry, which all its entities belong to."""
    url = urlsplit(entry.data[CONF_URL])
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer=MANUFACTURER,
        entry_type=DeviceEntryType.SERVICE,
        configuration_url=f"{url.scheme}://{url.netloc}",
    )


class SmmEntity(CoordinatorEntity[SmmCoordinator]):
    """An entity of one panel account; unique ids are prefixed with the entry id."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: SmmCoordinator, key: str) -> None:
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = entry_device(entry)
