"""A test Home Assistant holding the integration's entry over tracked orders seeded in storage.

``bench_hass`` is shared by the poll measurement (``ours``) and the recorder measurement
(``history``): it yields the instance and the entry, added but not set up, so a caller can
start other integrations (the recorder) first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from homeassistant import loader
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
    mock_storage,
)

from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.records import TrackedOrder, TrackedRefill
from tests.bench.panel import KEY, Panel
from tests.polling_helpers import ENTRY_ID, storage_payload


def tracked_storage(
    orders: Sequence[str], refills: Sequence[tuple[str, str]]
) -> dict[str, dict[str, Any]]:
    """The entry's storage file tracking `orders` and `refills` (refill id, order id)."""
    now = dt_util.utcnow()
    refill_of = {order_id: refill_id for refill_id, order_id in refills}
    tracked = [
        TrackedOrder(
            order_id=order_id,
            tracked_at=now,
            service_id="1",
            link=f"https://example.com/{order_id}",
            quantity=1000,
            refill_id=refill_of.get(order_id),
        )
        for order_id in orders
    ]
    tracked_refills = [
        TrackedRefill(refill_id=refill_id, order_id=order_id, requested_at=now)
        for refill_id, order_id in refills
    ]
    return {f"{DOMAIN}.{ENTRY_ID}": storage_payload(tracked, tracked_refills)}


@asynccontextmanager
async def bench_hass(
    panel: Panel, orders: Sequence[str], refills: Sequence[tuple[str, str]]
) -> AsyncIterator[tuple[HomeAssistant, MockConfigEntry]]:
    """A test Home Assistant with the entry added (not set up) over the seeded orders."""
    storage = tracked_storage(orders, refills)
    # As the test plugin does: no zeroconf resolver; storage in memory (= hass_storage).
    resolver = patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        return_value=AsyncResolver(),
    )
    with mock_storage(storage), resolver:
        async with async_test_home_assistant() as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # = enable_custom_integrations
            entry = MockConfigEntry(
                domain=DOMAIN,
                title="127.0.0.1",
                data={CONF_URL: panel.api_url, CONF_API_KEY: KEY},
                entry_id=ENTRY_ID,
            )
            entry.add_to_hass(hass)
            yield hass, entry
