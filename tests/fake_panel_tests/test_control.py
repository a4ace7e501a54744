"""The fake panel's catalogue control (control.py): over HTTP, and from its command line."""

from __future__ import annotations

import asyncio
from decimal import Decimal
import json

import aiohttp
import pytest

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, RunningFakePanel
from tests.fake_panel.catalogue import default_catalogue
from tests.fake_panel.control import CONTROL_PATH, main


def _control_url(running: RunningFakePanel) -> str:
    return f"http://{running.host}:{running.port}{CONTROL_PATH}"


async def test_remove_restore_and_set_over_http(
    panel: FakePanel, running_panel: RunningFakePanel, session: aiohttp.ClientSession
) -> None:
    """The panel stops listing a service, lists it again, and takes new values; the
    `services` action answers with the change."""
    url = _control_url(running_panel)
    async with session.post(url, json={"remove": [SERVICE_FOLLOWERS]}) as answer:
        assert SERVICE_FOLLOWERS not in (await answer.json())["services"]
    assert SERVICE_FOLLOWERS not in panel.catalogue

    change = {
        "restore": [SERVICE_FOLLOWERS],
        "set": {SERVICE_FOLLOWERS: {"rate": "1.25", "min": "100", "refill": "false"}},
    }
    async with session.post(url, json=change) as answer:
        assert answer.status == 200
    service = panel.catalogue[SERVICE_FOLLOWERS]
    assert (service.rate, service.min, service.refill) == (Decimal("1.25"), 100, False)
    async with session.post(url, json={"set": {SERVICE_FOLLOWERS: {"cancel": True}}}):
        assert panel.catalogue[SERVICE_FOLLOWERS].cancel is True

    form = {"key": panel.key, "action": "services"}
    async with session.post(running_panel.url, data=form) as answer:
        listed = {str(row["service"]): row for row in json.loads(await answer.text())}
    assert listed[SERVICE_FOLLOWERS]["rate"] in ("1.25", 1.25)


@pytest.mark.parametrize(
    "change",
    [
        {"remove": ["404"]},
        {"restore": ["404"]},
        {"set": {SERVICE_FOLLOWERS: {"type": "Package"}}},
        {"set": {SERVICE_FOLLOWERS: {"rate": "lots"}}},
        {"set": {"404": {"rate": "1"}}},
        ["not", "an", "object"],
    ],
)
async def test_bad_changes_are_refused(
    panel: FakePanel,
    running_panel: RunningFakePanel,
    session: aiohttp.ClientSession,
    change: object,
) -> None:
    """An unknown id or field, or an unreadable value: HTTP 400 and nothing changed."""
    before = dict(panel.catalogue)
    async with session.post(_control_url(running_panel), json=change) as answer:
        assert answer.status == 400
        assert "error" in await answer.json()
    assert panel.catalogue == before


async def test_command_line(
    panel: FakePanel, running_panel: RunningFakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m tests.fake_panel.control` sends one change and prints the answer."""
    port = ["--port", str(running_panel.port)]

    def run(*argv: str) -> str:
        return main([*port, *argv])

    offered = json.loads(await asyncio.to_thread(run, "remove", SERVICE_FOLLOWERS))["services"]
    assert SERVICE_FOLLOWERS not in offered
    assert panel.catalogue.keys() ^ default_catalogue().keys() == {SERVICE_FOLLOWERS}
    await asyncio.to_thread(run, "restore", SERVICE_FOLLOWERS)
    await asyncio.to_thread(run, "set", SERVICE_FOLLOWERS, "rate=2", "name=Followers+")
    assert panel.catalogue[SERVICE_FOLLOWERS].name == "Followers+"
    refused = await asyncio.to_thread(run, "remove", "404")
    assert "error" in refused
    assert "error" in capsys.readouterr().out
