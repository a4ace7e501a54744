"""The report: one Row per A, rendered as Markdown tables and target checks.

``render`` builds the poll table, the entity table (``report_entities``), the memory line and
the checks; ``machine`` says where and when they were measured.
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
from tests.bench.ours import Memory, Ours
from tests.bench.report_entities import check, entity_checks, entity_table
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
            check(
                ours_req == row.floor,
                f"A={row.orders}: requests {ours_req:.0f} = floor {row.floor}",
            )
        )
        if row.orders == 1000:
            if b1_wall is not None:
                checks.append(
                    check(
                        ours_wall * 20 <= b1_wall,
                        f"A=1000: wall {_ratio(ours_wall, b1_wall, approx)} of baseline 1 (≤ 1/20)",
                    )
                )
            if b2_wall is not None:
                checks.append(
                    check(
                        ours_wall * 3 <= b2_wall,
                        f"A=1000: wall {_ratio(ours_wall, b2_wall)} of baseline 2 (≤ 1/3)",
                    )
                )
            checks.append(
                check(row.ours.setup < 5, f"A=1000: set-up {row.ours.setup:.2f} s (< 5 s)")
            )
        if row.orders == 10000:
            checks.append(
                check(ours_cpu < 1, f"A=10000: CPU per refresh {ours_cpu * 1000:.0f} ms (< 1 s)")
            )
        checks += entity_checks(row.orders, row.ours)
    lines += ["", *entity_table([(row.orders, row.ours) for row in rows])]
    if memory is not None:
        lines += [
            "",
            f"Memory held after set-up + one poll, per tracked order (A = {memory.orders:,}, "
            f"tracemalloc): ours (tracker + entities + client) **{memory.ours:,.0f} B**; "
            f"Home Assistant's state objects {memory.ha_states:,.0f} B; entity/device registry "
            f"{memory.ha_registry:,.0f} B; other {memory.other:,.0f} B.",
        ]
        checks.append(
            check(
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


def machine() -> list[str]:
    """The machine, the versions and the date, as Markdown list items."""
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
