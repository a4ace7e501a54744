"""Config-entry diagnostics: what support needs, with the key and every link redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant

from .runtime import SmmConfigEntry

TO_REDACT = {CONF_API_KEY, "link"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SmmConfigEntry
) -> dict[str, Any]:
    """Options, host, poll statistics, catalogue size and tracked orders."""
    runtime = entry.runtime_data
    coordinator, tracker = runtime.coordinator, runtime.tracker
    catalogue = tracker.catalogue
    stats = asdict(coordinator.stats)
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "panel_host": runtime.client.host,
            "panel_scheme": entry.data[CONF_URL].split(":", 1)[0],
            "poll": {
                "last_update_success": coordinator.last_update_success,
                "update_interval_seconds": (
                    coordinator.update_interval.total_seconds()
                    if coordinator.update_interval
                    else None
                ),
                **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in stats.items()},
            },
            "balance_currency": coordinator.data.balance.currency if coordinator.data else None,
            "spent": str(tracker.spent),
            "catalogue": {
                "services": len(catalogue.services) if catalogue else 0,
                "fetched_at": catalogue.fetched_at.isoformat() if catalogue else None,
            },
            "tracked_orders": [o.as_stored() for o in tracker.orders.values()],
            "tracked_refills": [r.as_stored() for r in tracker.refills.values()],
        },
        TO_REDACT,
    )
