"""Refills, cancels and tracking against every dialect (PROTOCOL.md §8), as a user sees them.

A panel implementing only add, status, services and balance (``minimal``) answers refill and
cancel with "This action is Invalid": the integration reports that per order in the response,
and a refill status request is refused as a panel error. Every other dialect refills, cancels
and reports unknown ids per id, in its own wording (the tables below).
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import EVENT_REFILL_STATUS_CHANGED
from tests.conftest import API_KEY
from tests.fake_panel import (
    CANCEL_DELAY_SECONDS,
    DIALECT_NAMES,
    REFILL_PENDING_SECONDS,
    SERVICE_FOLLOWERS,
    FakePanel,
    dialect,
)
from tests.polling_helpers import fire_poll, seed_storage, setup_entry, tracked_order
from tests.reliability.conftest import RAW_IN_PROGRESS, capture_events
from tests.services_common import call, order_state, runtime

INVALID = "This action is Invalid"
BAD_ID = "404"
NO_ACTIONS = ("minimal",)
"""Dialects without refill, refill_status and cancel."""

REFILL_NOT_FOUND: dict[str, str] = {
    **dict.fromkeys(DIALECT_NAMES, "Refill not found"),
    "drifted": "Refill Request Not found",
}
RAW_PENDING: dict[str, str] = {**dict.fromkeys(DIALECT_NAMES, "Pending"), "smartpanel": "pending"}
RAW_CANCELED: dict[str, str] = {
    **dict.fromkeys(DIALECT_NAMES, "Canceled"),
    "smartpanel": "canceled",
    "drifted": "Cancelled",
}


@pytest.fixture
def panel(dialect_name: str) -> FakePanel:
    """The dialect's panel."""
    return FakePanel(API_KEY, quirks=dialect(dialect_name))


async def test_refill_cancel_and_track(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    dialect_name: str,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Refill a completed order, follow the refill, cancel an active one, track another."""
    done = panel.create_order(SERVICE_FOLLOWERS, "https://r.example/done", 100, status="Completed")
    active = panel.create_order(SERVICE_FOLLOWERS, "https://r.example/active", 100)
    elsewhere = panel.create_order(SERVICE_FOLLOWERS, "https://r.example/elsewhere", 100)
    seed_storage(hass_storage, [tracked_order(done), tracked_order(active)])
    await setup_entry(hass, config_entry)
    events = capture_events(hass)
    works = dialect_name not in NO_ACTIONS

    refills = await call(hass, "refill_orders", {"orders": [done, BAD_ID]})
    refill = next(iter(panel.refills), "1")
    assert refills == {
        "refills": [
            {"order": done, "refill": refill} if works else {"order": done, "error": INVALID},
            {"order": BAD_ID, "error": "Incorrect order ID" if works else INVALID},
        ]
    }
    assert list(runtime(config_entry).tracker.refills) == ([refill] if works else [])

    cancels = await call(hass, "cancel_orders", {"orders": [active, BAD_ID]})
    assert cancels == {
        "cancels": [
            {"order": active, "canceled": True} if works else {"order": active, "error": INVALID},
            {"order": BAD_ID, "error": "Incorrect order ID" if works else INVALID},
        ]
    }
    panel.advance(CANCEL_DELAY_SECONDS)
    await fire_poll(hass, freezer)
    canceled = order_state(hass, active)
    assert canceled.state == ("canceled" if works else "pending")
    if works:
        assert canceled.attributes["raw_status"] == RAW_CANCELED[dialect_name]

    tracked = await call(hass, "track_orders", {"orders": [elsewhere, BAD_ID]})
    assert tracked == {"tracked": [elsewhere], "errors": {BAD_ID: "Incorrect order ID"}}
    assert order_state(hass, elsewhere).state == "pending"
    assert order_state(hass, elsewhere).attributes["currency"] == "USD"  # smartpanel: none sent

    if not works:
        with pytest.raises(ServiceValidationError) as refused:
            await call(hass, "get_refill_status", {"refills": [refill, BAD_ID]})
        assert refused.value.translation_key == "panel_error"
        assert (refused.value.translation_placeholders or {})["message"] == INVALID
        return

    statuses = await call(hass, "get_refill_status", {"refills": [refill, BAD_ID]})
    assert statuses == {
        "refills": {
            refill: {"status": "pending", "raw_status": RAW_PENDING[dialect_name]},
            BAD_ID: {"error": REFILL_NOT_FOUND[dialect_name]},
        }
    }
    panel.advance(REFILL_PENDING_SECONDS)
    await fire_poll(hass, freezer)
    changes = [
        (e.data["refill"], e.data["order"], e.data["old_status"], e.data["new_status"])
        for e in events
        if e.event_type == EVENT_REFILL_STATUS_CHANGED
    ]
    assert changes == [(refill, done, "pending", "in_progress")]
    assert order_state(hass, done).attributes["refill_status"] == "in_progress"
    assert order_state(hass, done).attributes["refill_id"] == refill
    in_progress = await call(hass, "get_refill_status", {"refills": [refill]})
    assert in_progress == {
        "refills": {refill: {"status": "in_progress", "raw_status": RAW_IN_PROGRESS[dialect_name]}}
    }
