"""``python -m tests.fake_panel`` serves a real-time panel until terminated."""

from __future__ import annotations

import asyncio
from pathlib import Path
import subprocess
import sys

import aiohttp
import pytest

from tests.develop_process import free_ports
from tests.fake_panel import DIALECT_NAMES, Quirks, dialect
from tests.fake_panel.__main__ import _parse, _quirks, quirks_of

ROOT = Path(__file__).resolve().parents[2]


async def test_cli_serves_until_terminated(socket_enabled: None) -> None:
    """The module starts, prints its URL, answers with the given key, stops on SIGTERM."""
    [port] = free_ports(1)
    url = f"http://127.0.0.1:{port}/api/v2"
    process = subprocess.Popen(  # noqa: ASYNC220, S603 - fixed argv; polled without blocking
        [
            sys.executable,
            "-m",
            "tests.fake_panel",
            "--port",
            str(port),
            "--key",
            "demo",
            "--balance",
            "12.5",
            "--speed",
            "60",
            "--quirk",
            "cancelled_spelling",
            "--dialect",
            "laravel",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    form = {"key": "demo", "action": "balance"}
                    async with session.post(url, data=form) as response:
                        answer = await response.json()
                    break
                except aiohttp.ClientConnectionError:
                    assert process.poll() is None, process.communicate()
                    await asyncio.sleep(0.1)
        assert answer == {"balance": "12.50000", "currency": "USD"}
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert url in out
    assert "dialect laravel" in out
    assert "stopped" in out


def test_cli_arguments() -> None:
    """Defaults, quirk switches and refusals of the command line."""
    args = _parse([])
    assert (args.host, args.port, args.key, args.speed) == ("127.0.0.1", 8099, "demo", 5.0)
    quirks = _quirks(["string_ids", "in_progress_text=inprogress", "numbers_as_strings=false"])
    assert quirks.string_ids
    assert quirks.in_progress_text == "inprogress"
    assert not quirks.numbers_as_strings
    with pytest.raises(SystemExit):
        _quirks(["no_such_quirk"])
    with pytest.raises(SystemExit):
        _parse(["--balance", "lots"])
    with pytest.raises(SystemExit):
        _parse(["--speed", "0"])


def test_cli_dialects() -> None:
    """``--dialect`` picks a preset, ``--quirk`` changes it, ``--echo-key`` adds the echo."""
    assert quirks_of(_parse([])) == Quirks()
    for name in DIALECT_NAMES:
        assert quirks_of(_parse(["--dialect", name])) == dialect(name)
    args = _parse(["--dialect", "smartpanel", "--quirk", "pretty_json=false", "--echo-key"])
    quirks = quirks_of(args)
    expected = dialect("smartpanel", echo_key=True)
    expected.pretty_json = False
    assert quirks == expected
    assert quirks_of(_parse(["--dialect", "minimal", "--quirk", "in_progress_text=x"])) != (
        dialect("minimal")
    )


def test_cli_unknown_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown dialect is refused with the list of known ones."""
    with pytest.raises(SystemExit):
        _parse(["--dialect", "smart"])
    assert "invalid choice: 'smart'" in capsys.readouterr().err
