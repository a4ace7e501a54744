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

from homeassistant.core import HomeAssistant

from custom_components.smm_panel.coordinator import SmmCoordinator
from tests.bench.harness import bench_hass
from tests.bench.panel import Panel
from tests.bench.sample import Sample
from tests.bench.writes import WriteCounter, Writes, entity_counts

CHANGED = 10
TRACE_FRAMES = 40


@dataclass(slots=True)
class Ours:
    """What was measured of the integration for one A."""

    setup: float
    entities: dict[str, int]
    """Registered entities of the entry per platform."""
    samples: list[Sample] = field(default_factory=list)
    writes_unchanged: list[Writes] = field(default_factory=list)
    writes_changed: list[Writes] = field(default_factory=list)
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
    async with bench_hass(panel, orders, refills) as (hass, entry):
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
        result = Ours(setup, entity_counts(hass, entry.entry_id))
        writes = WriteCounter(hass, entry.entry_id)
        for _ in range(runs):  # wall, CPU, requests, writes with nothing changed
            panel.reset()
            writes.take()
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            await coordinator.async_refresh()
            await hass.async_block_till_done()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            result.samples.append(Sample(panel.requests(), wall, cpu))
            result.writes_unchanged.append(writes.take())
        for _ in range(runs):  # the longest synchronous stretch, probe running
            worst = await _probed_refresh(hass, coordinator)
            result.worst_block = max(result.worst_block, worst)
        changed = list(orders[:CHANGED])
        for run in range(runs):  # k orders change status (probe running too)
            status = "Pending" if run % 2 == 0 else "In progress"
            panel.ctl("/bench/status", {"orders": changed, "status": status})
            writes.take()
            worst = await _probed_refresh(hass, coordinator)
            result.worst_block_changed = max(result.worst_block_changed, worst)
            result.writes_changed.append(writes.take())
        writes.stop()
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
