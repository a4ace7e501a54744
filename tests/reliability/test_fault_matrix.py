"""Fault matrix (issue 7): every fault of the fake panel, during a poll and during each action.

The expected outcome of every combination is written in the tables below and asserted:

- a poll: the entities turn unavailable and recover with the next good poll; a rejected key
  starts reauth; tracked orders are unchanged; nothing unexpected is logged; no ``add``.
- an action: the translated error of `services._translate`; tracked orders unchanged; a rejected key
  starts reauth; ``add`` reaches the panel at most once per ``add_order`` call.

Reads are retried once after a connection error, so each fault is queued twice (then cleared),
which makes the retry fail too.

LATENCY beyond the client's timeout runs on the real clock (`seeded_live`) with a short client
timeout (see conftest.py): freezegun also freezes the event loop's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.tracking import order_to_dict, refill_to_dict
from tests.conftest import API_KEY
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault
from tests.leaks import exception_texts
from tests.polling_helpers import (
    BALANCE,
    fire_poll,
    flow_sources,
    order_entity,
    seed_storage,
    setup_entry,
    state_of,
    tracked_order,
    tracked_refill,
)
from tests.reliability.conftest import SLOW
from tests.services_common import LINK, PANEL_ACTION, call, runtime

KEY_REJECTED = "key_rejected"
"""Not a transport fault: the panel's key is changed, so it answers ``Invalid API key``."""


@dataclass(frozen=True, slots=True)
class Case:
    """One fault as injected: the fault and its parameters (or the rejected key)."""

    name: str
    fault: Fault | None
    params: dict[str, object]


CASES: tuple[Case, ...] = (
    Case("http_500", Fault.HTTP_500, {}),
    Case("http_502", Fault.HTTP_502, {}),
    Case("http_503", Fault.HTTP_503, {}),
    Case("html_challenge", Fault.HTML_PAGE, {}),
    Case("malformed_json", Fault.MALFORMED_JSON, {}),
    Case("wrong_shape", Fault.WRONG_SHAPE, {}),
    Case("rate_limited", Fault.RATE_LIMITED, {}),
    Case("rate_limited_retry_after", Fault.RATE_LIMITED, {"retry_after": 30}),
    Case("drop_before", Fault.DROP_BEFORE, {}),
    Case("drop_after", Fault.DROP_AFTER, {}),
    Case(KEY_REJECTED, None, {}),
)
CASE_NAMES = [case.name for case in CASES]

# -- expected outcomes ---------------------------------------------------------------------

_CONNECTION = {
    "http_500": "cannot_connect",
    "http_502": "cannot_connect",
    "http_503": "cannot_connect",
    "drop_before": "cannot_connect",
    "drop_after": "cannot_connect",
}
_ANSWER = {
    "html_challenge": "invalid_response",
    "malformed_json": "invalid_response",
    "rate_limited": "rate_limited",
    "rate_limited_retry_after": "rate_limited",
    KEY_REJECTED: "invalid_auth",
}
BULK = {**_CONNECTION, **_ANSWER, "wrong_shape": "invalid_response"}
"""Bulk actions: `{"foo": 1}` names none of the ids asked about, so it is no answer at all."""

EXPECTED: dict[str, dict[str, str]] = {
    "add_order": {
        # Anything after sending but without a usable answer: the order may exist.
        **dict.fromkeys(_CONNECTION, "order_outcome_unknown"),
        "html_challenge": "order_outcome_unknown",
        "malformed_json": "order_outcome_unknown",
        "wrong_shape": "order_outcome_unknown",
        "rate_limited": "rate_limited",
        "rate_limited_retry_after": "rate_limited",
        KEY_REJECTED: "invalid_auth",
    },
    "refill_orders": BULK,
    "cancel_orders": BULK,
    "get_order_status": BULK,
    "get_refill_status": BULK,
    "get_services": {**_CONNECTION, **_ANSWER, "wrong_shape": "invalid_response"},
    "track_orders": BULK,
}
"""Action -> case -> the translation key of the error raised."""

TARGET = {action: sent for action, sent in PANEL_ACTION.items() if sent is not None}
"""The panel action each integration action sends (the fault is aimed at it)."""

RETRIED = {"status", "refill_status", "services", "balance"}
"""Panel actions the client retries once after a connection error."""


def _inject(panel: FakePanel, case: Case, action: str) -> None:
    if case.fault is None:
        panel.key = "another-key-entirely"
        return
    panel.inject(case.fault, action=action, times=2, **case.params)


def _tracked(entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Every tracked order and refill record, as stored."""
    tracker = runtime(entry).tracker
    return [order_to_dict(order) for order in tracker.orders.values()] + [
        refill_to_dict(refill) for refill in tracker.refills.values()
    ]


def _assert_clean_log(caplog: pytest.LogCaptureFixture) -> None:
    """No warning or error carries an exception or says "Unexpected": every error was expected.

    DEBUG records may carry one: Home Assistant 2026's coordinator logs each failed update's
    "Full error:" with its traceback at DEBUG.
    """
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    unexpected = [r.getMessage() for r in loud if r.exc_info is not None]
    unexpected += [m for r in loud if "Unexpected" in (m := r.getMessage())]
    unexpected += [m for r in loud if "Traceback" in (m := r.getMessage())]
    assert not unexpected, unexpected
    assert API_KEY not in caplog.text  # the canary, at every level


Seeded = tuple[MockConfigEntry, str, str, str]
"""(entry, active order id, completed order id, refill id)."""


async def _seed(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> Seeded:
    """Set the entry up with an active and a completed tracked order, and a tracked refill."""
    active = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/active", 100)
    done = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/done", 100, status="Completed")
    refill = panel.create_refill(done)
    seed_storage(
        hass_storage,
        [
            tracked_order(active, service_id=SERVICE_FOLLOWERS, link="https://a.example/active"),
            tracked_order(done, service_id=SERVICE_FOLLOWERS, link="https://a.example/done"),
        ],
        [tracked_refill(refill, done)],
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    panel.reset_stats()
    return entry, active, done, refill


@pytest.fixture
async def seeded(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> Seeded:
    """The seeded entry on a frozen clock: polls are fired by moving it on."""
    return await _seed(hass, config_entry, panel, hass_storage)


@pytest.fixture
async def seeded_live(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> Seeded:
    """The seeded entry on the real clock, so a panel's delay and the client's timeout elapse.

    freezegun also freezes the event loop's clock: under `freezer` a slow answer never ends.
    """
    return await _seed(hass, config_entry, panel, hass_storage)


POLLED = ("balance", "status", "refill_status")
"""The panel actions of a poll; any of them failing fails the poll as a whole."""


@pytest.mark.parametrize("case", CASES, ids=CASE_NAMES)
@pytest.mark.parametrize("target", POLLED)
async def test_fault_during_poll(
    hass: HomeAssistant,
    seeded: Seeded,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    target: str,
    case: Case,
) -> None:
    """The poll fails: unavailable, then recovered by the next good poll; nothing lost."""
    entry, active, _, _ = seeded
    before = _tracked(entry)
    assert state_of(hass, BALANCE).state != STATE_UNAVAILABLE
    _inject(panel, case, target)

    await fire_poll(hass, freezer)
    panel.clear_faults()
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    assert state_of(hass, order_entity(active)).state == STATE_UNAVAILABLE
    assert _tracked(entry) == before
    if case.fault is None:
        assert flow_sources(hass) == [SOURCE_REAUTH]
        return  # polling stops until the user enters a key (reauth)
    assert flow_sources(hass) == []
    if case.name in _CONNECTION:
        assert panel.counts[target] == 2  # retried once
    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == "100.84292"
    assert state_of(hass, order_entity(active)).state != STATE_UNAVAILABLE
    assert [record.get("order_id") for record in _tracked(entry)] == [
        record.get("order_id") for record in before
    ]
    assert panel.counts["add"] == 0
    _assert_clean_log(caplog)


@pytest.mark.parametrize("body", [{"foo": 1}, [], {"status": "maintenance"}])
async def test_status_answers_about_no_order_finish_nothing(
    hass: HomeAssistant,
    seeded: Seeded,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    body: object,
) -> None:
    """Many polls answered with JSON about none of the orders leave every order active.

    Were they read as an error for each order, three of them would finish every order.
    """
    entry, active, _, _ = seeded
    before = _tracked(entry)
    panel.inject(Fault.WRONG_SHAPE, action="status", times=10, body=body)
    for _ in range(5):
        await fire_poll(hass, freezer)
        assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    panel.clear_faults()
    assert _tracked(entry) == before
    await fire_poll(hass, freezer)
    assert active in runtime(entry).tracker.unfinished_order_ids()
    assert state_of(hass, order_entity(active)).state == "pending"


def _action_data(action: str, active: str, done: str, refill: str) -> dict[str, Any]:
    new_order = {"orders": [active]}  # tracked already: track_orders keeps its record
    data: dict[str, dict[str, Any]] = {
        "add_order": {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 1000},
        "refill_orders": {"orders": [done]},
        "cancel_orders": {"orders": [active]},
        "get_order_status": {"orders": [active, done]},
        "get_refill_status": {"refills": [refill]},
        "get_services": {"refresh": True},
        "track_orders": new_order,
    }
    return data[action]


@pytest.mark.parametrize("case", CASES, ids=CASE_NAMES)
@pytest.mark.parametrize("action", list(EXPECTED))
async def test_fault_during_action(
    hass: HomeAssistant,
    seeded: Seeded,
    panel: FakePanel,
    caplog: pytest.LogCaptureFixture,
    action: str,
    case: Case,
) -> None:
    """Each action answers each fault with its translated error, losing nothing."""
    entry, active, done, refill = seeded
    before = _tracked(entry)
    expected = EXPECTED[action][case.name]
    _inject(panel, case, TARGET[action])

    error: HomeAssistantError | None = None
    response: Any = None
    try:
        response = await call(hass, action, _action_data(action, active, done, refill))
    except HomeAssistantError as err:
        error = err
    await hass.async_block_till_done()
    panel.clear_faults()

    assert error is not None, response
    assert not [text for text in exception_texts(error) if API_KEY in text]
    assert error.translation_domain == DOMAIN
    assert error.translation_key == expected
    assert not isinstance(error, ServiceValidationError)  # not the user's fault
    assert _tracked(entry) == before
    assert panel.counts["add"] <= 1
    if case.fault is None:
        assert flow_sources(hass) == [SOURCE_REAUTH]
    else:
        assert flow_sources(hass) == []
    _assert_clean_log(caplog)


async def test_panel_refusal_is_a_validation_error(
    hass: HomeAssistant, seeded: Seeded, panel: FakePanel
) -> None:
    """A refusal by the panel (here: not enough funds) is the user's to fix: panel_error."""
    entry, *_ = seeded
    before = _tracked(entry)
    panel.balance = 0  # the integration still believes the last poll's balance
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100})
    assert caught.value.translation_key == "panel_error"
    assert panel.counts["add"] == 1
    assert _tracked(entry) == before


@pytest.mark.parametrize("fault", [Fault.HTTP_503, Fault.HTML_PAGE, Fault.WRONG_SHAPE])
async def test_catalogue_failing_at_setup(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
) -> None:
    """A catalogue failure at setup is logged, setup succeeds, add_order fetches it again."""
    panel.inject(fault, action="services", times=2)
    with caplog.at_level(logging.WARNING):
        await setup_entry(hass, config_entry)
    panel.clear_faults()
    assert config_entry.state is ConfigEntryState.LOADED
    assert "Could not fetch the service catalogue" in caplog.text
    assert runtime(config_entry).tracker.catalogue is None
    assert state_of(hass, BALANCE).state == "100.84292"

    panel.reset_stats()
    response = await call(
        hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100}
    )
    await hass.async_block_till_done()
    assert response is not None
    assert panel.counts["services"] == 1
    assert panel.counts["add"] == 1
    assert response["order"] in runtime(config_entry).tracker.orders
    _assert_clean_log(caplog)


# -- latency beyond the timeout (real clock) -------------------------------------------------

SLOW_EXPECTED = {
    # Sent, then no answer in time: the order may exist.
    "add_order": "order_outcome_unknown",
    **dict.fromkeys(set(EXPECTED) - {"add_order"}, "cannot_connect"),
}
"""Action -> the translation key of the error a too-slow panel gives."""


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
    before = _tracked(entry)
    panel.inject(Fault.LATENCY, action=target, times=2, seconds=SLOW)

    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    assert panel.counts[target] == 2  # retried once
    assert state_of(hass, order_entity(active)).state == STATE_UNAVAILABLE
    assert _tracked(entry) == before

    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, BALANCE).state == "100.84292"
    assert state_of(hass, order_entity(active)).state == "pending"
    assert flow_sources(hass) == []
    _assert_clean_log(caplog)


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
    before = _tracked(entry)
    panel.inject(Fault.LATENCY, action=TARGET[action], times=2, seconds=SLOW)

    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, action, _action_data(action, active, done, refill))
    await hass.async_block_till_done()

    assert not isinstance(caught.value, ServiceValidationError)
    assert not [text for text in exception_texts(caught.value) if API_KEY in text]
    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key == SLOW_EXPECTED[action]
    sent = panel.counts[TARGET[action]]
    assert sent == (2 if TARGET[action] in RETRIED else 1)
    assert _tracked(entry) == before
    assert flow_sources(hass) == []
    _assert_clean_log(caplog)
