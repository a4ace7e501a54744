"""``python -m tests.fake_panel`` serves a real-time panel until terminated."""

from __future__ import annotations

import asyncio
from pathlib import Path
import subprocess
import sys

import aiohttp
import pytest

from tests.develop_process import free_ports
from tests.fake_panel.__main__ import _parse, _quirks

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
