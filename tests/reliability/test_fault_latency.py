"""Fault matrix, latency: a panel slower than the client's timeout.

Runs on the real clock (`seeded_live`) with a short client timeout (see conftest.py):
freezegun also freezes the event loop's clock, so under `freezer` a slow answer never ends.
The panel is the default one of test_fault_matrix (the template, echoing the key): latency
holds the answer back whatever it says, so the dialects add nothing here.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import DOMAIN
from tests.conftest import API_KEY
from tests.fake_panel import FakePanel, Fault, dialect
from tests.leaks import exception_texts
from tests.polling_helpers import BALANCE, flow_sources, order_entity, state_of
from tests.reliability.conftest import (
    SLOW,
    Seeded,
    assert_clean_log,
    seed_entry,
    tracked_records,
)
from tests.reliability.test_fault_matrix import EXPECTED, POLLED, TARGET, action_data
from tests.services_common import call, runtime

SLOW_EXPECTED = {
    # Sent, then no answer in time: the order may exist.
    "add_order": "order_outcome_unknown",
    **{action: "cannot_connect" for action in EXPECTED if action != "add_order"},
}
"""Action -> the translation key of the error a too-slow panel gives."""

RETRIED = {"status", "refill_status", "services", "balance"}
"""Panel actions the client retries once after a connection error."""


@pytest.fixture
def panel() -> FakePanel:
    """The template panel, echoing the key."""
    return FakePanel(API_KEY, quirks=dialect("template", echo_key=True))


@pytest.fixture
async def seeded_live(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> Seeded:
    """The seeded entry on the real clock, so a panel's delay and the client's timeout elapse."""
    return await seed_entry(hass, config_entry, panel, hass_storage)


@pytest.mark.parametrize("target", POLLED)
@pytest.mark.usefixtures("short_client_timeout")
async def test_latency_beyond_timeout_during_poll(
    hass: HomeAssistant,
    seeded_live: Seeded,
    panel: FakePanel,
    caplog: pytest.LogCaptureFixture,
    target: str,
) -> None:
    """A panel slower than the timeout fails the poll (after one retry); the next one recovers."""
    entry, active, _, _ = seeded_live
    coordinator = runtime(entry).coordinator
    before = tracked_records(entry)
    panel.inject(Fault.LATENCY, action=target, times=2, seconds=SLOW)

    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, BALANCE).state == "unavailable"
    assert panel.counts[target] == 2  # retried once
    assert state_of(hass, order_entity(active)).state == "unavailable"
    assert tracked_records(entry) == before

    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, BALANCE).state == "100.84292"
    assert state_of(hass, order_entity(active)).state == "pending"
    assert flow_sources(hass) == []
    assert_clean_log(caplog)


@pytest.mark.parametrize("action", list(SLOW_EXPECTED))
@pytest.mark.usefixtures("short_client_timeout")
async def test_latency_beyond_timeout_during_action(
    hass: HomeAssistant,
    seeded_live: Seeded,
    panel: FakePanel,
    caplog: pytest.LogCaptureFixture,
    action: str,
) -> None:
    """A panel slower than the timeout: the action's translated error; add is sent once."""
    entry, active, done, refill = seeded_live
    before = tracked_records(entry)
    panel.inject(Fault.LATENCY, action=TARGET[action], times=2, seconds=SLOW)

    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, action, action_data(action, active, done, refill))
    await hass.async_block_till_done()

    assert not isinstance(caught.value, ServiceValidationError)
    assert not [text for text in exception_texts(caught.value) if API_KEY in text]
    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key == SLOW_EXPECTED[action]
    sent = panel.counts[TARGET[action]]
    assert sent == (2 if TARGET[action] in RETRIED else 1)
    assert tracked_records(entry) == before
    assert flow_sources(hass) == []
    assert_clean_log(caplog)
