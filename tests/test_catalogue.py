"""Tests for catalogue.py: the cached service catalogue, stored with the tracked orders.

A stored catalogue younger than 24 h is used at setup and one of 24 h fetched again; the new
one survives a restart (`as_stored` / `from_stored`). Damaged stored services, such as one
with an impossible rate, are skipped and fetched again when an order needs them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.fake_panel import FakePanel
from tests.polling_helpers import seed_storage, setup_entry, stored_data
from tests.services_common import call

SERVICE = {
    "service": "1",
    "name": "Followers",
    "type": "Default",
    "category": "First Category",
    "rate": "0.90",
    "min": 50,
    "max": 10000,
    "refill": True,
    "cancel": True,
    "dripfeed": False,
    "description": None,
}


async def test_fresh_catalogue_reused(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A stored catalogue younger than 24 h is used at setup; damaged services are skipped."""
    fetched_at = dt_util.utcnow() - timedelta(hours=23)
    catalogue = {
        "fetched_at": fetched_at.isoformat(),
        "services": [SERVICE, SERVICE | {"service": "2", "min": "many"}, {"service": "3"}, "4"],
    }
    seed_storage(hass_storage, catalogue=catalogue)
    await setup_entry(hass, config_entry)
    assert "services" not in panel.counts
    stored = config_entry.runtime_data.tracker.catalogue
    assert stored is not None
    assert stored.fetched_at == fetched_at
    assert list(stored.services) == ["1"]
    assert stored.services["1"].rate == Decimal("0.90")
    assert stored.services["1"].refill is True

    # It turns 24 h old an hour later.
    freezer.tick(timedelta(hours=1))
    await config_entry.runtime_data.coordinator.async_refresh()
    assert panel.counts["services"] == 1


@pytest.mark.parametrize("rate", ["NaN", "sNaN", "Infinity", "-Infinity"])
async def test_catalogue_with_an_impossible_rate_is_not_trusted(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    rate: str,
) -> None:
    """A damaged stored rate is no price: the service is skipped and fetched again on use."""
    catalogue = {"fetched_at": dt_util.utcnow().isoformat(), "services": [SERVICE | {"rate": rate}]}
    seed_storage(hass_storage, catalogue=catalogue)
    await setup_entry(hass, config_entry)
    stored = config_entry.runtime_data.tracker.catalogue
    assert stored is not None
    assert stored.services == {}
    response = await call(
        hass, "add_order", {"service": "1", "link": "https://x.example", "quantity": 100}
    )
    assert response == {"order": "23501", "estimated_cost": 0.09, "currency": "USD"}
    assert panel.counts["services"] == 1


async def test_stale_catalogue_refetched_and_kept(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A stored catalogue of 24 h is fetched again; the new one survives a restart."""
    seed_storage(
        hass_storage,
        catalogue={
            "fetched_at": (dt_util.utcnow() - timedelta(hours=24)).isoformat(),
            "services": [SERVICE],
        },
    )
    await setup_entry(hass, config_entry)
    assert panel.counts["services"] == 1
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert panel.counts["services"] == 1
    catalogue = stored_data(hass_storage)["catalogue"]
    assert catalogue["fetched_at"] == dt_util.utcnow().isoformat()
    assert len(catalogue["services"]) == len(panel.listed_services())
