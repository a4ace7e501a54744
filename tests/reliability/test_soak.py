"""Soak: 24 simulated hours of 5-minute polls with 200 tracked orders.

Seeded randomness (reproducible): orders progress on the fake panel's clock (half of them are
"stuck" in progress for ever, so more than 100 stay active), ~10 % of polls see a fault (half
of them a transient 502 the read retry absorbs, half a fault that fails the poll), and random
actions run between polls (add, refill, cancel, track, untrack). After every step:

- every tracked order has exactly one entity (registry entries == tracker keys);
- the stored tracking equals the in-memory tracking (after the delayed save is flushed);
- no finished order outlives the retention time (after a successful poll);
- a successful poll sends 1 + ceil(A/100) + ceil(R/100) requests (+1 per absorbed retry);

- memory held by the integration's code does not grow after the first simulated hour.

Memory is traced with tracemalloc, attributed to the line of the integration that allocated
it. The test harness keeps what the integration hands it: the mocked storage remembers every
write as a mock call (forgotten before each measurement), and pytest keeps every log record of
a test with its arguments until the test ends - every stored payload the mock logs at DEBUG,
every failed poll's exception (with the poll's results in its traceback) the coordinator logs
at ERROR. So the soak logs nothing below CRITICAL; its assertions say what went wrong.

The coordinator's own schedule is switched off: the test fires each 5-minute poll itself
(after moving the clock), so each poll's requests can be counted alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import gc
import logging
from math import ceil
import random
import tracemalloc
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, storage
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import DEFAULT_FINISHED_ORDER_RETENTION
from custom_components.smm_panel.tracking import SAVE_DELAY
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault
from tests.polling_helpers import (
    ENTRY_ID,
    STORAGE_KEY,
    fire_poll,
    seed_storage,
    setup_entry,
    tracked_order,
)
from tests.services_common import call, runtime

pytestmark = pytest.mark.soak  # its own lane: scripts/test-soak

STEPS = 288  # 24 h at 5 minutes
STEP = timedelta(minutes=5)
FLUSH = timedelta(seconds=SAVE_DELAY + 1)  # also past the refresh debouncer's 10 s cooldown
RETENTION = timedelta(hours=DEFAULT_FINISHED_ORDER_RETENTION)
POLL_ACTIONS = ("balance", "status", "refill_status")
FIRST_HOUR = 12  # steps
MEMORY_SLACK = 48 * 1024
"""Bytes: a day's churn (new orders replacing finished ones; about 24 KiB here) plus noise.
A leak of 100 bytes per poll (a timestamp string kept per poll, say) exceeds it."""
INTEGRATION_CODE = tracemalloc.Filter(True, "*/custom_components/smm_panel/*")


def _integration_memory() -> tracemalloc.Snapshot:
    """What the integration's code holds now, without the harness's history (see above)."""
    write_mock: Any = storage.Store._async_write_data  # patched by the hass_storage fixture
    write_mock.reset_mock()
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces([INTEGRATION_CODE])


def _growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> tuple[int, list[str]]:
    """Bytes gained by the allocation sites that grew, and the largest of them."""
    grown = [stat for stat in after.compare_to(before, "lineno") if stat.size_diff > 0]
    return sum(stat.size_diff for stat in grown), [str(stat) for stat in grown[:10]]


def _check_invariants(hass: HomeAssistant, entry: MockConfigEntry, storage: dict[str, Any]) -> None:
    tracker = runtime(entry).tracker
    registry = er.async_get(hass)
    prefix = f"{ENTRY_ID}_order_"
    entities = [
        e.unique_id[len(prefix) :]
        for e in er.async_entries_for_config_entry(registry, ENTRY_ID)
        if e.domain == "sensor" and e.unique_id.startswith(prefix)  # not event.…_order_update
    ]
    assert sorted(entities) == sorted(tracker.orders)
    stored = storage[STORAGE_KEY]["data"]
    assert stored["orders"] == [o.as_stored() for o in tracker.orders.values()]
    assert stored["refills"] == [r.as_stored() for r in tracker.refills.values()]


@pytest.fixture
def traced_memory() -> Iterator[None]:
    """Memory allocations traced (tracemalloc) until the test ends."""
    tracemalloc.start()
    yield
    tracemalloc.stop()


async def test_soak_24_hours(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    traced_memory: None,
) -> None:
    """288 polls, 200 orders, random faults and actions: the invariants hold at every step."""
    caplog.set_level(logging.CRITICAL)
    rng = random.Random(7)
    ids = [
        panel.create_order(
            SERVICE_FOLLOWERS,
            f"https://soak.example/{i}{'/stuck' if i % 2 else ''}",
            100,
            age=rng.uniform(0, 250),
        )
        for i in range(200)
    ]
    seed_storage(hass_storage, [tracked_order(i, service_id=SERVICE_FOLLOWERS) for i in ids])
    await setup_entry(hass, config_entry)
    data = runtime(config_entry)
    tracker, coordinator = data.tracker, data.coordinator
    # The test fires each 5-minute poll itself, so that its requests can be counted alone.
    coordinator.update_interval = None
    untracked: list[str] = []
    touched: set[str] = set()  # untracked at some point (re-tracking restarts retention)
    counter = 0
    polls_ok = polls_failed = 0
    baseline: tracemalloc.Snapshot | None = None

    for step in range(STEPS):
        if step == FIRST_HOUR:
            baseline = _integration_memory()
        # -- random actions ------------------------------------------------------------
        roll = rng.random()
        try:
            if roll < 0.05:
                counter += 1
                link = f"https://new.example/{counter}"
                await call(
                    hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": link, "quantity": 50}
                )
            elif roll < 0.08 and tracker.orders:
                await call(hass, "refill_orders", {"orders": [rng.choice(list(tracker.orders))]})
            elif roll < 0.11 and tracker.orders:
                await call(hass, "cancel_orders", {"orders": [rng.choice(list(tracker.orders))]})
            elif roll < 0.14 and tracker.orders:
                victim = rng.choice(list(tracker.orders))
                await call(hass, "untrack_orders", {"orders": [victim]})
                untracked.append(victim)
                touched.add(victim)
            elif roll < 0.17 and untracked:
                await call(hass, "track_orders", {"orders": [untracked.pop()]})
        except HomeAssistantError:
            pass  # a panel refusal (e.g. not refillable) is a fine outcome here
        await fire_poll(hass, freezer, FLUSH)
        _check_invariants(hass, config_entry, hass_storage)

        # -- the poll --------------------------------------------------------------------
        panel.advance(STEP.total_seconds())
        await fire_poll(hass, freezer, STEP - FLUSH - timedelta(seconds=1))
        active, refills = len(tracker.unfinished_order_ids()), len(tracker.unfinished_refill_ids())
        fault_roll = rng.random()
        retries = 0
        failing = False
        if fault_roll < 0.05:
            panel.inject(Fault.HTTP_502, action=rng.choice(POLL_ACTIONS[: 1 + bool(active)]))
            retries = 1
        elif fault_roll < 0.10:
            panel.inject(rng.choice([Fault.HTML_PAGE, Fault.WRONG_SHAPE]), action="balance")
            failing = True
        panel.reset_stats()
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        panel.clear_faults()
        assert coordinator.last_update_success is not failing
        if failing:
            polls_failed += 1
        else:
            polls_ok += 1
            floor = 1 + ceil(active / 100) + ceil(refills / 100)
            sent = sum(panel.counts[action] for action in POLL_ACTIONS)
            assert sent == floor + retries, (step, dict(panel.counts), floor, retries)
            now = dt_util.utcnow()
            assert all(
                o.finished_at is None or now - o.finished_at < RETENTION
                for o in tracker.orders.values()
            )
        await fire_poll(hass, freezer, timedelta(seconds=1) + FLUSH)
        _check_invariants(hass, config_entry, hass_storage)

    assert baseline is not None
    grown, sites = _growth(baseline, _integration_memory())
    assert grown < MEMORY_SLACK, "\n".join(sites)
    assert polls_ok > 200
    assert polls_failed > 5
    # Orders finished in the first hours are gone after the retention time; stuck ones stay.
    assert not (set(ids[0::2]) - touched) & set(tracker.orders)
    assert len(tracker.orders) >= 50
