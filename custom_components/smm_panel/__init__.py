"""SMM Panel: an SMM reseller panel account (SMM panel API v2) in Home Assistant."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, CONF_URL, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import SmmPanelClient
from .catalogue_watch import async_remove_issues
from .const import DOMAIN
from .coordinator import SmmCoordinator
from .orders import OrderDesk
from .runtime import SmmConfigEntry, SmmRuntimeData
from .services import async_setup_services
from .tracking import OrderTracker

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS = [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.EVENT, Platform("todo")]
"""The sensors are set up first, on their own. A poll writes the entities in the order they
subscribed to the coordinator, and an automation triggered by the low-balance sensor renders
its first template inside that state change: the balance must be the poll's by then."""


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, for every entry."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: SmmConfigEntry) -> bool:
    """Load tracking, poll once, then set up the platforms."""
    client = SmmPanelClient(
        entry.data[CONF_URL], entry.data[CONF_API_KEY], async_get_clientsession(hass)
    )
    tracker = OrderTracker(hass, entry.entry_id)
    await tracker.async_load()
    coordinator = SmmCoordinator(hass, entry, client, tracker)
    desk = OrderDesk(hass, entry, coordinator)
    entry.runtime_data = SmmRuntimeData(
        client=client, tracker=tracker, coordinator=coordinator, desk=desk
    )
    await coordinator.async_config_entry_first_refresh()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS[:1])
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS[1:])
    entry.async_on_unload(entry.add_update_listener(_async_reload_entry))
    # A stopping Home Assistant does not unload entries: orders in flight are stored first.
    entry.async_on_unload(hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, desk.async_close))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: SmmConfigEntry) -> bool:
    """Let orders in flight land, unload the platforms and write pending tracking changes."""
    await entry.runtime_data.desk.async_close()
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.tracker.async_close()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: SmmConfigEntry) -> None:
    """Delete the entry's storage file and its repair issues."""
    await OrderTracker(hass, entry.entry_id).async_remove()
    async_remove_issues(hass, entry)


async def _async_reload_entry(hass: HomeAssistant, entry: SmmConfigEntry) -> None:
    """One update listener: options, reauth and reconfigure all take effect by a reload."""
    await hass.config_entries.async_reload(entry.entry_id)
