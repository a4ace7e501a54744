"""A rejected key and a rate limit, in each dialect's own way (PROTOCOL.md §8).

Wrong-key texts that never say "key" (SmartPanel's "API is Disable for this user or User Not
Found! …", Laravel's "User not found") must start reauth like "Invalid API key" does. Rate
limits come as HTTP 429 with ``Retry-After``, as 429 with ``X-RateLimit-Reset`` (a unix time:
laravel) or as an HTTP 200 error text (minimal): each fails the poll, the entities turn
unavailable, and they recover with the next poll; the delay is read from either header.
"""

from __future__ import annotations

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.api import SmmRateLimitedError
from tests.conftest import API_KEY
from tests.fake_panel import (
    DIALECT_NAMES,
    SERVICE_FOLLOWERS,
    FakePanel,
    Fault,
    RunningFakePanel,
    dialect,
)
from tests.fake_panel.dialects import SMARTPANEL_KEY_TEXT
from tests.polling_helpers import BALANCE, fire_poll, flow_sources, setup_entry, state_of
from tests.services_common import call, order_state, runtime

WRONG_KEY_TEXT: dict[str, str] = {
    "template": "Invalid API key",
    "smartpanel": SMARTPANEL_KEY_TEXT,
    "laravel": "User not found",
    "minimal": "invalid API key",
    "drifted": "Incorrect API key",
    "strict": "Invalid api key.",
}
"""Dialect -> how its panel refuses a key."""
RETRY_AFTER: dict[str, float | None] = {
    **dict.fromkeys(DIALECT_NAMES, 30.0),  # 429 + Retry-After: 30
    "laravel": 30.0,  # 429 + X-RateLimit-Reset: now + 30 (rounded up to a whole second)
    "minimal": None,  # HTTP 200 {"error": "Rate limit exceeded. Slow down."}: no header
}
"""Dialect -> the delay the client reads from the panel's rate-limited answer."""
RATE_LIMIT_WAY: dict[str, tuple[int, str | None]] = {
    **dict.fromkeys(DIALECT_NAMES, (429, "Retry-After")),
    "laravel": (429, "X-RateLimit-Reset"),
    "minimal": (200, None),
}
"""Dialect -> the HTTP status and delay header of its rate-limited answer (the way under test)."""


@pytest.fixture
def panel(dialect_name: str) -> FakePanel:
    """The dialect's panel."""
    return FakePanel(API_KEY, quirks=dialect(dialect_name))


async def test_rejected_key_starts_reauth(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    running_panel: RunningFakePanel,
    session: aiohttp.ClientSession,
    dialect_name: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The dialect's wrong-key text, during a poll and an action, starts reauth."""
    async with session.post(running_panel.url, data={"key": "nope", "action": "balance"}) as r:
        assert WRONG_KEY_TEXT[dialect_name] in await r.text()  # the text under test

    await setup_entry(hass, config_entry)
    panel.key = "the-account-key-changed"
    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    assert flow_sources(hass) == [SOURCE_REAUTH]

    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "get_order_status", {"orders": ["1"]})
    assert caught.value.translation_key == "invalid_auth"
    assert flow_sources(hass) == [SOURCE_REAUTH]  # the same flow, not a second one


async def test_rejected_key_at_setup_starts_reauth(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry whose key the panel refuses does not load, and asks for a new key."""
    panel.key = "the-account-key-changed"
    config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert flow_sources(hass) == [SOURCE_REAUTH]


async def test_rate_limited_poll_recovers(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    running_panel: RunningFakePanel,
    session: aiohttp.ClientSession,
    dialect_name: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A rate-limited poll: unavailable, the delay read, no reauth; the next poll recovers."""
    panel.inject(Fault.RATE_LIMITED, action="balance", retry_after=30)
    form = {"key": API_KEY, "action": "balance"}
    async with session.post(running_panel.url, data=form) as answer:
        headers = [h for h in ("Retry-After", "X-RateLimit-Reset") if h in answer.headers]
        assert (answer.status, *headers) == tuple(filter(None, RATE_LIMIT_WAY[dialect_name]))
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://l.example/1", 100)
    await setup_entry(hass, config_entry)
    await call(hass, "track_orders", {"orders": [order_id]})
    shown = state_of(hass, BALANCE).state
    coordinator = runtime(config_entry).coordinator

    panel.reset_stats()
    panel.inject(Fault.RATE_LIMITED, action="balance", times=2, retry_after=30)
    await fire_poll(hass, freezer)
    panel.clear_faults()
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    assert order_state(hass, order_id).state == STATE_UNAVAILABLE
    assert flow_sources(hass) == []
    assert panel.counts["balance"] == 1  # a rate limit is not retried
    cause = coordinator.last_exception.__cause__ if coordinator.last_exception else None
    assert isinstance(cause, SmmRateLimitedError), coordinator.last_exception
    expected = RETRY_AFTER[dialect_name]
    if expected is None:
        assert cause.retry_after is None
    else:
        assert cause.retry_after == pytest.approx(expected, abs=1)

    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == shown
    assert order_state(hass, order_id).state == "pending"
