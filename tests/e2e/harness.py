"""What the browser tests need besides the browser: `scripts/develop` in a process, and texts.

Kept free of Playwright so that `conftest.py` imports it on every lane.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import resources
import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import time
from typing import Any
import urllib.error
import urllib.request

import pytest

REPO = Path(__file__).resolve().parents[2]
COMPONENT = REPO / "custom_components" / "smm_panel"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 60.0
PANEL_KEY = "demo"
PANEL_SPEED = 60.0
"""Simulated seconds per real second: an order completes 5 s after it was placed."""
README_PICTURES: dict[str, frozenset[str]] = {
    "en": frozenset({"config-form", "action-response", "device-page", "dashboard-card"}),
    "ar": frozenset({"config-form", "device-page"}),
}
"""The screenshots the README shows, by language: docs/images/<name>[-<language>].png."""
PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
"""Each test's reports by phase ("setup", "call", "teardown"), kept by conftest.py."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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
    ha_port, panel_port = free_port(), free_port()
    write_configuration(config_dir, ha_port, language)
    env = {
        **os.environ,
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


# -- texts --------------------------------------------------------------------------------


def integration_strings(language: str) -> dict[str, Any]:
    """The integration's own translations (what the tests expect to see)."""
    path = COMPONENT / "translations" / f"{language}.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


class FrontendStrings:
    """The texts of the installed Home Assistant frontend in one language.

    The tests find buttons and tabs by the words a person reads, in the person's language;
    where the frontend has no translation it shows (and these return) the English text.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self._own = self._load(language)
        self._english = self._own if language == "en" else self._load("en")

    @staticmethod
    def _load(language: str) -> Mapping[str, str]:
        folder = resources.files("hass_frontend") / "static" / "translations"
        texts: dict[str, str] = {}
        for directory in (folder, *(item for item in folder.iterdir() if item.is_dir())):
            for item in directory.iterdir():
                # "<language>-<hash>.json" (not "en-GB-<hash>.json", nor .gz / .br copies)
                stem, _, suffix = item.name.rpartition(".")
                if suffix == "json" and stem.rpartition("-")[0] == language:
                    texts.update(json.loads(item.read_text(encoding="utf-8")))
        if not texts:
            msg = f"the installed frontend has no {language!r} translation"
            raise AssertionError(msg)
        return texts

    def __getitem__(self, key: str) -> str:
        """The text of `key` as the frontend shows it."""
        return self._own.get(key) or self._english[key]


def core_state_text(domain: str, device_class: str, state: str, language: str) -> str:
    """How Home Assistant names a state of a device class (English where it has no text)."""
    folder = resources.files("homeassistant") / "components" / domain / "translations"
    for candidate in (language, "en"):
        path = folder / f"{candidate}.json"
        if path.is_file():
            texts = json.loads(path.read_text(encoding="utf-8"))
            with suppress(KeyError):
                text: str = texts["entity_component"][device_class]["state"][state]
                return text
    msg = f"no text for {domain} {device_class} {state}"
    raise AssertionError(msg)
