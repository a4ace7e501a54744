"""Our integration in a test Home Assistant: set up over A tracked orders, then polled.

``run_ours`` measures the polls (requests, wall and CPU, state writes, the longest synchronous
stretch seen by a loop probe) or, with ``memory=True``, what set-up and one poll still hold,
classified by who allocated it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
import gc
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from homeassistant import loader
from homeassistant.const import CONF_API_KEY, CONF_URL, EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
    mock_storage,
)

from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.coordinator import SmmCoordinator
from custom_components.smm_panel.records import TrackedOrder, TrackedRefill
from tests.bench.panel import KEY, Panel
from tests.bench.sample import Sample
from tests.polling_helpers import ENTRY_ID, storage_payload

CHANGED = 10
TRACE_FRAMES = 40


@dataclass(slots=True)
class Ours:
    """What was measured of the integration for one A."""

    setup: float
    entities: int
    samples: list[Sample] = field(default_factory=list)
    writes_unchanged: list[int] = field(default_factory=list)
    writes_changed: list[tuple[int, int]] = field(default_factory=list)
    worst_block: float = 0.0
    worst_block_changed: float = 0.0


@dataclass(slots=True)
class Memory:
    """Bytes allocated (and still held) per tracked order after set-up and a poll."""

    orders: int
    ours: float
    ha_states: float
    ha_registry: float
    other: float


async def _loop_probe(stop: asyncio.Event, worst: list[float]) -> None:
    """Sleep 1 ms again and again; the overshoot is the longest synchronous stretch."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.001)
        worst[0] = max(worst[0], time.perf_counter() - start - 0.001)


async def _probed_refresh(hass: HomeAssistant, coordinator: SmmCoordinator) -> float:
    """Poll once with the loop probe running; the longest synchronous stretch it saw."""
    stop, worst = asyncio.Event(), [0.0]
    probe = hass.async_create_background_task(_loop_probe(stop, worst), "probe")
    await asyncio.sleep(0.01)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    stop.set()
    await probe
    return worst[0]


async def run_ours(
    panel: Panel,
    orders: Sequence[str],
    refills: Sequence[tuple[str, str]],
    runs: int,
    *,
    memory: bool = False,
) -> Ours | Memory:
    """Set the integration up over `orders` (seeded through storage) and poll it."""
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
    storage = {f"{DOMAIN}.{ENTRY_ID}": storage_payload(tracked, tracked_refills)}
    del tracked, tracked_refills
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
            if memory:
                gc.collect()
                tracemalloc.start(TRACE_FRAMES)
            started = time.perf_counter()
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            setup = time.perf_counter() - started
            coordinator: SmmCoordinator = entry.runtime_data.coordinator
            await coordinator.async_refresh()
            await hass.async_block_till_done()
            if memory:
                gc.collect()
                snapshot = tracemalloc.take_snapshot()
                tracemalloc.stop()
                return _classify(snapshot, len(orders))
            result = Ours(setup, len(hass.states.async_entity_ids("sensor")))

            writes: list[str] = []

            @callback
            def count(event: Event[Any]) -> None:
                writes.append(event.data["entity_id"])

            unlisten = hass.bus.async_listen(EVENT_STATE_CHANGED, count)
            for _ in range(runs):  # wall, CPU, requests, writes with nothing changed
                panel.reset()
                writes.clear()
                gc.collect()
                wall, cpu = time.perf_counter(), time.process_time()
                await coordinator.async_refresh()
                await hass.async_block_till_done()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                result.samples.append(Sample(panel.requests(), wall, cpu))
                result.writes_unchanged.append(len(writes))
            for _ in range(runs):  # the longest synchronous stretch, probe running
                worst = await _probed_refresh(hass, coordinator)
                result.worst_block = max(result.worst_block, worst)
            changed = list(orders[:CHANGED])
            for run in range(runs):  # k orders change status (probe running too)
                status = "Pending" if run % 2 == 0 else "In progress"
                panel.ctl("/bench/status", {"orders": changed, "status": status})
                writes.clear()
                worst = await _probed_refresh(hass, coordinator)
                result.worst_block_changed = max(result.worst_block_changed, worst)
                order_writes = sum("_order_" in entity_id for entity_id in writes)
                result.writes_changed.append((order_writes, len(writes) - order_writes))
            unlisten()
            await hass.config_entries.async_unload(entry.entry_id)
            return result


def _classify(snapshot: tracemalloc.Snapshot, orders: int) -> Memory:
    """Split what set-up and a poll still hold by who allocated it."""
    sizes = {"ours": 0, "states": 0, "registry": 0, "other": 0}
    for trace in snapshot.traces:
        sizes[_owner(trace.traceback)] += trace.size
    per = max(orders, 1)
    return Memory(
        orders,
        sizes["ours"] / per,
        sizes["states"] / per,
        sizes["registry"] / per,
        sizes["other"] / per,
    )


def _owner(traceback: tracemalloc.Traceback) -> str:
    """Who allocated: the innermost frame in our package or in HA's state/registry code."""
    for frame in reversed(traceback):  # most recent call first
        name = frame.filename
        if "custom_components/smm_panel" in name:
            return "ours"
        if name.endswith(("homeassistant/core.py", "read_only_dict.py")):
            return "states"
        if name.endswith(("entity_registry.py", "device_registry.py")):
            return "registry"
    return "other"
