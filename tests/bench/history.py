"""Lean history, measured with Home Assistant's real recorder on a temporary SQLite file.

``measure_history`` sets the integration up over A tracked orders with the recorder running
(``commit_interval`` 0, as the test plugin starts it), plays a day of polls (``day.Day``: the
fake panel moves a share of the orders before each poll) and reads how much the database grew
from after set-up to the end: the file (after a WAL checkpoint), and the rows of ``states`` and
``state_attributes``. It does so twice over the same orders: "before", with every attribute of
the order sensors recorded (their ``_unrecorded_attributes`` emptied for that run), and "after",
as shipped. Polls are ``coordinator.async_refresh()`` calls one after the other, as in the poll
benchmark: the clock does not move (row sizes do not depend on it), so no finished order expires.
The recorder's statistics compiling and nightly purge are off, as in the test plugin, so the
figures hold states and attributes only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import astuple, dataclass
import json
from pathlib import Path
import sqlite3
import sys
import tempfile
import time
from typing import Any
from unittest.mock import patch

from homeassistant.components.recorder import CONF_COMMIT_INTERVAL, CONF_DB_URL
from homeassistant.components.recorder.const import DOMAIN as RECORDER
from homeassistant.components.recorder.core import Recorder
from homeassistant.components.sensor import SensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import recorder as recorder_helper
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.smm_panel.coordinator import SmmCoordinator
from custom_components.smm_panel.sensor import SmmOrderSensor
from tests.bench.day import Day
from tests.bench.harness import bench_hass
from tests.bench.panel import Panel
from tests.bench.writes import entity_kinds

POLLS = 288
"""A day of polls at the default 5 minutes."""
CHECKPOINT_TRIES = 50


@dataclass(slots=True, frozen=True)
class Figures:
    """What the database holds at one moment: all of it, and the order sensors' share."""

    file_bytes: int
    states: int
    attributes: int
    attributes_bytes: int
    """Bytes of `shared_attrs` over every `state_attributes` row."""
    order_states: int
    """`states` rows of the order sensors."""
    order_attributes: int
    """`state_attributes` rows those rows point at."""
    order_attributes_bytes: int
    linked: int
    """`state_attributes` rows holding a `link` (only order sensors have one)."""

    def __sub__(self, other: Figures) -> Figures:
        pairs = zip(astuple(self), astuple(other), strict=True)
        return Figures(*(mine - theirs for mine, theirs in pairs))


@dataclass(slots=True, frozen=True)
class Run:
    """One day with the recorder: the growth after set-up, and how long the day took."""

    growth: Figures
    seconds: float


@dataclass(slots=True, frozen=True)
class LeanHistory:
    """The day before (every attribute recorded) and after (as shipped)."""

    orders: int
    polls: int
    moves: int
    """Order changes the panel made over the day."""
    status_changes: int
    before: Run
    after: Run


ORDER_ROWS = """
SELECT COUNT(*), COUNT(DISTINCT states.attributes_id) FROM states
JOIN states_meta ON states_meta.metadata_id = states.metadata_id
WHERE states_meta.entity_id IN (SELECT value FROM json_each(?))
"""
ORDER_ATTRIBUTES = """
SELECT COALESCE(SUM(LENGTH(CAST(shared_attrs AS BLOB))), 0) FROM state_attributes
WHERE attributes_id IN (
    SELECT states.attributes_id FROM states
    JOIN states_meta ON states_meta.metadata_id = states.metadata_id
    WHERE states_meta.entity_id IN (SELECT value FROM json_each(?))
)
"""


def _figures(path: Path, order_sensors: Sequence[str]) -> Figures:
    """Checkpoint the WAL into the file, then read its size and rows (run it in a thread)."""
    with closing(sqlite3.connect(path, timeout=30)) as db:
        for _ in range(CHECKPOINT_TRIES):
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("the recorder kept the database busy: no checkpoint")
        (states,) = db.execute("SELECT COUNT(*) FROM states").fetchone()
        attributes, attributes_bytes, linked = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(shared_attrs AS BLOB))), 0), "
            """COALESCE(SUM(shared_attrs LIKE '%"link":%'), 0) FROM state_attributes"""
        ).fetchone()
        ids = json.dumps(list(order_sensors))
        order_states, order_attributes = db.execute(ORDER_ROWS, (ids,)).fetchone()
        (order_bytes,) = db.execute(ORDER_ATTRIBUTES, (ids,)).fetchone()
    return Figures(
        path.stat().st_size,
        states,
        attributes,
        attributes_bytes,
        order_states,
        order_attributes,
        order_bytes,
        linked,
    )


@contextmanager
def _quiet_recorder() -> Iterator[None]:
    """No statistics compiling, no nightly purge (what the test plugin turns off too)."""
    with (
        patch.object(Recorder, "async_nightly_tasks", autospec=True),
        patch.object(Recorder, "async_periodic_statistics", autospec=True),
        patch.object(Recorder, "_schedule_compile_missing_statistics", autospec=True),
    ):
        yield


@contextmanager
def _every_attribute_recorded() -> Iterator[None]:
    """Order sensors as before lean history: `_unrecorded_attributes` empty.

    Home Assistant folds it into a name-mangled class attribute when the class is created,
    so that one is patched as well (to the sensor platform's own, `options`).
    """
    with (
        patch.object(SmmOrderSensor, "_unrecorded_attributes", frozenset()),
        patch.object(
            SmmOrderSensor,
            "_Entity__combined_unrecorded_attributes",
            SensorEntity._entity_component_unrecorded_attributes,
        ),
    ):
        yield


async def _start_recorder(hass: HomeAssistant, path: Path) -> Recorder:
    """Set the recorder up on a SQLite file and wait until it is recording."""
    recorder_helper.async_initialize_recorder(hass)
    config: dict[str, Any] = {CONF_DB_URL: f"sqlite:///{path}", CONF_COMMIT_INTERVAL: 0}
    assert await async_setup_component(hass, RECORDER, {RECORDER: config})
    await hass.async_block_till_done()
    instance = recorder_helper.get_instance(hass)
    await hass.async_add_executor_job(instance.block_till_done)
    return instance


async def _run_day(panel: Panel, orders: Sequence[str], polls: int, day: Day, *, lean: bool) -> Run:
    """One day with the recorder on a new database file."""
    panel.ctl("/bench/set", {"orders": day.start()})
    with (
        tempfile.TemporaryDirectory(prefix="smm-bench-") as tmp,
        _quiet_recorder(),
        nullcontext() if lean else _every_attribute_recorded(),
    ):
        path = Path(tmp) / "home-assistant_v2.db"
        async with bench_hass(panel, orders, []) as (hass, entry):
            instance = await _start_recorder(hass, path)
            try:
                assert await hass.config_entries.async_setup(entry.entry_id)
                await hass.async_block_till_done()
                await async_wait_recording_done(hass)
                kinds = entity_kinds(hass, entry.entry_id)
                sensors = [entity_id for entity_id, kind in kinds.items() if kind == "order"]
                start = await hass.async_add_executor_job(_figures, path, sensors)
                coordinator: SmmCoordinator = entry.runtime_data.coordinator
                started = time.perf_counter()
                for number in range(1, polls + 1):
                    panel.ctl("/bench/set", {"orders": day.poll(number)})
                    await coordinator.async_refresh()
                    await hass.async_block_till_done()
                await async_wait_recording_done(hass)
                seconds = time.perf_counter() - started
                end = await hass.async_add_executor_job(_figures, path, sensors)
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
            finally:
                if instance.is_alive():
                    await instance._async_shutdown(None)  # type: ignore[arg-type]
    return Run(end - start, seconds)


async def measure_history(panel: Panel, orders: Sequence[str], polls: int = POLLS) -> LeanHistory:
    """The day before and after lean history, over the same (seeded) orders."""
    day = Day(orders)
    runs: dict[bool, Run] = {}
    for lean in (False, True):
        label = "after (as shipped)" if lean else "before (every attribute recorded)"
        print(f"bench: lean history, {label}: {polls} polls", file=sys.stderr, flush=True)
        runs[lean] = await _run_day(panel, orders, polls, day, lean=lean)
    return LeanHistory(len(orders), polls, day.moves, day.status_changes, runs[False], runs[True])
