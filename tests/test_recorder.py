"""What the recorder keeps of the entities (CONTRACT §10), with the real recorder.

Lean history for the order sensors, long-term statistics for the spend sensor. Home
Assistant's recorder must start before the test instance, so this module asks for it first
(`auto_enable_custom_integrations` below) and the other modules stay without it.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import history, statistics
from homeassistant.components.recorder.core import Recorder
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from tests.fake_panel import FakePanel
from tests.polling_helpers import fire_poll, order_entity, setup_entry, state_of
from tests.services_common import FOLLOWERS, LINK, call

SPENT = "sensor.127_0_0_1_spent"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder first, then the custom integration (overrides the conftest fixture)."""


async def test_recorder_keeps_lean_order_history_and_spend_statistics(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the real recorder: an order's history leaves its static attributes out, and the
    spend sensor's long-term statistics sum what was spent."""
    freezer.move_to("2025-05-01T12:00:00+00:00")
    start = dt_util.utcnow() - timedelta(hours=1)
    await setup_entry(hass, config_entry)
    response = await call(hass, "add_order", FOLLOWERS)
    assert response is not None
    order = order_entity(str(response["order"]))
    await fire_poll(hass, freezer)
    await async_wait_recording_done(hass)

    states = await get_instance(hass).async_add_executor_job(
        history.get_significant_states, hass, start, None, [order]
    )
    last = states[order][-1]
    assert isinstance(last, State)
    recorded = last.attributes
    assert not {"order_id", "service_id", "service_name", "link", "quantity"} & set(recorded)
    assert not {"placed_at", "currency", "refill_id"} & set(recorded)
    assert {"progress", "remains", "charge", "raw_status", "delivered"} <= set(recorded)
    assert "link" in state_of(hass, order).attributes  # the live state keeps them all

    freezer.move_to("2025-05-01T12:56:00+00:00")
    await call(hass, "add_order", {**FOLLOWERS, "link": f"{LINK}/2"})
    await async_wait_recording_done(hass)
    freezer.move_to("2025-05-01T13:01:00+00:00")
    do_adhoc_statistics(hass, start=dt_util.parse_datetime("2025-05-01T12:55:00+00:00"))
    await async_wait_recording_done(hass)
    stats = await get_instance(hass).async_add_executor_job(
        statistics.statistics_during_period,
        hass,
        start,
        None,
        {SPENT},
        "5minute",
        None,
        {"state", "sum"},
    )
    assert stats[SPENT][-1]["state"] == pytest.approx(1.8)
    assert stats[SPENT][-1]["sum"] == pytest.approx(1.8)  # all that went out since it began at 0
