"""The report: one Row per A, rendered as Markdown tables and target checks.

``render`` builds the tables and the checks; ``machine`` says where and when they were measured;
``DOC_HEAD`` and ``DOC_TAIL`` frame them in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
import datetime as dt
import math
import os
from pathlib import Path
import platform
import statistics

from homeassistant.const import __version__ as ha_version

from tests.bench.baselines import BABISMM
from tests.bench.ours import CHANGED, Memory, Ours
from tests.bench.sample import Sample


@dataclass(slots=True)
class Row:
    """Everything measured for one A."""

    orders: int
    refills: int
    ours: Ours
    per_order: list[Sample] | None
    babismm: list[Sample] | None

    @property
    def floor(self) -> int:
        """The fewest requests the API allows."""
        return 1 + math.ceil(self.orders / 100) + math.ceil(self.refills / 100)


def _median(samples: Sequence[Sample], name: str) -> float:
    return float(statistics.median(getattr(sample, name) for sample in samples))


def _ms(seconds: float | None, approx: bool = False) -> str:
    if seconds is None:
        return "N/A"
    return f"{'~' if approx else ''}{seconds * 1000:,.1f}"


def _ratio(ours: float, other: float | None, approx: bool = False) -> str:
    """ours / baseline: `1/n` when under a tenth, else a decimal."""
    if other is None or other == 0:
        return "N/A"
    ratio = ours / other
    text = f"1/{1 / ratio:,.0f}" if 0 < ratio < 0.1 else f"{ratio:.2f}"
    return f"~{text}" if approx else text


def render(
    rows: Sequence[Row], memory: Memory | None, smm_ok: bool, cap: int
) -> tuple[str, list[str]]:
    """The tables and the target checks, in Markdown."""
    # Baseline 1 beyond the cap: per-request wall/CPU of the largest measured A, times 1+A+R.
    measured = [row for row in rows if row.per_order]
    unit: tuple[float, float] | None = None
    if measured:
        last = measured[-1]
        assert last.per_order is not None
        reqs = _median(last.per_order, "requests")
        unit = (_median(last.per_order, "wall") / reqs, _median(last.per_order, "cpu") / reqs)
    lines = [
        "| A | R | floor | ours req | b1 req | b2 req | ours wall ms | b1 wall ms | b2 wall ms "
        "| ours CPU ms | b1 CPU ms | b2 CPU ms | wall ours/b1 | wall ours/b2 | CPU ours/b1 "
        "| CPU ours/b2 | req ours/b1 | req ours/b2 |",
        "|" + "---:|" * 18,
    ]
    checks: list[str] = []
    for row in rows:
        ours_req = _median(row.ours.samples, "requests")
        ours_wall = _median(row.ours.samples, "wall")
        ours_cpu = _median(row.ours.samples, "cpu")
        b1_req = float(1 + row.orders + row.refills)
        approx = row.per_order is None
        b1_wall = b1_cpu = None
        if row.per_order:
            b1_req = _median(row.per_order, "requests")
            b1_wall, b1_cpu = _median(row.per_order, "wall"), _median(row.per_order, "cpu")
        elif unit:
            b1_wall, b1_cpu = unit[0] * b1_req, unit[1] * b1_req
        b2 = row.babismm
        b2_req = _median(b2, "requests") if b2 else None
        b2_wall = _median(b2, "wall") if b2 else None
        b2_cpu = _median(b2, "cpu") if b2 else None
        lines.append(
            f"| {row.orders:,} | {row.refills:,} | {row.floor} | {ours_req:.0f} "
            f"| {b1_req:,.0f} | {'N/A' if b2_req is None else f'{b2_req:.0f}'} "
            f"| {_ms(ours_wall)} | {_ms(b1_wall, approx)} | {_ms(b2_wall)} "
            f"| {_ms(ours_cpu)} | {_ms(b1_cpu, approx)} | {_ms(b2_cpu)} "
            f"| {_ratio(ours_wall, b1_wall, approx)} | {_ratio(ours_wall, b2_wall)} "
            f"| {_ratio(ours_cpu, b1_cpu, approx)} | {_ratio(ours_cpu, b2_cpu)} "
            f"| {_ratio(ours_req, b1_req)} | {_ratio(ours_req, b2_req)} |"
        )
        checks.append(
            _check(
                ours_req == row.floor,
                f"A={row.orders}: requests {ours_req:.0f} = floor {row.floor}",
            )
        )
        if row.orders == 1000:
            if b1_wall is not None:
                checks.append(
                    _check(
                        ours_wall * 20 <= b1_wall,
                        f"A=1000: wall {_ratio(ours_wall, b1_wall, approx)} of baseline 1 (≤ 1/20)",
                    )
                )
            if b2_wall is not None:
                checks.append(
                    _check(
                        ours_wall * 3 <= b2_wall,
                        f"A=1000: wall {_ratio(ours_wall, b2_wall)} of baseline 2 (≤ 1/3)",
                    )
                )
            checks.append(
                _check(row.ours.setup < 5, f"A=1000: set-up {row.ours.setup:.2f} s (< 5 s)")
            )
        if row.orders == 10000:
            checks.append(
                _check(ours_cpu < 1, f"A=10000: CPU per refresh {ours_cpu * 1000:.0f} ms (< 1 s)")
            )
        checks.append(
            _check(
                max(row.ours.writes_unchanged) == 0,
                f"A={row.orders}: state writes with nothing changed: "
                f"{max(row.ours.writes_unchanged)} (= 0)",
            )
        )
        k = min(CHANGED, row.orders)
        worst_changed = max(row.ours.writes_changed, key=lambda pair: (pair[0] != k, pair[1]))
        checks.append(
            _check(
                worst_changed[0] == k and worst_changed[1] <= 2,
                f"A={row.orders}: writes with {k} changed: {worst_changed[0]} order + "
                f"{worst_changed[1]} summary (= {k} + ≤ 2)",
            )
        )
        block = max(row.ours.worst_block, row.ours.worst_block_changed)
        checks.append(
            _check(
                block < 0.05,
                f"A={row.orders}: longest synchronous stretch {block * 1000:.1f} ms (< 50 ms)",
            )
        )
    lines += [
        "",
        "| A | sensor entities | set-up s (incl. first poll) | writes, nothing changed | writes, "
        f"{CHANGED} changed (order + summary) | longest synchronous stretch ms, nothing changed "
        f"/ {CHANGED} changed |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        order_w, other_w = max(row.ours.writes_changed)
        lines.append(
            f"| {row.orders:,} | {row.ours.entities:,} | {row.ours.setup:.2f} "
            f"| {max(row.ours.writes_unchanged)} | {order_w} + {other_w} "
            f"| {row.ours.worst_block * 1000:.1f} / {row.ours.worst_block_changed * 1000:.1f} |"
        )
    if memory is not None:
        lines += [
            "",
            f"Memory held after set-up + one poll, per tracked order (A = {memory.orders:,}, "
            f"tracemalloc): ours (tracker + entities + client) **{memory.ours:,.0f} B**; "
            f"Home Assistant's state objects {memory.ha_states:,.0f} B; entity/device registry "
            f"{memory.ha_registry:,.0f} B; other {memory.other:,.0f} B.",
        ]
        checks.append(
            _check(
                memory.ours < 5 * 1024, f"memory per tracked order {memory.ours:,.0f} B (< 5 KiB)"
            )
        )
    notes = [
        "",
        "b1 = baseline 1 (one `status` per order, one `refill_status` per refill, sequential "
        "urllib, new connection each); b2 = baseline 2 (babismm "
        f"{BABISMM.split('==')[1]}, `get_multi_status` / `get_multi_refill_status` with 100 ids "
        "per call, one requests.Session)."
        + ("" if smm_ok else " **babismm could not be installed or imported: b2 is N/A.**"),
        f"`~`: baseline 1 is not run for A > {cap} (it would take 1+A+R round trips); its wall "
        "and CPU are extrapolated from the per-request figures of the largest A it ran at.",
        "`1/n` means ours takes 1/n of the baseline's.",
    ]
    return "\n".join(lines + notes), checks


def _check(ok: bool, text: str) -> str:
    return f"- [{'x' if ok else ' '}] {'met' if ok else 'MISSED'}: {text}"


def machine() -> list[str]:
    cpu = "unknown"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"- Machine: {os.cpu_count()} CPUs (`nproc`), {cpu}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, Home Assistant {ha_version}",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
    ]


DOC_HEAD = """# Benchmarks

The poll of one entry (issue 6, CONTRACT §7) against the fake panel on 127.0.0.1, produced by
`scripts/bench` (see `tests/bench/` for what is measured and how). A = tracked unfinished
orders, R = A/10 tracked unfinished refills; floor = 1 + ⌈A/100⌉ + ⌈R/100⌉ requests. The fake
panel runs in its own process, so CPU time is the client's alone. "ours" is
`coordinator.async_refresh()` (plus the state writes it causes) of the integration set up in a
test Home Assistant from this repository, tracked orders seeded through its storage.

"""

DOC_TAIL = """
## Notes

- How it is measured: requests are counted by the panel; wall and CPU (`time.process_time`, the
  panel is another process) around `await coordinator.async_refresh()` plus
  `hass.async_block_till_done()`; state writes are `state_changed` events during that refresh; the
  longest synchronous stretch is the worst overshoot of a task sleeping 1 ms in a loop during a
  refresh (nothing changed, and 10 changed orders); set-up is `async_setup` of the entry
  (storage load, first poll with the catalogue fetch, all entities added). Memory: tracemalloc
  (40 frames) from just before set-up to after one more poll, each allocation still held
  charged to the innermost frame in this integration (ours) or in Home Assistant's
  `core.py`/`read_only_dict.py` (state objects) or entity/device registry, else "other".
- Baseline 1 above `--baseline1-max` (default 1 000) would take 1 + A + R round trips (≈ 10 min
  per run at A = 10 000); its figures there are extrapolated per request and marked `~`.
- babismm is installed only for the benchmark, pinned (`babismm==1.0.1`, `--no-deps`, its one
  dependency `requests` is already in the venv) into `.bench/` (git-ignored).
- Profiling (issue 6 target missed on the first run): at A = 10 000 the longest synchronous
  stretch was 79 ms. Timing the poll's synchronous steps in isolation showed
  `OrderTracker.async_apply_poll` taking 43 ms for 10 000 unchanged answers: it built a new
  record with `dataclasses.replace` for every order and then compared it field by field with
  the old one. `_order_after` (tracking.py) now returns the old record when no field moved, and
  the comparison is skipped on identity: 2.5 ms. Still on the loop after a poll that changed
  something: the deferred storage write serialises every record (`_as_dict`, ≈ 21 ms at
  A = 10 000, once per 10 s at most) — under the limit, left as is.
"""
