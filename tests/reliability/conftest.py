"""Reliability helpers: a short client timeout, the dialects, the secrets canary's tools (its
sweep, the config flows' steps, what the integration produced), a seeded entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import timedelta
from functools import partial
import json
import logging
from typing import Any, cast
from urllib.parse import quote, quote_plus

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowContext,
    ConfigFlowResult,
)
from homeassistant.const import CONF_API_KEY
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.smm_panel.api import SmmPanelClient
from custom_components.smm_panel.const import (
    DOMAIN,
    EVENT_ORDER_PLACED,
    EVENT_ORDER_STATUS_CHANGED,
    EVENT_REFILL_STATUS_CHANGED,
)
from custom_components.smm_panel.diagnostics import async_get_config_entry_diagnostics
from custom_components.smm_panel.tracking import SAVE_DELAY
from tests.conftest import API_KEY
from tests.fake_panel import (
    DELIVERY_SECONDS,
    DIALECT_NAMES,
    PENDING_SECONDS,
    REFILL_PENDING_SECONDS,
    SERVICE_FOLLOWERS,
    FakePanel,
    Fault,
)
from tests.flow_json import frontend_json
from tests.leaks import exception_texts
from tests.polling_helpers import (
    fire_poll,
    seed_storage,
    setup_entry,
    tracked_order,
    tracked_refill,
)
from tests.services_common import LINK, PANEL_ACTION, call, runtime

CLIENT_TIMEOUT = 0.3
"""Seconds; the integration's 30 s default cannot be waited for here."""
SLOW = CLIENT_TIMEOUT * 2
"""A latency fault this long outlasts the client timeout."""

EVENTS = (EVENT_ORDER_PLACED, EVENT_ORDER_STATUS_CHANGED, EVENT_REFILL_STATUS_CHANGED)
"""Every bus event of the domain (CONTRACT §6)."""

ECHO_KEY = "canary+echo/7e1f a=b&c%d-key-never-logged"
"""A canary key whose URL-encoded forms differ from it (``+``, ``/``, a space, ``=&%``)."""

RAW_IN_PROGRESS: dict[str, str] = {
    **dict.fromkeys(DIALECT_NAMES, "In progress"),
    "smartpanel": "in progress",
    "drifted": "In Progress",
}
"""Dialect -> how its panel writes the status "In progress" (of orders and refills)."""


@pytest.fixture(params=DIALECT_NAMES)
def dialect_name(request: pytest.FixtureRequest) -> str:
    """Each dialect in turn: the dialect modules build their `panel` from it."""
    return cast(str, request.param)


@pytest.fixture
def short_client_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the entry's client with a short timeout (only the timeout value changes).

    Only for the tests that inject latency: elsewhere a slow moment of a loaded machine would
    turn into a `cannot_connect` the test did not expect.
    """
    monkeypatch.setattr(
        "custom_components.smm_panel.SmmPanelClient",
        partial(SmmPanelClient, timeout=CLIENT_TIMEOUT),
    )


def key_forms(key: str) -> tuple[str, ...]:
    """The key as typed and URL-encoded both ways (form encoding and percent encoding)."""
    return tuple(dict.fromkeys((key, quote_plus(key), quote(key, safe=""))))


def leaks(texts: Iterable[str], *keys: str) -> list[str]:
    """The texts holding any key in any of its forms."""
    forms = [form for key in keys for form in key_forms(key)]
    return [text for text in texts if any(form in text for form in forms)]


def log_texts(records: Iterable[logging.LogRecord]) -> list[str]:
    """Each record's message, its arguments and its exception (traceback and whole chain)."""
    formatter = logging.Formatter()
    texts: list[str] = []
    for record in records:
        texts += [record.getMessage(), repr(record.args), str(record.msg)]
        if record.exc_info:
            texts.append(formatter.formatException(record.exc_info))
            if record.exc_info[1] is not None:
                texts += exception_texts(record.exc_info[1])
        if record.stack_info:
            texts.append(record.stack_info)
    return texts


def capture_events(hass: HomeAssistant) -> list[Event[Any]]:
    """Every event of the domain fired from now on, in order."""
    seen: list[Event[Any]] = []

    @callback  # in the loop, in firing order (a plain function would run in the executor)
    def listen(event: Event[Any]) -> None:
        seen.append(event)

    for event_type in EVENTS:
        hass.bus.async_listen(event_type, listen)
    return seen


async def flush_storage(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the tracker's delayed save run (poll results are written after SAVE_DELAY)."""
    freezer.tick(timedelta(seconds=SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def assert_no_leaks(texts: Mapping[str, Iterable[str]], *keys: str) -> None:
    """No text of any channel holds any of the keys, in any of its forms."""
    found = {channel: leaks(collected, *keys) for channel, collected in texts.items()}
    assert not any(found.values()), {channel: hits[:2] for channel, hits in found.items() if hits}


async def produced_texts(
    hass: HomeAssistant,
    entry: ConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> dict[str, list[str]]:
    """What the integration left for anyone to see, by channel: the entry's diagnostics, every
    state, every stored file but core.config_entries (where the key belongs), every log record.
    """
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    return {
        "diagnostics": [json.dumps(diagnostics, default=str)],
        "states": [
            text
            for state in hass.states.async_all()
            for text in (state.state, repr(state.attributes), repr(state))
        ],
        "storage": [
            json.dumps(value, default=str)
            for key, value in hass_storage.items()
            if key != "core.config_entries"
        ],
        "logs": [*log_texts(caplog.records), caplog.text],
    }


# -- the secrets canary's sweep: polls, every action, faults, a rejected key -----------------

FAULTS = tuple(f for f in Fault if f is not Fault.LATENCY)
"""The faults the sweep injects (latency: test_fault_latency.py, on the real clock)."""
GHOST = "40404"
"""A tracked order the panel does not know: each poll stores its (echoed) error."""
CHANNELS = ("responses", "errors", "events", "states", "diagnostics", "storage", "logs")
"""Where the sweep collects what the integration produced."""


def sweep_actions(active: str, done: str, refill: str) -> dict[str, dict[str, Any]]:
    """Each action's call: per-item refusals ride along with the successes."""
    actions: dict[str, dict[str, Any]] = {
        "add_order": {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100},
        "refill_orders": {"orders": [done, GHOST]},
        "cancel_orders": {"orders": [active, GHOST]},
        "get_order_status": {"orders": [active, done, GHOST]},
        "get_refill_status": {"refills": [refill, GHOST]},
        "get_services": {"refresh": True},
        "track_orders": {"orders": [active, GHOST]},
        "untrack_orders": {"orders": ["777"]},
        "find_services": {"search": "followers", "quantity": 100},
    }
    assert list(actions) == list(PANEL_ACTION)  # all nine
    return actions


type Sweep = Callable[..., Awaitable[dict[str, list[str]]]]
"""`await sweep(full=...)`: `canary_sweep` on the test's own entry, panel and captures."""


@pytest.fixture
def sweep(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> Sweep:
    """The canary sweep, bound to this test's fixtures."""
    return partial(canary_sweep, hass, config_entry, panel, hass_storage, freezer, caplog)


async def canary_sweep(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    *,
    full: bool,
) -> dict[str, list[str]]:
    """Drive the integration through everything; every text it produced, by channel.

    Setup and the catalogue; polls moving an order and a refill through their statuses (so
    every event fires; no refill on a ``minimal`` panel, which has none) with a tracked order
    the panel does not know (its error is stored); all nine actions (successes, per-item
    refusals, a refusal of the whole action, a duplicate order); with `full`, every fault
    injected into a poll and into each action; hand-made answers quoting the entry's key in an
    order's status and in an add warning; a rejected key. Logs are collected from DEBUG on.
    """
    caplog.set_level(logging.DEBUG)
    texts: dict[str, list[str]] = {channel: [] for channel in CHANNELS}
    events = capture_events(hass)
    refills_work = not panel.quirks.minimal_actions  # a minimal panel has no refills at all
    active = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/a", 100)
    done = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/d", 100, status="Completed")
    refill = panel.create_refill(done)
    seed_storage(
        hass_storage,
        [tracked_order(active), tracked_order(done), tracked_order(GHOST)],
        [tracked_refill(refill, done)] if refills_work else [],
    )
    await setup_entry(hass, entry)  # the catalogue, and the first poll
    actions = sweep_actions(active, done, refill)

    async def run_all(fault: Fault | None) -> None:
        for action, data in actions.items():
            if fault is not None and (sent := PANEL_ACTION[action]) is not None:
                panel.inject(fault, action=sent, times=2)
            if action == "add_order":
                link = f"{LINK}/{fault.value if fault else 'ok'}"
                data = {**data, "link": link}  # noqa: PLW2901 - one new link per fault
            try:
                texts["responses"].append(json.dumps(await call(hass, action, data), default=str))
            except HomeAssistantError as err:
                texts["errors"].extend(exception_texts(err))
            panel.clear_faults()
            await hass.async_block_till_done()

    await run_all(None)  # places an order, cancels `active`, refills nothing (one is pending)
    for seconds in (PENDING_SECONDS, DELIVERY_SECONDS, REFILL_PENDING_SECONDS * 3):
        panel.advance(seconds)  # the new order: in progress, then completed; refill: both
        await fire_poll(hass, freezer)
    if full:
        for fault in FAULTS:
            panel.inject(fault, action="balance", times=2)
            await fire_poll(hass, freezer)
            panel.clear_faults()
            await run_all(fault)
    await fire_poll(hass, freezer)
    panel.balance = 0  # the integration still believes the last poll: the panel refuses
    await run_all(None)

    # Hand-made echoes where the panel's own do not reach: an order's status, an add warning.
    key = entry.data[CONF_API_KEY]
    panel.balance = 100
    await fire_poll(hass, freezer)
    hostile = {**actions["add_order"], "link": f"{LINK}/hostile"}
    placed = cast(dict[str, Any], await call(hass, "add_order", hostile))["order"]
    with pytest.raises(ServiceValidationError) as duplicate:  # the same again, while it is active
        await call(hass, "add_order", hostile)
    assert duplicate.value.translation_key == "duplicate_order"
    texts["errors"].extend(exception_texts(duplicate.value))
    body = {placed: {"status": f"In progress ({key})", "charge": "0.09", "remains": "9"}}
    panel.inject(Fault.WRONG_SHAPE, action="status", body=body)
    await fire_poll(hass, freezer)
    panel.inject(Fault.WRONG_SHAPE, action="add", body={"order": 99999, "error": key})
    warned = await call(hass, "add_order", {**hostile, "allow_duplicate": True})
    texts["responses"].append(json.dumps(warned))

    panel.key = "another-key"  # rejected mid-life: poll and actions both start reauth
    await fire_poll(hass, freezer)
    await run_all(None)

    await flush_storage(hass, freezer)
    for channel, produced in (await produced_texts(hass, entry, hass_storage, caplog)).items():
        texts[channel] += produced
    texts["states"] += [repr(runtime(entry)), repr(runtime(entry).tracker.orders)]
    texts["events"] += [json.dumps(e.data, default=str) + repr(e) for e in events]
    expected_events = set(EVENTS) if refills_work else set(EVENTS[:2])
    assert {e.event_type for e in events} == expected_events
    return texts


# -- the secrets canary's config flows ------------------------------------------------------


class FlowSteps:
    """Config flows driven step by step; every form, as the frontend gets it, kept in `texts`."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.texts: list[str] = []

    def _kept(self, result: ConfigFlowResult) -> ConfigFlowResult:
        self.texts.append(frontend_json(self.hass, result))
        return result

    async def start(
        self, source: str, entry: ConfigEntry | None = None, data: Any = None
    ) -> ConfigFlowResult:
        """Start a flow of `source` (for `entry`, if given)."""
        context = ConfigFlowContext(source=source)
        if entry is not None:
            context["entry_id"] = entry.entry_id
        flow = self.hass.config_entries.flow
        return self._kept(await flow.async_init(DOMAIN, context=context, data=data))

    async def step(self, flow_id: str, data: dict[str, Any]) -> ConfigFlowResult:
        """Submit `data` to the flow's current step."""
        return self._kept(await self.hass.config_entries.flow.async_configure(flow_id, data))

    async def refused(self, flow_id: str, data: dict[str, Any], error: str) -> None:
        """Submit `data`; the form comes back with `error`."""
        result = await self.step(flow_id, data)
        assert result["errors"] == {"base": error}

    async def finish(self, flow_id: str, data: dict[str, Any], reason: str) -> None:
        """Submit `data`; the flow ends with `reason` (and what it changed is done)."""
        result = await self.step(flow_id, data)
        assert result["reason"] == reason
        await self.hass.async_block_till_done()

    async def create_entry(self, flow_id: str, data: dict[str, Any]) -> ConfigEntry:
        """Submit `data`; the flow creates the entry, which is set up. Its texts are kept."""
        result = await self.step(flow_id, data)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await self.hass.async_block_till_done()
        entry = self.hass.config_entries.async_entries(DOMAIN)[0]
        self.texts += [entry.title, str(entry.unique_id), repr(entry.runtime_data)]
        return entry


# -- an entry seeded with orders and a refill (the fault matrix) -----------------------------

Seeded = tuple[MockConfigEntry, str, str, str]
"""(entry, active order id, completed order id, refill id)."""


async def seed_entry(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> Seeded:
    """Set the entry up with an active and a completed tracked order, and a refill.

    The refill is tracked unless the panel has no refills at all (``minimal_actions``: its
    ``refill_status`` is "This action is Invalid", so none can ever have been created).
    """
    active = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/active", 100)
    done = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/done", 100, status="Completed")
    refill = panel.create_refill(done)
    seed_storage(
        hass_storage,
        [
            tracked_order(active, service_id=SERVICE_FOLLOWERS, link="https://a.example/active"),
            tracked_order(done, service_id=SERVICE_FOLLOWERS, link="https://a.example/done"),
        ],
        [] if panel.quirks.minimal_actions else [tracked_refill(refill, done)],
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    panel.reset_stats()
    return entry, active, done, refill


def tracked_records(entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Every tracked order and refill record, as stored."""
    tracker = runtime(entry).tracker
    return [order.as_stored() for order in tracker.orders.values()] + [
        refill.as_stored() for refill in tracker.refills.values()
    ]


def assert_clean_log(caplog: pytest.LogCaptureFixture) -> None:
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
