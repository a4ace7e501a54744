"""Helpers shared by the action tests: calling an action, a valid order, an entry's runtime data."""

from __future__ import annotations

from typing import Any

from homeassistant.core import Context, HomeAssistant, ServiceResponse, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.runtime import SmmRuntimeData
from tests import polling_helpers
from tests.fake_panel import SERVICE_FOLLOWERS
from tests.polling_helpers import state_of

ENTRY_ID = polling_helpers.ENTRY_ID  # one definition of the test entry's id, re-exported
LINK = "https://www.instagram.com/example"
FOLLOWERS: dict[str, object] = {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 1000}
"""A valid add_order call: 1000 Instagram followers (0.90 USD)."""
PANEL_ACTION: dict[str, str | None] = {
    "add_order": "add",
    "refill_orders": "refill",
    "cancel_orders": "cancel",
    "get_order_status": "status",
    "get_refill_status": "refill_status",
    "get_services": "services",
    "track_orders": "status",
    "untrack_orders": None,
    "find_services": None,
}
"""The panel action each of the integration's actions sends (None: it sends nothing)."""
ENTRYLESS = frozenset({"find_services"})
"""Actions that take no `config_entry_id`: they look at every loaded entry."""


async def call(
    hass: HomeAssistant,
    action: str,
    data: dict[str, Any] | None = None,
    *,
    user_id: str | None = None,
    entry_id: str = ENTRY_ID,
) -> ServiceResponse:
    """Call one of the integration's actions, blocking, with its response (for the entry
    `entry_id`, unless the action takes none)."""
    entry = {} if action in ENTRYLESS else {"config_entry_id": entry_id}
    return await hass.services.async_call(
        DOMAIN,
        action,
        {**entry, **(data or {})},
        blocking=True,
        return_response=True,
        context=Context(user_id=user_id),
    )


def runtime(entry: MockConfigEntry) -> SmmRuntimeData:
    """The loaded entry's runtime data."""
    data: SmmRuntimeData = entry.runtime_data
    return data


def order_entity_id(hass: HomeAssistant, order_id: str, entry_id: str = ENTRY_ID) -> str | None:
    """The entity id of a tracked order's sensor, if it is in the entity registry."""
    return er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{entry_id}_order_{order_id}")


def order_state(hass: HomeAssistant, order_id: str) -> State:
    """The state of a tracked order's sensor; the test fails if it has no entity or state."""
    entity_id = order_entity_id(hass, order_id)
    assert entity_id is not None, order_id
    return state_of(hass, entity_id)
