"""The command line: parse the options, measure every A, print the report and write the docs.

``python -m tests.bench`` (what ``scripts/bench`` runs); with ``--serve-panel`` it is the fake
panel's process instead.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import sys
from typing import Any

import tests.bench
from tests.bench.baselines import baseline_babismm, baseline_per_order, load_babismm
from tests.bench.catalogue import measure_catalogue, render_catalogue
from tests.bench.doc import CATALOGUE_HEADING, HISTORY_HEADING, write_doc, write_history
from tests.bench.history import POLLS, measure_history
from tests.bench.ours import Memory, Ours, run_ours
from tests.bench.panel import ROOT, Panel, serve_panel, start_panel
from tests.bench.report import Row, machine, render
from tests.bench.report_history import render_history
from tests.bench.sample import measure_job
from tests.fake_panel import DIALECT_NAMES

DEFAULT_SIZES = (10, 100, 1000, 10000)
QUICK_SIZES = (10, 100)


def measure(panel: Panel, size: int, args: argparse.Namespace, smm: Any) -> Row:
    """Seed A orders and R refills on the panel; measure ours and the baselines."""
    refill_count = size // 10
    seeded = panel.ctl("/bench/seed", {"orders": size, "refills": refill_count})
    orders: list[str] = seeded["orders"]
    refills: list[tuple[str, str]] = [(r, o) for r, o in seeded["refills"]]
    refill_ids = [refill_id for refill_id, _ in refills]
    print(f"bench: A={size}: ours", file=sys.stderr, flush=True)
    ours = asyncio.run(run_ours(panel, orders, refills, args.runs))
    assert isinstance(ours, Ours)
    babismm = None
    if smm is not None:
        print(f"bench: A={size}: babismm", file=sys.stderr, flush=True)
        babismm = [
            measure_job(panel, lambda: baseline_babismm(smm, panel, orders, refill_ids))
            for _ in range(args.runs)
        ]
    per_order = None
    if size <= args.baseline1_max:
        print(f"bench: A={size}: per-order", file=sys.stderr, flush=True)
        per_order = [
            measure_job(panel, lambda: baseline_per_order(panel, orders, refill_ids))
            for _ in range(args.runs)
        ]
    return Row(size, refill_count, ours, per_order, babismm)


def lean_history(args: argparse.Namespace, command: str) -> str:
    """Measure the day with the recorder (before and after lean history); its doc section.

    The day runs against a panel of its own without latency: it is about what the recorder
    keeps, and 288 polls at 50 ms per request would only add waiting.
    """
    print(f"bench: lean history at A={args.recorder_orders}", file=sys.stderr, flush=True)
    panel = start_panel(0.0, args.dialect)
    try:
        seeded = panel.ctl("/bench/seed", {"orders": args.recorder_orders, "refills": 0})
        history = asyncio.run(measure_history(panel, seeded["orders"], args.recorder_polls))
    finally:
        panel.stop()
    return render_history(history, command)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description=tests.bench.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", help="comma-separated A values (default 10,100,1000,10000)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="per request (default 50)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure, median (default 5)")
    parser.add_argument(
        "--baseline1-max",
        type=int,
        default=1000,
        help="largest A baseline 1 runs at (default 1000; beyond: extrapolated)",
    )
    parser.add_argument(
        "--memory-size",
        type=int,
        default=1000,
        help="A for the memory pass (0 skips it; default 1000)",
    )
    parser.add_argument("--no-babismm", action="store_true", help="skip baseline 2")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fast check: A = 10,100, memory at 100, no lean history; does not write the docs",
    )
    parser.add_argument(
        "--recorder",
        action="store_true",
        help="only the lean-history measurement (the real recorder over a day of polls; the "
        "full run does it too, after the tables); rewrites only the doc's Lean history "
        "section (--output, default docs/benchmarks.md)",
    )
    parser.add_argument(
        "--catalogue",
        action="store_true",
        help="only the catalogue measurement (diff of two 5 000-service catalogues, "
        "find_services over 10 x 5 000; the full run does it too); rewrites only that section "
        "of the doc (--output, default docs/benchmarks.md)",
    )
    parser.add_argument(
        "--recorder-orders",
        type=int,
        default=1000,
        help="A for the lean-history measurement (0 skips it; default 1000)",
    )
    parser.add_argument(
        "--recorder-polls",
        type=int,
        default=POLLS,
        help=f"polls in its day (default {POLLS}: 5 min apart)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="Markdown file to write (default docs/benchmarks.md unless --quick)",
    )
    parser.add_argument(
        "--dialect",
        choices=DIALECT_NAMES,
        default="template",
        help="the fake panel's dialect (PROTOCOL.md §8; default template)",
    )
    parser.add_argument("--serve-panel", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the benchmark (or serve the panel)."""
    args = parse(argv)
    if args.serve_panel:
        asyncio.run(serve_panel(args.latency_ms / 1000, args.dialect))
        return
    command = ("scripts/bench " + " ".join(sys.argv[1:] if argv is None else argv)).strip()
    output = args.output or (None if args.quick else ROOT / "docs" / "benchmarks.md")
    if args.recorder or args.catalogue:
        heading = CATALOGUE_HEADING if args.catalogue else HISTORY_HEADING
        section = (
            render_catalogue(measure_catalogue(), command)
            if args.catalogue
            else lean_history(args, command)
        )
        print(section)
        if output is not None and output.exists():
            write_history(output, section, heading)
            print(f"\nbench: wrote the {heading[3:]} section of {output}", file=sys.stderr)
        return
    sizes = (
        [int(part) for part in args.sizes.split(",")]
        if args.sizes
        else list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    )
    if args.quick:
        args.memory_size = min(args.memory_size, 100)
    history: str | None = None
    smm = None if args.no_babismm else load_babismm()
    panel = start_panel(args.latency_ms / 1000, args.dialect)
    try:
        rows = [measure(panel, size, args, smm) for size in sizes]
        memory = None
        if args.memory_size:
            print(f"bench: memory at A={args.memory_size}", file=sys.stderr, flush=True)
            seeded = panel.ctl("/bench/seed", {"orders": args.memory_size, "refills": 0})
            mem = asyncio.run(run_ours(panel, seeded["orders"], [], 1, memory=True))
            assert isinstance(mem, Memory)
            memory = mem
    finally:
        panel.stop()
    if args.recorder_orders and not args.quick:
        history = lean_history(args, command)
    table, checks = render(rows, memory, smm is not None, args.baseline1_max)
    head = [
        *machine(),
        f"- Command: `{command}` (latency {args.latency_ms:g} ms per request, "
        f"medians of {args.runs} runs)",
    ]
    text = "\n".join([*head, "", table, "", "Targets:", "", *checks])
    print(text)
    if history is not None:
        print("\n" + history)
    if output is not None:
        write_doc(output, text, history)
        print(f"\nbench: wrote {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
