"""Catalogue watching and find_services at scale (CONTRACT §11): CPU time on the event loop.

The diff runs synchronously on Home Assistant's event loop, so its CPU time is how long it
holds the loop; `find_services` lets the loop run between two entries' catalogues, so its
longest hold is measured by a probe task (the worst overshoot of a 1 ms sleep) beside its CPU
time. Measured with the integration's own code: `Catalogue.diff` of two 5 000-service
catalogues (2 % removed, 2 % added, 5 % repriced), and `find_services` over 10 loaded entries
of 5 000 services each. The entries for `find_services` are stand-ins that carry exactly what
the search reads (`runtime_data.tracker.catalogue`, `runtime_data.coordinator.data.balance`,
`title`, `entry_id`); no panel is involved because the search sends no request.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from decimal import Decimal
import statistics
import time
from types import SimpleNamespace
from typing import Any, cast

from homeassistant.util import dt as dt_util

from custom_components.smm_panel.api import Service
from custom_components.smm_panel.catalogue import Catalogue
from custom_components.smm_panel.catalogue_search import ServiceQuery, find_services

SERVICES = 5000
ENTRIES = 10
RUNS = 7
LOOP_LIMIT_MS = 50.0
TYPES = ("Default", "Package", "Custom Comments", "Subscriptions", "Default")


@dataclass(frozen=True)
class CatalogueFigures:
    """Medians in milliseconds: CPU of the diff; CPU and longest loop hold of each search."""

    diff_ms: float
    diff_counts: tuple[int, int, int]
    search_ms: dict[str, tuple[float, float]]


def _service(number: int) -> Service:
    return Service(
        service_id=str(number),
        name=f"Service {number} Followers" if number % 3 else f"Service {number} Likes",
        type=TYPES[number % len(TYPES)],
        category=f"Category {number % 40}",
        rate=Decimal(number % 997) / 100 + Decimal("0.01"),
        min=10 * (number % 5 + 1),
        max=100_000,
        refill=number % 2 == 0,
        cancel=number % 4 == 0,
        dripfeed=False,
    )


def catalogues() -> tuple[Catalogue, Catalogue]:
    """Two fetches of one panel: the second drops 2 %, adds 2 % and reprices 5 %."""
    now = dt_util.utcnow()
    old = [_service(n) for n in range(1, SERVICES + 1)]
    new = [
        replace(s, rate=s.rate + 1) if n % 20 == 0 else s
        for n, s in enumerate(old, start=1)
        if n % 50
    ]
    new += [_service(n) for n in range(SERVICES + 1, SERVICES + 1 + SERVICES // 50)]
    return Catalogue.of(old, now), Catalogue.of(new, now)


def _cpu_ms(job: Any) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.process_time()
        job()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


async def _probed(job: Any) -> float:
    """Run a coroutine beside a 1 ms-sleeping probe; the probe's worst overshoot, in ms."""
    worst = 0.0
    done = asyncio.Event()

    async def probe() -> None:
        nonlocal worst
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, (time.perf_counter() - before) * 1000 - 1)

    task = asyncio.create_task(probe())
    await asyncio.sleep(0.002)
    await job()
    done.set()
    await task
    return worst


def _search(hass: Any, query: ServiceQuery) -> tuple[float, float]:
    """Median CPU ms and median longest hold of one query."""
    cpu = _cpu_ms(lambda: asyncio.run(find_services(hass, query)))
    holds = [asyncio.run(_probed(lambda: find_services(hass, query))) for _ in range(RUNS)]
    return cpu, statistics.median(holds)


def _hass_with_entries() -> Any:
    """A stand-in for Home Assistant with ENTRIES loaded entries (see the module docstring)."""
    entries = []
    for index in range(ENTRIES):
        catalogue = Catalogue.of([_service(n) for n in range(1, SERVICES + 1)], dt_util.utcnow())
        balance = SimpleNamespace(currency=("USD", "EUR")[index % 2])
        runtime = SimpleNamespace(
            tracker=SimpleNamespace(catalogue=catalogue),
            coordinator=SimpleNamespace(data=SimpleNamespace(balance=balance)),
        )
        entries.append(
            SimpleNamespace(entry_id=f"entry{index}", title=f"panel {index}", runtime_data=runtime)
        )
    config_entries = SimpleNamespace(async_loaded_entries=lambda domain: entries)
    return SimpleNamespace(config_entries=config_entries)


def measure_catalogue() -> CatalogueFigures:
    """Run both measurements."""
    old, new = catalogues()
    diff = old.diff(new)
    hass = _hass_with_entries()
    queries = {
        "everything (limit 500)": ServiceQuery.of_call({"limit": 500}),
        "search `followers`, quantity 1 000": ServiceQuery.of_call(
            {"search": "followers", "quantity": 1000}
        ),
        "type Default, refill, quantity 500": ServiceQuery.of_call(
            {"type": "Default", "refill": True, "quantity": 500}
        ),
    }
    return CatalogueFigures(
        diff_ms=_cpu_ms(lambda: old.diff(new)),
        diff_counts=(len(diff.added), len(diff.removed), len(diff.changed)),
        search_ms={name: _search(cast(Any, hass), query) for name, query in queries.items()},
    )


def render_catalogue(figures: CatalogueFigures, command: str) -> str:
    """The doc's section."""
    added, removed, changed = figures.diff_counts
    worst = max([figures.diff_ms, *(hold for _, hold in figures.search_ms.values())])
    mark = "x" if worst < LOOP_LIMIT_MS else " "
    lines = [
        "## Catalogue watching and find_services",
        "",
        f"`{command}`: medians of {RUNS} runs. The diff holds the loop for all of its CPU time;",
        "find_services yields between entries, so its longest hold is measured apart.",
        "",
        "| what | CPU ms | longest loop hold ms |",
        "|---|---:|---:|",
        f"| diff of two {SERVICES:,}-service catalogues ({added} added, {removed} removed, "
        f"{changed} field changes) | {figures.diff_ms:.1f} | {figures.diff_ms:.1f} |",
        *(
            f"| find_services over {ENTRIES} entries x {SERVICES:,} services: {name} "
            f"| {cpu:.1f} | {hold:.1f} |"
            for name, (cpu, hold) in figures.search_ms.items()
        ),
        "",
        f"- [{mark}] {'met' if mark == 'x' else 'missed'}: the event loop is held "
        f"{worst:.1f} ms at most (< {LOOP_LIMIT_MS:g} ms)",
        "",
    ]
    return "\n".join(lines)
