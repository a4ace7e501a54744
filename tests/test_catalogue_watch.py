"""Catalogue watching (catalogue_watch.py, CONTRACT §11): the change event, the repairs."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import DOMAIN, EVENT_CATALOGUE_CHANGED
from custom_components.smm_panel.tracking import OrderTracker, _stored_placements
from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    SERVICE_TIKTOK_FOLLOWERS,
    SERVICE_VIEWS,
    FakePanel,
)
from tests.fake_panel.catalogue import Service, ServiceType
from tests.polling_helpers import ENTRY_ID, fire_poll, restart_entry, setup_entry, state_of
from tests.services_common import FOLLOWERS, LINK, call

ISSUE = f"service_removed_{SERVICE_FOLLOWERS}"
NEW = Service("99", "Threads Likes", ServiceType.DEFAULT, "Threads", Decimal("1.5"), 10, 5000)


@pytest.fixture
def changes(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The data of every `smm_panel_catalogue_changed` event."""
    seen: list[dict[str, Any]] = []

    @callback  # in the loop, in firing order (a plain function would run in the executor)
    def listen(event: Event[dict[str, Any]]) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(EVENT_CATALOGUE_CHANGED, listen)
    return seen


async def _refresh(hass: HomeAssistant) -> None:
    await call(hass, "get_services", {"refresh": True})
    await hass.async_block_till_done()


def _change_panel(panel: FakePanel) -> None:
    """Add a service, remove one, and change another's rate, minimum and category."""
    followers = panel.catalogue[SERVICE_FOLLOWERS]
    panel.catalogue[SERVICE_FOLLOWERS] = replace(
        followers, rate=Decimal("1.10"), min=100, category="Instagram (new)"
    )
    del panel.catalogue[SERVICE_TIKTOK_FOLLOWERS]
    panel.catalogue[NEW.id] = NEW


async def test_change_event_and_entity(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    changes: list[dict[str, Any]],
) -> None:
    """Nothing on an entry's first fetch nor on an unchanged one; then what changed, by field
    (the category is not compared), and the catalogue_update event entity fires too."""
    await setup_entry(hass, config_entry)
    await _refresh(hass)
    assert changes == []

    _change_panel(panel)
    await _refresh(hass)
    assert changes == [
        {
            "config_entry_id": ENTRY_ID,
            "added": ["99"],
            "removed": [SERVICE_TIKTOK_FOLLOWERS],
            "changed": [
                {"service": SERVICE_FOLLOWERS, "field": "rate", "old": 0.9, "new": 1.1},
                {"service": SERVICE_FOLLOWERS, "field": "min", "old": 50, "new": 100},
            ],
        }
    ]
    entity = state_of(hass, "event.127_0_0_1_catalogue_update")
    assert entity.attributes["event_type"] == "changed"
    assert (entity.attributes["added"], entity.attributes["removed"]) == (1, 1)
    assert entity.attributes["changed"] == 1

    views = panel.catalogue[SERVICE_VIEWS]
    panel.catalogue[SERVICE_VIEWS] = replace(views, refill=not views.refill, name="Views+")
    await _refresh(hass)
    assert changes[-1]["changed"] == [
        {"service": SERVICE_VIEWS, "field": "name", "old": views.name, "new": "Views+"},
        {"service": SERVICE_VIEWS, "field": "refill", "old": views.refill, "new": not views.refill},
    ]


async def test_diff_survives_a_restart_and_the_daily_fetch(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    changes: list[dict[str, Any]],
) -> None:
    """The stored catalogue is the one compared after a restart; the daily fetch compares."""
    await setup_entry(hass, config_entry)
    await restart_entry(hass, config_entry)  # the stored catalogue is fresh: not fetched
    assert changes == []
    _change_panel(panel)
    freezer.tick(timedelta(hours=24))
    await fire_poll(hass, freezer)
    assert [change["removed"] for change in changes] == [[SERVICE_TIKTOK_FOLLOWERS]]


async def test_removed_service_in_use_is_a_repair(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A service a tracked order uses disappears: an issue naming it and the panel; it goes
    when the service is back. A removed service nobody uses raises nothing."""
    await setup_entry(hass, config_entry)
    await call(hass, "add_order", FOLLOWERS)
    followers = panel.catalogue.pop(SERVICE_FOLLOWERS)
    del panel.catalogue[SERVICE_TIKTOK_FOLLOWERS]
    await _refresh(hass)

    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert issue.translation_key == "service_removed"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_placeholders == {
        "service": SERVICE_FOLLOWERS,
        "name": followers.name,
        "panel": "127.0.0.1",
    }
    assert issue_registry.async_get_issue(DOMAIN, "service_removed_4") is None  # unused

    await _refresh(hass)  # still gone: the issue stays, still named
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert (issue.translation_placeholders or {})["name"] == followers.name

    panel.catalogue[SERVICE_FOLLOWERS] = followers
    await _refresh(hass)
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None


async def test_recent_untracked_order_matters_for_30_days(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An order placed without tracking keeps its service in use for 30 days (stored across
    restarts); after that the issue goes; removing the entry removes its issues."""
    await setup_entry(hass, config_entry)
    await call(hass, "add_order", {**FOLLOWERS, "track": False})
    await restart_entry(hass, config_entry)
    del panel.catalogue[SERVICE_FOLLOWERS]
    await _refresh(hass)
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert (issue.translation_placeholders or {})["name"] == "Instagram Followers [Refill 30D]"

    freezer.tick(timedelta(days=31))
    await _refresh(hass)
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None

    await call(hass, "add_order", {**FOLLOWERS, "service": SERVICE_VIEWS, "link": LINK})
    del panel.catalogue[SERVICE_VIEWS]
    await _refresh(hass)
    assert issue_registry.async_get_issue(DOMAIN, f"service_removed_{SERVICE_VIEWS}")
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"service_removed_{SERVICE_VIEWS}") is None


async def test_tracked_order_without_a_name_is_named_by_its_id(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Neither the old catalogue nor the order knows the service's name: its id stands in."""
    await setup_entry(hass, config_entry)
    tracker: OrderTracker = config_entry.runtime_data.tracker
    await call(hass, "add_order", FOLLOWERS)
    order = next(iter(tracker.orders.values()))
    tracker.orders[order.order_id] = replace(order, service_id="404", service_name=None)
    await _refresh(hass)
    issue = issue_registry.async_get_issue(DOMAIN, "service_removed_404")
    assert issue is not None
    assert (issue.translation_placeholders or {})["name"] == "404"


def test_stored_placements_are_read_tolerantly() -> None:
    """Only service ids with a readable time are kept; anything else reads as none."""
    assert _stored_placements(None) == {}
    assert _stored_placements(["1"]) == {}
    placed = _stored_placements({"1": "2025-05-01T12:00:00+00:00", "2": "soon", "3": 5})
    assert list(placed) == ["1"]
