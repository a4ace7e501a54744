"""Catalogue watching (CONTRACT §11): a changed catalogue is announced, and a service that
orders use and the panel no longer lists becomes a repair issue until it is back.

Issues are Home Assistant's issue registry entries `service_removed_<service id>`; each holds
its entry's id in `data`, so one entry's fetch settles only its own issues.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .api import Service
from .catalogue import Catalogue
from .const import DOMAIN, EVENT_CATALOGUE_CHANGED
from .tracking import OrderTracker

ISSUE_PREFIX = "service_removed_"


@callback
def async_catalogue_fetched(
    hass: HomeAssistant,
    entry: ConfigEntry,
    tracker: OrderTracker,
    services: Iterable[Service],
    now: datetime,
) -> Catalogue:
    """Keep a fetched catalogue; fire `smm_panel_catalogue_changed` when a fetch after the
    first changed anything, and settle the entry's repair issues."""
    names = {o.service_id: o.service_name for o in tracker.orders.values() if o.service_id}
    if tracker.catalogue is not None:  # the names the panel gave before the change
        names.update((sid, service.name) for sid, service in tracker.catalogue.services.items())
    catalogue, diff = tracker.async_set_catalogue(services, now)
    if diff:
        data = {"config_entry_id": entry.entry_id, **diff.as_event()}
        hass.bus.async_fire(EVENT_CATALOGUE_CHANGED, data)
    _update_issues(hass, entry, catalogue, tracker.used_services(now), names)
    return catalogue


def _update_issues(
    hass: HomeAssistant,
    entry: ConfigEntry,
    catalogue: Catalogue,
    used: Collection[str],
    names: Mapping[str, str | None],
) -> None:
    """Raise an issue for each used service missing from `catalogue`; delete this entry's
    issues whose service is back or no longer used."""
    missing = [service_id for service_id in used if service_id not in catalogue.services]
    for issue_id in _issues_of(hass, entry):
        if issue_id.removeprefix(ISSUE_PREFIX) not in missing:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    for service_id in sorted(missing):
        ir.async_create_issue(
            hass,
            DOMAIN,
            f"{ISSUE_PREFIX}{service_id}",
            data={"entry_id": entry.entry_id},
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="service_removed",
            translation_placeholders={
                "service": service_id,
                "name": names.get(service_id) or service_id,
                "panel": entry.title,
            },
        )


@callback
def async_remove_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The entry is removed: its issues go with it."""
    for issue_id in _issues_of(hass, entry):
        ir.async_delete_issue(hass, DOMAIN, issue_id)


def _issues_of(hass: HomeAssistant, entry: ConfigEntry) -> list[str]:
    return [
        issue_id
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
        and issue_id.startswith(ISSUE_PREFIX)
        and (issue.data or {}).get("entry_id") == entry.entry_id
    ]
