"""Run a fake panel for a demo: ``python -m tests.fake_panel --port 8099 --key demo``.

The clock runs in real time x ``--speed``; at the default speed an order placed with the
default lifecycle (60 s pending + 240 s delivery) completes in one real minute.
``--dialect smartpanel`` speaks like real panel software (see ``dialects``), ``--quirk`` changes
single quirks on top of it, ``--echo-key`` makes the panel quote the API key in its texts.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import fields
from decimal import Decimal, InvalidOperation
import signal

from .clock import FakeClock
from .dialects import DIALECT_NAMES, dialect
from .panel import FakePanel
from .quirks import Quirks
from .server import start_fake_panel

DEFAULT_SPEED = 5.0


def _quirks(names: list[str], base: Quirks | None = None) -> Quirks:
    """Apply ``NAME`` (switch a flag on) or ``NAME=VALUE`` (a text quirk) to ``base``."""
    quirks = base if base is not None else Quirks()
    known = {item.name: item for item in fields(Quirks)}
    for spec in names:
        name, _, value = spec.partition("=")
        if name not in known or name == "error_texts":
            raise SystemExit(f"unknown quirk {name!r}; known: {', '.join(sorted(known))}")
        current = getattr(quirks, name)
        setattr(quirks, name, value if isinstance(current, str) else value.lower() != "false")
    return quirks


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m tests.fake_panel", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--key", default="demo", help="the API key the panel accepts")
    parser.add_argument(
        "--speed", type=float, default=DEFAULT_SPEED, help="simulated seconds per real second"
    )
    parser.add_argument("--balance", default="100", help="starting balance (USD)")
    parser.add_argument(
        "--dialect",
        choices=DIALECT_NAMES,
        default="template",
        help="the panel software to imitate (default: template, the documented API)",
    )
    parser.add_argument(
        "--quirk",
        action="append",
        default=[],
        metavar="NAME[=VALUE]",
        help="switch a Quirks field on (repeatable, on top of the dialect), e.g. string_ids",
    )
    parser.add_argument(
        "--echo-key",
        action="store_true",
        help="quote the request, API key included, in every text (the secrets canary)",
    )
    args = parser.parse_args(argv)
    try:
        args.balance = Decimal(args.balance)
    except InvalidOperation:
        parser.error(f"--balance: not a number: {args.balance!r}")
    if args.speed <= 0:
        parser.error("--speed must be > 0")
    return args


def quirks_of(args: argparse.Namespace) -> Quirks:
    """The dialect's quirks, then the ``--quirk`` changes, then ``--echo-key``."""
    quirks = _quirks(args.quirk, dialect(args.dialect))
    if args.echo_key:
        quirks.echo_key = True
    return quirks


async def _serve(args: argparse.Namespace) -> None:
    """Serve until SIGINT or SIGTERM."""
    panel = FakePanel(
        args.key, balance=args.balance, clock=FakeClock(args.speed), quirks=quirks_of(args)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with await start_fake_panel(panel, args.host, args.port) as running:
        print(f"Fake SMM panel listening on {running.url}", flush=True)
        echo = ", echoing the key" if args.echo_key else ""
        print(
            f"  balance {args.balance}, speed x{args.speed}, dialect {args.dialect}{echo}",
            flush=True,
        )
        await stop.wait()
    print("Fake SMM panel stopped", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m tests.fake_panel``."""
    asyncio.run(_serve(_parse(argv)))


if __name__ == "__main__":
    main()
