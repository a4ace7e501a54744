"""Fault matrix: every fault of the fake panel, during a poll and during each action,
in every dialect (PROTOCOL.md §8), each echoing the key (CONTRACT §8).

The expected outcome of every combination is written in the tables below and asserted:

- a poll: the entities turn unavailable and recover with the next good poll; a rejected key
  starts reauth; tracked orders are unchanged; nothing unexpected is logged; no ``add``.
- an action: the translated error of `errors.translate`; tracked orders unchanged; a rejected
  key starts reauth; ``add`` reaches the panel at most once per ``add_order`` call.

One test per dialect and poll target, and one per dialect for all the actions, runs every
case in turn (in the order of ``CASES``) on one entry and compares what it saw with the
table as a whole, so a failure shows every case that went wrong. A case is injected,
observed and cleared before the next; the rejected key comes last, because polling stops
until the user enters a key (an action's test puts the key right before the next action).
This keeps the dialect axis affordable: 19 tests instead of 600, each paying setup once.

The tables hold for every dialect: the faults replace the panel's answer, and each dialect's
own way (4xx codes, ``{"status": "error", "message": …}``, its wrong-key text, a rate limit
as HTTP 200 on ``minimal``) leads to the same outcome. What differs is in ``POLL_TARGETS``
(which poll requests meet the faults: every one where the dialect's bulk answers differ from
the template's) and ``BALANCE_SHOWN``.

Reads are retried once after a connection error, so each fault is queued twice (then
cleared), which makes the retry fail too. The faulty poll is fired by the clock; the
recovering one is asked of the coordinator directly (the same refresh, at half the cost).

Latency beyond the client's timeout: test_fault_latency.py (real clock).
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
from tests.conftest import API_KEY
from tests.fake_panel import DIALECT_NAMES, SERVICE_FOLLOWERS, FakePanel, Fault, dialect
from tests.leaks import exception_texts
from tests.polling_helpers import (
    BALANCE,
    fire_poll,
    flow_sources,
    order_entity,
    setup_entry,
    state_of,
)
from tests.reliability.conftest import Seeded, assert_clean_log, seed_entry, tracked_records
from tests.services_common import LINK, PANEL_ACTION, call, runtime

KEY_REJECTED = "key_rejected"
"""Not a transport fault: the panel's key is changed, so it answers its wrong-key text."""


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
    Case(KEY_REJECTED, None, {}),  # last: see the module docstring
)
assert CASES[-1].name == KEY_REJECTED

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
"""Action -> case -> the translation key of the error raised (every dialect)."""

POLL_EXPECTED: dict[str, str] = {
    **{case.name: "unavailable, then recovered" for case in CASES if case.fault is not None},
    KEY_REJECTED: "unavailable, reauth",
}
"""Case -> what a poll whose target request meets it leads to (every dialect)."""

POLLED = ("balance", "status", "refill_status")
"""The panel actions of a poll; any of them failing fails the poll as a whole."""
POLL_TARGETS: dict[str, tuple[str, ...]] = {
    "template": POLLED,
    "smartpanel": POLLED,  # bare item errors, nested refill statuses, pretty JSON as HTML
    "laravel": POLLED,  # bulk status as a list without ids, 4xx codes
    "minimal": ("balance", "status"),  # no refill_status: no refill can exist there
    "drifted": ("balance",),  # its bulk answers are the template's: keyed by id
    "strict": ("balance",),  # the same; its 4xx codes and key text meet every target alike
}
"""Dialect -> the poll requests a fault is aimed at: where the dialect reads differently."""
assert list(POLL_TARGETS) == list(DIALECT_NAMES)
BALANCE_SHOWN: dict[str, str] = {
    **dict.fromkeys(DIALECT_NAMES, "100.84292"),
    "smartpanel": "100.84",  # number_format: two decimals
}
"""Dialect -> the balance sensor's state on the panel's default balance."""

TARGET = {action: sent for action, sent in PANEL_ACTION.items() if sent is not None}
"""The panel action each integration action sends (the fault is aimed at it)."""


@pytest.fixture
def dialect_name() -> str:
    """The panel's dialect; tests with a dialect axis parametrize it."""
    return "template"


@pytest.fixture
def panel(dialect_name: str) -> FakePanel:
    """The dialect's panel, echoing the key in every text (the canary must stay hidden)."""
    return FakePanel(API_KEY, quirks=dialect(dialect_name, echo_key=True))


@pytest.fixture
async def seeded(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> Seeded:
    """The seeded entry on a frozen clock: polls are fired by moving it on."""
    return await seed_entry(hass, config_entry, panel, hass_storage)


def _inject(panel: FakePanel, case: Case, action: str) -> None:
    if case.fault is None:
        panel.key = "another-key-entirely"
        return
    panel.inject(case.fault, action=action, times=2, **case.params)


@pytest.mark.parametrize(
    ("dialect_name", "target"),
    [(name, target) for name in DIALECT_NAMES for target in POLL_TARGETS[name]],
)
async def test_fault_during_poll(
    hass: HomeAssistant,
    seeded: Seeded,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    dialect_name: str,
    target: str,
) -> None:
    """The poll fails: unavailable, then recovered by the next good poll; nothing lost."""
    entry, active, _, _ = seeded
    coordinator = runtime(entry).coordinator
    before = tracked_records(entry)
    shown = BALANCE_SHOWN[dialect_name]
    assert state_of(hass, BALANCE).state == shown
    seen: dict[str, str] = {}
    for case in CASES:
        panel.reset_stats()
        _inject(panel, case, target)
        await fire_poll(hass, freezer)
        panel.clear_faults()
        wrong = []
        if state_of(hass, BALANCE).state != STATE_UNAVAILABLE:
            wrong.append("balance available")
        if state_of(hass, order_entity(active)).state != STATE_UNAVAILABLE:
            wrong.append("order available")
        if tracked_records(entry) != before:
            wrong.append("tracking changed")
        if case.name in _CONNECTION and panel.counts[target] != 2:
            wrong.append(f"{panel.counts[target]} {target} requests, not 2 (one retry)")
        if case.fault is None:
            reauth = flow_sources(hass) == [SOURCE_REAUTH]
            seen[case.name] = ", ".join(wrong or ["unavailable"]) + (", reauth" * reauth)
            break  # polling stops until the user enters a key (reauth)
        if flow_sources(hass):
            wrong.append(f"flows {flow_sources(hass)}")
        await coordinator.async_refresh()  # the next poll (see the module docstring)
        await hass.async_block_till_done()
        if state_of(hass, BALANCE).state != shown:
            wrong.append(f"balance {state_of(hass, BALANCE).state} after the next poll")
        if state_of(hass, order_entity(active)).state in (STATE_UNAVAILABLE, "unknown"):
            wrong.append("order not recovered")
        seen[case.name] = ", ".join(wrong or ["unavailable", "then recovered"])
    assert seen == POLL_EXPECTED
    assert [record.get("order_id") for record in tracked_records(entry)] == [
        record.get("order_id") for record in before
    ]
    assert panel.counts["add"] == 0
    assert_clean_log(caplog)


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
    before = tracked_records(entry)
    panel.inject(Fault.WRONG_SHAPE, action="status", times=10, body=body)
    for _ in range(5):
        await fire_poll(hass, freezer)
        assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    panel.clear_faults()
    assert tracked_records(entry) == before
    await fire_poll(hass, freezer)
    assert active in runtime(entry).tracker.unfinished_order_ids()
    assert state_of(hass, order_entity(active)).state == "pending"


def action_data(action: str, active: str, done: str, refill: str) -> dict[str, Any]:
    """The call of `action` against the seeded orders (shared with test_fault_latency)."""
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


async def _action_outcome(
    hass: HomeAssistant, panel: FakePanel, seeded: Seeded, action: str, case: Case
) -> str:
    """The translation key of the error `action` gives under `case`, or what went wrong."""
    entry, active, done, refill = seeded
    before = tracked_records(entry)
    panel.reset_stats()
    _inject(panel, case, TARGET[action])
    try:
        response = await call(hass, action, action_data(action, active, done, refill))
    except HomeAssistantError as err:
        error = err
    else:
        return f"no error: {response}"
    finally:
        await hass.async_block_till_done()
        panel.clear_faults()
    wrong = [f"{type(error).__name__} {error.translation_domain}.{error.translation_key}"]
    if [text for text in exception_texts(error) if API_KEY in text]:
        wrong.append("the key in the error")
    if error.translation_domain != DOMAIN or isinstance(error, ServiceValidationError):
        wrong.append("not the integration's own HomeAssistantError")
    if tracked_records(entry) != before:
        wrong.append("tracking changed")
    if panel.counts["add"] > 1:
        wrong.append(f"{panel.counts['add']} adds")
    if flow_sources(hass) != ([SOURCE_REAUTH] if case.fault is None else []):
        wrong.append(f"flows {flow_sources(hass)}")
    return str(error.translation_key) if len(wrong) == 1 else ", ".join(wrong)


@pytest.mark.parametrize("dialect_name", DIALECT_NAMES)
async def test_fault_during_action(
    hass: HomeAssistant,
    seeded: Seeded,
    panel: FakePanel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each action answers each fault with its translated error, losing nothing.

    After the rejected key (each action's last case) the key is put right and the reauth
    flow dismissed, so the next action starts as the first did.
    """
    flow = hass.config_entries.flow
    seen: dict[str, dict[str, str]] = {}
    for action in EXPECTED:
        seen[action] = {}
        for case in CASES:
            seen[action][case.name] = await _action_outcome(hass, panel, seeded, action, case)
        panel.key = API_KEY
        for progress in flow.async_progress_by_handler(DOMAIN):
            flow.async_abort(progress["flow_id"])
    assert seen == EXPECTED
    assert_clean_log(caplog)


FUNDS_REFUSAL: dict[str, str] = {
    **dict.fromkeys(DIALECT_NAMES, "Not enough funds on balance"),
    "drifted": "neworder.error.not_enough_funds",
}
"""Dialect -> how its panel words the refusal (strict sends it with HTTP 402, laravel 422)."""


@pytest.mark.parametrize("dialect_name", DIALECT_NAMES)
async def test_panel_refusal_is_a_validation_error(
    hass: HomeAssistant, seeded: Seeded, panel: FakePanel, dialect_name: str
) -> None:
    """A refusal by the panel (here: not enough funds) is the user's to fix: panel_error."""
    entry, *_ = seeded
    before = tracked_records(entry)
    panel.balance = 0  # the integration still believes the last poll's balance
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100})
    assert caught.value.translation_key == "panel_error"
    placeholders = caught.value.translation_placeholders or {}
    assert placeholders["message"].startswith(f"{FUNDS_REFUSAL[dialect_name]}: key=")  # echoed
    assert API_KEY not in placeholders["message"]
    assert panel.counts["add"] == 1
    assert tracked_records(entry) == before


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
    assert_clean_log(caplog)
