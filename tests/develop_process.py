"""`scripts/develop` in a process of its own, as the smoke and the browser tests run it.

Free ports and a temporary config directory (so it never meets a developer's own), started
like the README says and stopped like a person stops it: Ctrl-C (SIGINT), after which both
ports must be closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 240.0
STOP_TIMEOUT = 60.0
PANEL_KEY = "demo"
PANEL_SPEED = 4.0
"""Simulated seconds per real second: an order is Pending for 15 s, then completes 60 s later.

Pending must outlast the coordinator's 10 s refresh cooldown: a poll (the demo's every 20 s)
just before an order delays the poll that `add_order` asks for by up to 10 s, and an order
already Completed at its first observation fires no status event, so the README automation
the tests save would never run."""
NEEDS_REPO_VENV = pytest.mark.skipif(
    Path(sys.prefix).resolve() != (REPO / ".venv").resolve(),
    reason="scripts/develop runs Home Assistant from the repository's .venv (the main lane)",
)
"""For tests that start `scripts/develop`: the latest lane's chroot has neither that venv nor
a Python 3.13 to build one."""


@contextmanager
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1, bound but never listening, so connections to it are refused.

    It stays bound for the whole block, so no server started meanwhile can be given it: a port
    picked and released at once can be handed out again (CI once gave one to the fake panel).
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


def free_ports(count: int) -> list[int]:
    """`count` distinct ports on 127.0.0.1, free right now, for a child process to listen on."""
    with ExitStack() as held:
        return [held.enter_context(refused_port()) for _ in range(count)]


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True, slots=True)
class Develop:
    """A running `scripts/develop`: Home Assistant and the fake panel."""

    process: subprocess.Popen[bytes]
    ha_port: int
    panel_port: int
    config_dir: Path
    log: Path

    @property
    def base_url(self) -> str:
        """Home Assistant's frontend."""
        return f"http://127.0.0.1:{self.ha_port}"

    @property
    def panel_url(self) -> str:
        """The fake panel's API URL, as a person types it into the config form."""
        return f"http://127.0.0.1:{self.panel_port}/api/v2"


def write_configuration(config_dir: Path, ha_port: int, language: str) -> None:
    """`config/configuration.yaml` with another HTTP port and server language.

    The server language is what the backend translates entity names into; the user's
    language (chosen in the browser) is what the frontend shows.
    """
    text = (REPO / "config" / "configuration.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("server_port: 8123", f"server_port: {ha_port}"),
        ("language: en", f"language: {language}"),
    ):
        if old not in text:
            msg = f"config/configuration.yaml no longer contains {old!r}"
            raise AssertionError(msg)
        text = text.replace(old, new)
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(text, encoding="utf-8")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def run_develop(config_dir: Path, log: Path, language: str) -> Iterator[Develop]:
    """Start `scripts/develop` on free ports; stop it with Ctrl-C (SIGINT) at the end."""
    ha_port, panel_port = free_ports(2)
    write_configuration(config_dir, ha_port, language)
    env = {
        # Not measured by pytest-cov: its processes get two stop signals (Ctrl-C to the group,
        # then the script's SIGTERM), which can cut a coverage data file short and spoil the
        # combined report with a warning. The tests in this process cover the integration.
        **{name: value for name, value in os.environ.items() if not name.startswith("COV_CORE_")},
        "SMM_CONFIG_DIR": str(config_dir),
        "SMM_PANEL_PORT": str(panel_port),
        "SMM_PANEL_SPEED": str(PANEL_SPEED),
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [str(REPO / "scripts" / "develop")],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    develop = Develop(process, ha_port, panel_port, config_dir, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not (_answers(f"{develop.base_url}/api/onboarding") and port_open(panel_port)):
            if process.poll() is not None:
                msg = f"scripts/develop exited early ({process.returncode}); see {log}"
                raise AssertionError(msg)
            if time.monotonic() > deadline:
                msg = f"Home Assistant or the fake panel did not answer in time; see {log}"
                raise AssertionError(msg)
            time.sleep(0.25)
        yield develop
    finally:
        _stop(process)
    assert not port_open(ha_port), "Home Assistant still listens after Ctrl-C"
    assert not port_open(panel_port), "the fake panel still listens after Ctrl-C"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        msg = "scripts/develop did not stop on Ctrl-C"
        raise AssertionError(msg) from None
