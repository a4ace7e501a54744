"""Secrets canary on a hostile panel (CONTRACT §8): the panel echoes the key in all it sends.

The fake panel's ``echo_key`` quirk quotes the request, key included, in every error text
(plain and URL-encoded), per-item error, ``note`` field, service text, HTML fault page, 429
body and an ``X-Request`` header. The client scrubs its key from what it received; these tests
look for the key (plain, ``quote_plus`` and ``quote(safe="")``: ``ECHO_KEY`` makes them differ)
in everything the integration produced from it, for every dialect:

- the sweep: setup and the catalogue, polls (an order and a refill driven through status
  changes, so every event fires - but the refill's on ``minimal``, which has no refills; a
  tracked order the panel does not know, so its echoed error is stored), all eight actions
  (success, per-item refusals, a refusal of the whole action), hand-made answers quoting the
  key in an order's status and in an add warning, a rejected key; then every response,
  exception, event, state, diagnostics, stored file, repr and DEBUG log record.
- on ``FULL_SWEEP`` dialects every fault (but latency: test_fault_latency.py) is injected
  into the poll and into each action too. The fault pages and bodies are the same in every
  dialect and the fault matrix already checks every dialect's errors and log for the key
  under every fault, so the other dialects get the lighter sweep (about 1 s less each).
- proof that the canary can fail: the panel's raw answers hold the key
  (``test_echoing_panel_sends_the_key``) and, with the scrubber switched off, the sweep's
  collection finds it in every channel (``test_unscrubbed_echo_is_caught``).

The config flows against the echoing panel are in test_secrets_echo_flows.py.
"""

from __future__ import annotations

import json
import logging
from typing import Any, cast

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.api import REDACTED
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.diagnostics import async_get_config_entry_diagnostics
from tests.fake_panel import (
    DELIVERY_SECONDS,
    DIALECT_NAMES,
    PENDING_SECONDS,
    REFILL_PENDING_SECONDS,
    SERVICE_FOLLOWERS,
    FakePanel,
    Fault,
    RunningFakePanel,
    dialect,
)
from tests.leaks import exception_texts
from tests.polling_helpers import (
    ENTRY_ID,
    fire_poll,
    seed_storage,
    setup_entry,
    tracked_order,
    tracked_refill,
)
from tests.reliability.conftest import (
    ECHO_KEY,
    EVENTS,
    capture_events,
    flush_storage,
    key_forms,
    leaks,
    log_texts,
)
from tests.services_common import LINK, PANEL_ACTION, call, runtime

FULL_SWEEP = ("template", "smartpanel")
"""Dialects swept with every fault in the poll and in each action."""
FAULTS = tuple(f for f in Fault if f is not Fault.LATENCY)
GHOST = "40404"
"""A tracked order the panel does not know: each poll stores its (echoed) error."""
CHANNELS = ("responses", "errors", "events", "states", "diagnostics", "storage", "logs")


@pytest.fixture(params=DIALECT_NAMES)
def dialect_name(request: pytest.FixtureRequest) -> str:
    """Each dialect in turn."""
    return cast(str, request.param)


@pytest.fixture
def panel(dialect_name: str) -> FakePanel:
    """The dialect's panel, echoing the key it receives."""
    return FakePanel(ECHO_KEY, quirks=dialect(dialect_name, echo_key=True))


@pytest.fixture
def config_entry(running_panel: RunningFakePanel) -> MockConfigEntry:
    """The test entry, with the canary key."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="127.0.0.1",
        data={CONF_URL: running_panel.url, CONF_API_KEY: ECHO_KEY},
        entry_id=ENTRY_ID,
    )


async def test_echoing_panel_sends_the_key(
    panel: FakePanel, running_panel: RunningFakePanel, session: aiohttp.ClientSession
) -> None:
    """Raw answers quote the key: what the integration shows of them is the scrubber's work."""
    refill = panel.create_refill(panel.create_order(SERVICE_FOLLOWERS, LINK, status="Completed"))

    async def ask(key: str, **fields: str) -> tuple[str, str]:
        form = {"key": key, **fields}
        async with session.post(running_panel.url, data=form) as response:
            text = await response.text()
            header = response.headers.get("X-Request", "")
        if text.lstrip().startswith(("{", "[")):
            text = json.dumps(json.loads(text), ensure_ascii=False)  # undo PHP's "\/"
        return text, header

    plain, encoded = key_forms(ECHO_KEY)[:2]
    wrong = "wrong+key/echoed back"
    answers = {
        "balance": await ask(ECHO_KEY, action="balance"),
        "services": await ask(ECHO_KEY, action="services"),
        "status": await ask(ECHO_KEY, action="status", orders=f"{GHOST},1"),
        "refill_status": await ask(ECHO_KEY, action="refill_status", refills=f"{refill},9"),
        "wrong key": await ask(wrong, action="balance"),
    }
    for fault in (Fault.HTTP_500, Fault.HTML_PAGE, Fault.RATE_LIMITED):
        panel.inject(fault, action="balance")
        answers[fault.value] = await ask(ECHO_KEY, action="balance")

    assert wrong in answers.pop("wrong key")[0]
    for name, (text, header) in answers.items():
        assert plain in text or encoded in text, (name, text)
        assert encoded in header, name
    assert plain in answers["balance"][0]  # a note quoting the request
    assert encoded in answers["status"][0]  # the per-item errors, URL-encoded
    for name in ("services", "http_500"):  # names, categories; a page's text and comment
        assert plain in answers[name][0], name
        assert encoded in answers[name][0], name


def _actions(active: str, done: str, refill: str) -> dict[str, dict[str, Any]]:
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
    }
    assert list(actions) == list(PANEL_ACTION)  # all eight
    return actions


async def _sweep(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    *,
    full: bool,
) -> dict[str, list[str]]:
    """Drive the integration against the echoing panel; every text it produced, by channel."""
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
    actions = _actions(active, done, refill)

    async def run_all(fault: Fault | None) -> None:
        for action, data in actions.items():
            if fault is not None and (sent := PANEL_ACTION[action]) is not None:
                panel.inject(fault, action=sent, times=2)
            if action == "add_order":
                link = f"{LINK}/{fault.value if fault else 'ok'}"
                data = {**data, "link": link}  # noqa: PLW2901 - one new link per fault
            try:
                texts["responses"].append(json.dumps(await call(hass, action, data)))
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
    panel.balance = 100
    await fire_poll(hass, freezer)
    hostile = {**actions["add_order"], "link": f"{LINK}/hostile"}
    placed = cast(dict[str, Any], await call(hass, "add_order", hostile))["order"]
    body = {placed: {"status": f"In progress ({ECHO_KEY})", "charge": "0.09", "remains": "9"}}
    panel.inject(Fault.WRONG_SHAPE, action="status", body=body)
    await fire_poll(hass, freezer)
    panel.inject(Fault.WRONG_SHAPE, action="add", body={"order": 99999, "error": ECHO_KEY})
    warned = await call(hass, "add_order", {**hostile, "allow_duplicate": True})
    texts["responses"].append(json.dumps(warned))

    panel.key = "another-key"  # rejected mid-life: poll and actions both start reauth
    await fire_poll(hass, freezer)
    await run_all(None)

    await flush_storage(hass, freezer)
    texts["diagnostics"].append(
        json.dumps(await async_get_config_entry_diagnostics(hass, entry), default=str)
    )
    texts["states"] += [repr(runtime(entry)), repr(runtime(entry).tracker.orders)]
    for state in hass.states.async_all():
        texts["states"] += [state.state, repr(state.attributes), repr(state)]
    texts["storage"] += [
        json.dumps(value, default=str)
        for key, value in hass_storage.items()
        if key != "core.config_entries"  # where the key belongs
    ]
    texts["events"] += [json.dumps(e.data, default=str) + repr(e) for e in events]
    expected_events = set(EVENTS) if refills_work else set(EVENTS[:2])
    assert {e.event_type for e in events} == expected_events
    return texts


async def test_echoed_key_leaks_nowhere(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    dialect_name: str,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Everything the integration produced from the echoing panel is free of the key."""
    caplog.set_level(logging.DEBUG)
    texts = await _sweep(
        hass, config_entry, panel, hass_storage, freezer, full=dialect_name in FULL_SWEEP
    )
    texts["logs"] += [*log_texts(caplog.records), caplog.text]

    found = {channel: leaks(collected, ECHO_KEY) for channel, collected in texts.items()}
    assert not any(found.values()), {c: found[c][:2] for c in CHANNELS if found[c]}
    # The echoes did arrive, scrubbed, in every channel (diagnostics: the stored item error).
    scrubbed = [c for c in CHANNELS if any(REDACTED in text for text in texts[c])]
    assert scrubbed == list(CHANNELS)
    assert f"Incorrect order ID: key={REDACTED}" in texts["diagnostics"][0]


class _NoScrubber:
    """A scrubber that scrubs nothing: the sabotage that the canary must catch."""

    def __init__(self, secret: str) -> None:
        del secret

    def text(self, value: str) -> str:
        return value

    def tree(self, value: object) -> object:
        return value


@pytest.mark.parametrize("dialect_name", ["template"])
async def test_unscrubbed_echo_is_caught(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the client's scrubber switched off, the same sweep finds the key everywhere."""
    monkeypatch.setattr("custom_components.smm_panel.api.client.Scrubber", _NoScrubber)
    caplog.set_level(logging.DEBUG)
    texts = await _sweep(hass, config_entry, panel, hass_storage, freezer, full=False)
    texts["logs"] += [*log_texts(caplog.records), caplog.text]

    leaky = [channel for channel in CHANNELS if leaks(texts[channel], ECHO_KEY)]
    assert leaky == list(CHANNELS)
