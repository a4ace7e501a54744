"""One measured poll: the requests the panel counted, its wall and CPU time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import time

from tests.bench.panel import Panel


@dataclass(slots=True)
class Sample:
    """One measured poll."""

    requests: int
    wall: float
    cpu: float


def measure_job(panel: Panel, job: Callable[[], object]) -> Sample:
    """Run `job` once (a synchronous poll) and measure it."""
    panel.reset()
    wall, cpu = time.perf_counter(), time.process_time()
    job()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Sample(panel.requests(), wall, cpu)
