"""Config-entry diagnostics (CONTRACT §8): useful to support, nothing secret."""

from __future__ import annotations

import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory

# Imported before time is frozen: the diagnostics download reads the system info, which imports
# hassio, whose models (mashumaro) cannot be built while `datetime` is freezegun's fake class.
import homeassistant.components.hassio  # noqa: F401
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.smm_panel.const import CONF_LOW_BALANCE_THRESHOLD
from tests.conftest import API_KEY
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel
from tests.polling_helpers import (
    fire_poll,
    seed_storage,
    setup_entry,
    tracked_order,
    tracked_refill,
)

LINKS = ("https://insta.example/p/secret-post", "https://insta.example/p/other-secret")


@pytest.mark.freeze_time("2025-05-01T12:00:00+00:00")
@pytest.mark.parametrize("entry_options", [{CONF_LOW_BALANCE_THRESHOLD: 20, "scan_interval": 10}])
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    running_panel: RunningFakePanel,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Options, host, poll statistics, catalogue size, tracked orders; key and links redacted."""
    first = panel.create_order(SERVICE_FOLLOWERS, LINKS[0], 100)
    second = panel.create_order(SERVICE_FOLLOWERS, LINKS[1], 100, status="Completed")
    refill = panel.create_refill(second)
    seed_storage(
        hass_storage,
        [
            tracked_order(first, service_id=SERVICE_FOLLOWERS, link=LINKS[0], quantity=100),
            tracked_order(second, link=LINKS[1], refill_id=refill),
        ],
        [tracked_refill(refill, second)],
    )
    await setup_entry(hass, config_entry)
    panel.inject(Fault.HTTP_503, action="balance", times=2)
    await fire_poll(hass, freezer, config_entry.runtime_data.coordinator.update_interval)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)

    assert diagnostics == snapshot(exclude=props("url"))
    assert diagnostics["entry"]["data"]["url"] == running_panel.url
    dump = json.dumps(diagnostics)
    assert API_KEY not in dump
    for link in LINKS:
        assert link not in dump
    assert "secret" not in dump
