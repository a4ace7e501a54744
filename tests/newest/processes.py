"""The processes of the newest lane: the fake panel and `hass`, their config and their logs.

Both are started as a person starts them (`python -m tests.fake_panel`, `hass --config`), on
free loopback ports, with every line they print kept in a file so that a failure can show why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
import os
from pathlib import Path
import re
import signal
import sys
import time

from tests.develop_process import REPO, port_open

TIMEOUT = float(os.environ.get("SMM_NEWEST_TIMEOUT", "120"))
"""Seconds any one wait may take: generous, so a loaded machine slows the lane, never fails it."""
PANEL_KEY = "newest-lane-key-7f3a9c2e"
"""The fake panel's key. The panel quotes it in every text it sends (--echo-key), as real
panels do in their error messages: it must never reach a response, an event or a log."""
PANEL_SPEED = 12.0
"""Simulated seconds per real second: an order is pending 5 s, then delivered in 20 s."""
TAIL_LINES = 80

CONFIGURATION = """\
# Written by tests/newest/processes.py: only what the lane drives, no default_config (whose
# go2rtc and assist dependencies cannot be installed here). Home Assistant still sets up its
# always-on integrations (bootstrap's DEFAULT_INTEGRATIONS, the frontend among them).
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
config:
onboarding:
websocket_api:
logger:
  default: info
  logs:
    custom_components.smm_panel: debug
"""

_RECORD_START = re.compile(
    # 2026-12-02 05:09:56.072+00:00 WARNING (MainThread) [homeassistant.loader] ...
    # (the offset is new in 2026.x; 2025.4 writes none)
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)? (?P<level>[A-Z]+) ",
    re.MULTILINE,
)
_PROBLEM_LEVELS = frozenset({"WARNING", "ERROR", "CRITICAL"})
EXPECTED_WARNINGS = ("We found a custom integration smm_panel which has not been tested",)
"""Logged by Home Assistant's loader for every custom integration, whatever it does."""


@dataclass(slots=True)
class Process:
    """A child process and the file that holds everything it printed."""

    name: str
    process: asyncio.subprocess.Process
    output: Path

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit code. Killed if it hangs."""
        if self.process.returncode is None:
            with suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), TIMEOUT)
        except TimeoutError:
            with suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()
            msg = f"{self.name} did not stop within {TIMEOUT:.0f} s of SIGTERM; killed"
            raise AssertionError(msg) from None

    def exited(self) -> int | None:
        """The exit code, or None while it runs."""
        return self.process.returncode


@dataclass(slots=True)
class Logs:
    """The files worth showing when the lane fails, each with how many of its last lines."""

    files: list[tuple[Path, int]] = field(default_factory=list)

    def add(self, path: Path, lines: int = TAIL_LINES) -> None:
        """Show the last `lines` of `path` on failure."""
        self.files.append((path, lines))

    def tails(self) -> str:
        """The last lines of each file, headed by its name."""
        parts = []
        for path, count in self.files:
            if not path.exists():
                parts.append(f"----- {path}: not written -----")
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            shown = "\n".join(lines[-count:]) or "(empty)"
            parts.append(f"----- last {count} lines of {path} -----\n{shown}")
        return "\n".join(parts)


@contextmanager
def tails_on_failure(logs: Logs) -> Iterator[None]:
    """On any failure, print the tails of the logs so the CI output shows why."""
    try:
        yield
    except BaseException:
        print(logs.tails(), file=sys.stderr, flush=True)  # noqa: T201 - for the CI log
        raise


async def _spawn(name: str, args: list[str], output: Path) -> Process:
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as sink:
        child = await asyncio.create_subprocess_exec(
            *args,
            cwd=REPO,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
        )
    return Process(name, child, output)


async def start_panel(port: int, output: Path, logs: Logs) -> Process:
    """`python -m tests.fake_panel` on 127.0.0.1:`port`, accepting connections."""
    panel = await _spawn(
        "the fake panel",
        [
            sys.executable,
            "-m",
            "tests.fake_panel",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--key",
            PANEL_KEY,
            "--speed",
            str(PANEL_SPEED),
            "--echo-key",
        ],
        output,
    )
    logs.add(output)
    deadline = time.monotonic() + TIMEOUT
    while not port_open(port):
        if panel.exited() is not None:
            msg = f"the fake panel exited ({panel.exited()}) before it listened on {port}"
            raise AssertionError(msg)
        if time.monotonic() > deadline:
            msg = f"the fake panel did not listen on {port} within {TIMEOUT:.0f} s"
            raise AssertionError(msg)
        await asyncio.sleep(0.2)
    return panel


def write_config(config_dir: Path, port: int) -> None:
    """configuration.yaml, and custom_components pointing at this repository's."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(
        CONFIGURATION.format(port=port), encoding="utf-8"
    )
    link = config_dir / "custom_components"
    if not link.is_symlink():
        link.symlink_to(REPO / "custom_components", target_is_directory=True)


def hass_log(config_dir: Path, run: int) -> Path:
    """Home Assistant's log file of one run (one per run: hass rolls its default one over)."""
    return config_dir / f"home-assistant.run{run}.log"


async def start_hass(config_dir: Path, run: int, logs: Logs) -> Process:
    """`hass --config` on the written config; `--skip-pip`: it installs nothing at start.

    What the integrations it always sets up require is pinned in requirements_newest.txt.
    """
    log = hass_log(config_dir, run)
    hass = await _spawn(
        "hass",
        [
            sys.executable,
            "-m",
            "homeassistant",
            "--config",
            str(config_dir),
            "--log-file",
            str(log),
            "--skip-pip",
        ],
        config_dir / f"hass.run{run}.out",
    )
    # What it printed holds the same records as its log, and what came before logging was set
    # up (a crash at start): a few lines of it, then the log.
    logs.add(hass.output, 20)
    logs.add(log)
    return hass


def problem_records(text: str) -> list[str]:
    """The WARNING, ERROR and CRITICAL records of a log, from their level on (no timestamp).

    A traceback belongs to its record.
    """
    starts = list(_RECORD_START.finditer(text))
    records = []
    for index, match in enumerate(starts):
        if match["level"] in _PROBLEM_LEVELS:
            end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
            records.append(text[match.start("level") : end].rstrip())
    return records


def names_us(record: str) -> bool:
    """Whether a record names the integration (EXPECTED_WARNINGS aside)."""
    if any(expected in record for expected in EXPECTED_WARNINGS):
        return False
    return "smm_panel" in record.lower()
