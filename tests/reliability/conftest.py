"""Reliability helpers: a short client timeout, the secrets canary's tools, a seeded entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial
import logging
from typing import Any
from urllib.parse import quote, quote_plus

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.smm_panel.api import SmmPanelClient
from custom_components.smm_panel.const import (
    EVENT_ORDER_PLACED,
    EVENT_ORDER_STATUS_CHANGED,
    EVENT_REFILL_STATUS_CHANGED,
)
from custom_components.smm_panel.tracking import SAVE_DELAY
from tests.conftest import API_KEY
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel
from tests.leaks import exception_texts
from tests.polling_helpers import seed_storage, setup_entry, tracked_order, tracked_refill
from tests.services_common import runtime

CLIENT_TIMEOUT = 0.3
"""Seconds; the integration's 30 s default cannot be waited for here."""
SLOW = CLIENT_TIMEOUT * 2
"""A latency fault this long outlasts the client timeout."""

EVENTS = (EVENT_ORDER_PLACED, EVENT_ORDER_STATUS_CHANGED, EVENT_REFILL_STATUS_CHANGED)
"""Every bus event of the domain (CONTRACT §6)."""

ECHO_KEY = "canary+echo/7e1f a=b&c%d-key-never-logged"
"""A canary key whose URL-encoded forms differ from it (``+``, ``/``, a space, ``=&%``)."""


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
    for event_type in EVENTS:
        hass.bus.async_listen(event_type, seen.append)
    return seen


async def flush_storage(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the tracker's delayed save run (poll results are written after SAVE_DELAY)."""
    freezer.tick(timedelta(seconds=SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


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
