"""The API key never shows: not in logs (any level), exception texts or chains, or repr."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
import traceback
from typing import Any

import aiohttp
import pytest

from custom_components.smm_panel.api import SmmError, SmmPanelClient
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel

from .conftest import CANARY_KEY, RawServer, assert_no_key_in_exception
from .test_client_failures import settled

type Call = Callable[[SmmPanelClient], Awaitable[object]]


def every_call(order: str, refill: str) -> list[Call]:
    """Every public method once, on ids that exist."""
    return [
        lambda c: c.balance(),
        lambda c: c.services(),
        lambda c: c.add(SERVICE_FOLLOWERS, {"link": f"https://x/{id(c)}", "quantity": 100}),
        lambda c: c.status(order),
        lambda c: c.status_many([order, "424242"]),
        lambda c: c.refill(order),
        lambda c: c.refill_many([order, "424242"]),
        lambda c: c.refill_status(refill),
        lambda c: c.refill_status_many([refill, "999"]),
        lambda c: c.cancel_many([order, "424242"]),
    ]


FAULTS: list[tuple[Fault, dict[str, Any]]] = [
    (Fault.HTTP_500, {}),
    (Fault.HTTP_502, {"times": 2}),
    (Fault.HTTP_503, {"times": 2}),
    (Fault.HTML_PAGE, {}),
    (Fault.MALFORMED_JSON, {}),
    (Fault.WRONG_SHAPE, {}),
    (Fault.RATE_LIMITED, {"retry_after": 3}),
    (Fault.DROP_BEFORE, {"times": 2}),
    (Fault.DROP_AFTER, {"times": 2}),
]


def assert_no_key_in_record(record: logging.LogRecord) -> None:
    """Neither the message, its arguments nor any attached traceback shows the key."""
    assert CANARY_KEY not in record.getMessage()
    assert CANARY_KEY not in repr(record.args)
    assert CANARY_KEY not in logging.Formatter().format(record)
    if record.exc_info and record.exc_info[1] is not None:
        assert_no_key_in_exception(record.exc_info[1])


async def test_key_never_logged_nor_raised(
    running_panel: RunningFakePanel,
    session: aiohttp.ClientSession,
    panel: FakePanel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every action under every fault, a rejected key and a dead panel, logged at DEBUG."""
    caplog.set_level(logging.DEBUG)
    api = SmmPanelClient(running_panel.url, CANARY_KEY, session, timeout=0.25)
    order = panel.create_order(SERVICE_FOLLOWERS, "https://x/0", 100, status="Completed")
    refill = panel.create_refill(order)
    raised: list[SmmError] = []
    outcomes = 0

    async def run_all() -> None:
        nonlocal outcomes
        for call in every_call(order, refill):
            try:
                await call(api)
            except SmmError as err:
                raised.append(err)
            outcomes += 1

    await run_all()
    for fault, params in FAULTS:
        times = params.get("times", 1)
        assert isinstance(times, int)
        extra = {k: v for k, v in params.items() if k != "times"}
        for _ in every_call(order, refill):
            panel.inject(fault, times=times, **extra)
        await run_all()
        panel.clear_faults()
    panel.inject(Fault.LATENCY, action="balance", times=2, seconds=0.5)
    panel.inject(Fault.LATENCY, action="add", seconds=0.5)
    await run_all()
    await settled(panel)
    panel.key = "rotated-key"
    await run_all()
    dead = SmmPanelClient("http://127.0.0.1:1/api/v2", CANARY_KEY, session)
    for call in every_call(order, refill):
        try:
            await call(dead)
        except SmmError as err:
            raised.append(err)

    assert outcomes == (len(FAULTS) + 3) * len(every_call(order, refill))
    kinds = {type(error).__name__ for error in raised}
    assert kinds >= {
        "SmmAuthError",
        "SmmConnectionError",
        "SmmInvalidResponseError",
        "SmmOrderOutcomeUnknownError",
        "SmmPanelError",
        "SmmRateLimitedError",
        "_NotSentError",
    }
    for error in raised:
        assert_no_key_in_exception(error)
        assert CANARY_KEY not in "".join(traceback.format_exception(error))
    client_lines = [r.getMessage() for r in caplog.records if r.name.endswith("api.client")]
    assert "POST action=balance to 127.0.0.1" in client_lines
    assert any(line.startswith("Retrying balance on 127.0.0.1 once after") for line in client_lines)
    for record in caplog.records:
        assert_no_key_in_record(record)
    assert CANARY_KEY not in caplog.text


async def test_key_echoed_by_the_panel_in_a_key_error(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """A panel that repeats the rejected key in its error text: the message stays generic."""
    raw_server.reply(f'{{"error": "Invalid API key: {CANARY_KEY}"}}', status=401)
    with pytest.raises(SmmError) as caught:
        await raw_client.balance()
    assert_no_key_in_exception(caught.value)


def test_repr_hides_the_key() -> None:
    """repr and str of the client name the host only."""
    api = SmmPanelClient(
        "https://panel.example/api/v2",
        CANARY_KEY,
        session=object(),  # type: ignore[arg-type]
    )
    assert repr(api) == "SmmPanelClient(host='panel.example')"
    assert CANARY_KEY not in str(api)
    assert api.host == "panel.example"
    assert api.url == "https://panel.example/api/v2"
