"""Failures over real HTTP: every exception class, what is retried, and `add`'s safety."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

import aiohttp
import pytest

from custom_components.smm_panel.api import (
    SmmAuthError,
    SmmConnectionError,
    SmmError,
    SmmInvalidResponseError,
    SmmOrderOutcomeUnknownError,
    SmmPanelClient,
    SmmPanelError,
    SmmRateLimitedError,
)
from tests.fake_panel import DEFAULT_BALANCE, SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel
from tests.waiting import eventually

from .conftest import CANARY_KEY, RawServer

SHORT_TIMEOUT = 0.25
SLOW = 0.6
LINK = "https://instagram.com/p/Cx1"
ADD_FIELDS: dict[str, str | int] = {"link": LINK, "quantity": 1000}


@dataclass(frozen=True, slots=True)
class Scene:
    """Ids that exist on the panel, so every action can succeed."""

    order: str
    refill: str
    pending: str


@pytest.fixture
def scene(panel: FakePanel) -> Scene:
    """A completed order (refillable), a refill of another, a pending order (cancelable)."""
    order = panel.create_order(SERVICE_FOLLOWERS, LINK, 100, status="Completed")
    other = panel.create_order(SERVICE_FOLLOWERS, "https://x/2", 100, status="Completed")
    pending = panel.create_order(SERVICE_FOLLOWERS, "https://x/3", 100)
    return Scene(order=order, refill=panel.create_refill(other), pending=pending)


type FaultParams = dict[str, Any]
"""Keyword parameters of FakePanel.inject (typed loosely, as inject itself takes them)."""
type Call = Callable[[SmmPanelClient, Scene], Awaitable[object]]

READS: dict[str, tuple[str, Call]] = {
    "balance": ("balance", lambda c, s: c.balance()),
    "services": ("services", lambda c, s: c.services()),
    "status": ("status", lambda c, s: c.status(s.order)),
    "status_many": ("status", lambda c, s: c.status_many([s.order])),
    "refill_status": ("refill_status", lambda c, s: c.refill_status(s.refill)),
    "refill_status_many": ("refill_status", lambda c, s: c.refill_status_many([s.refill])),
}
WRITES: dict[str, tuple[str, Call]] = {
    "refill": ("refill", lambda c, s: c.refill(s.order)),
    "refill_many": ("refill", lambda c, s: c.refill_many([s.order])),
    "cancel_many": ("cancel", lambda c, s: c.cancel_many([s.pending])),
    "add": ("add", lambda c, s: c.add(SERVICE_FOLLOWERS, ADD_FIELDS)),
}
EVERY_METHOD = READS | WRITES

CONNECTION_FAULTS: list[tuple[Fault, FaultParams]] = [
    (Fault.HTTP_500, {}),
    (Fault.HTTP_502, {}),
    (Fault.HTTP_503, {}),
    (Fault.HTML_PAGE, {"status": 503}),
    (Fault.DROP_BEFORE, {}),
]


def fault_id(fault: tuple[Fault, FaultParams]) -> str:
    """A readable test id for a fault and its parameters."""
    return fault[0].name + "".join(f"-{k}={v}" for k, v in fault[1].items())


async def settled(panel: FakePanel) -> None:
    """Wait until the panel has finished every request (a client may have given up early)."""
    await eventually(lambda: panel.in_flight == 0)
    assert panel.in_flight == 0, "the fake panel is still busy"


@pytest.fixture
def short_client(running_panel: RunningFakePanel, session: aiohttp.ClientSession) -> SmmPanelClient:
    """A client that gives up after SHORT_TIMEOUT seconds."""
    return SmmPanelClient(running_panel.url, CANARY_KEY, session, timeout=SHORT_TIMEOUT)


# -- reads are retried once after a connection error --------------------------------------


@pytest.mark.parametrize("fault", CONNECTION_FAULTS, ids=fault_id)
@pytest.mark.parametrize("method", READS)
@pytest.mark.parametrize("times", [1, 2])
async def test_read_retried_only_once(
    client: SmmPanelClient, panel: FakePanel, scene: Scene, times: int, method: str,
    fault: tuple[Fault, FaultParams],
) -> None:  # fmt: skip
    """One connection failure, then the answer: the read succeeds with two requests.

    Two failures in a row: SmmConnectionError after exactly two requests.
    """
    action, call = READS[method]
    panel.inject(fault[0], action=action, times=times, **fault[1])
    if times == 1:
        await call(client, scene)
    else:
        with pytest.raises(SmmConnectionError) as caught:
            await call(client, scene)
        assert not isinstance(caught.value, SmmRateLimitedError)
    assert panel.counts == Counter({action: 2})


@pytest.mark.parametrize("times", [1, 2])
async def test_read_retried_after_timeout(
    short_client: SmmPanelClient, panel: FakePanel, times: int
) -> None:
    """A timeout is a connection error: retried once, SmmConnectionError the second time."""
    panel.inject(Fault.LATENCY, action="balance", times=times, seconds=SLOW)
    if times == 1:
        assert (await short_client.balance()).amount == DEFAULT_BALANCE
    else:
        with pytest.raises(SmmConnectionError, match=r"^Timeout talking to 127\.0\.0\.1$"):
            await short_client.balance()
    await settled(panel)
    assert panel.counts == Counter({"balance": 2})


@pytest.mark.parametrize(
    ("fault", "params", "error"),
    [
        (Fault.HTML_PAGE, {}, SmmInvalidResponseError),
        (Fault.MALFORMED_JSON, {}, SmmInvalidResponseError),
        (Fault.WRONG_SHAPE, {"body": "nonsense"}, SmmInvalidResponseError),
        (Fault.RATE_LIMITED, {"retry_after": 5}, SmmRateLimitedError),
    ],
)
@pytest.mark.parametrize("method", READS)
async def test_read_not_retried_after_an_answer(
    client: SmmPanelClient, panel: FakePanel, scene: Scene, method: str, fault: Fault,
    params: FaultParams, error: type[SmmError],
) -> None:  # fmt: skip
    """An answer that is not a connection failure (page, bad JSON, 429) is not retried."""
    action, call = READS[method]
    panel.inject(fault, action=action, **params)
    with pytest.raises(error):
        await call(client, scene)
    assert panel.counts == Counter({action: 1})


# -- refill and cancel are never retried ------------------------------------------------------


@pytest.mark.parametrize("fault", [Fault.HTTP_502, Fault.DROP_BEFORE, Fault.DROP_AFTER])
@pytest.mark.parametrize("method", ["refill", "refill_many", "cancel_many"])
async def test_writes_not_retried(
    client: SmmPanelClient, panel: FakePanel, scene: Scene, method: str, fault: Fault
) -> None:
    """Refill and cancel fail with SmmConnectionError after exactly one request."""
    action, call = WRITES[method]
    panel.inject(fault, action=action)
    with pytest.raises(SmmConnectionError):
        await call(client, scene)
    assert panel.counts == Counter({action: 1})
    acted = fault is Fault.DROP_AFTER
    assert (panel.orders[scene.order].last_refill is not None) is (acted and action == "refill")
    assert (panel.orders[scene.pending].cancel_at is not None) is (acted and action == "cancel")


# -- add is sent exactly once, whatever happens -----------------------------------------------


@pytest.mark.parametrize(
    ("fault", "params", "placed"),
    [
        (Fault.DROP_AFTER, {}, True),
        (Fault.DROP_BEFORE, {}, False),
        (Fault.HTTP_502, {}, False),
        (Fault.HTTP_502, {"process": True}, True),
        (Fault.HTTP_500, {"process": True}, True),
        (Fault.HTTP_503, {}, False),
        (Fault.HTML_PAGE, {}, False),
        (Fault.MALFORMED_JSON, {}, True),
        (Fault.WRONG_SHAPE, {}, False),
        (Fault.WRONG_SHAPE, {"body": {"order": True}}, False),
        (Fault.WRONG_SHAPE, {"body": {"order": ""}}, False),
        (Fault.WRONG_SHAPE, {"body": []}, False),
    ],
)
async def test_add_outcome_unknown(
    client: SmmPanelClient, panel: FakePanel, fault: Fault, params: FaultParams,
    placed: bool,
) -> None:  # fmt: skip
    """No usable answer after sending: SmmOrderOutcomeUnknownError, one request, no retry.

    DROP_AFTER is the dangerous case: the panel placed and charged the order, so a retry
    would order (and pay) twice. A drop before the panel acted looks the same to a client:
    the request was sent and no answer came, so the outcome is unknown too.
    """
    panel.inject(fault, action="add", **params)
    with pytest.raises(SmmOrderOutcomeUnknownError) as caught:
        await client.add(SERVICE_FOLLOWERS, ADD_FIELDS)
    assert panel.counts == Counter({"add": 1})
    assert len(panel.orders) == (1 if placed else 0)
    assert panel.balance == (DEFAULT_BALANCE - Decimal("0.9") if placed else DEFAULT_BALANCE)
    if placed:
        (order,) = panel.orders.values()
        assert (order.link, order.quantity) == (LINK, 1000)
    assert "check the panel before ordering again" in str(caught.value)


async def test_add_drop_after_chains_the_connection_error(
    client: SmmPanelClient, panel: FakePanel
) -> None:
    """The unknown outcome keeps the transport failure as its cause."""
    panel.inject(Fault.DROP_AFTER, action="add")
    with pytest.raises(SmmOrderOutcomeUnknownError) as caught:
        await client.add(SERVICE_FOLLOWERS, ADD_FIELDS)
    assert isinstance(caught.value.__cause__, SmmConnectionError)
    assert "127.0.0.1" in str(caught.value)


async def test_add_timeout_is_outcome_unknown(
    short_client: SmmPanelClient, panel: FakePanel
) -> None:
    """The client gave up waiting; the panel placed the order anyway, exactly once."""
    panel.inject(Fault.LATENCY, action="add", seconds=SLOW)
    with pytest.raises(SmmOrderOutcomeUnknownError) as caught:
        await short_client.add(SERVICE_FOLLOWERS, ADD_FIELDS)
    assert isinstance(caught.value.__cause__, SmmConnectionError)
    await settled(panel)
    assert panel.counts == Counter({"add": 1})
    assert len(panel.orders) == 1


async def test_add_rate_limited_is_not_unknown(client: SmmPanelClient, panel: FakePanel) -> None:
    """A 429 means the panel refused: SmmRateLimitedError, no order, no retry."""
    panel.inject(Fault.RATE_LIMITED, action="add", retry_after=60)
    with pytest.raises(SmmRateLimitedError) as caught:
        await client.add(SERVICE_FOLLOWERS, ADD_FIELDS)
    assert caught.value.retry_after == 60.0
    assert panel.orders == {}
    assert panel.counts == Counter({"add": 1})


async def test_add_refused_key_is_not_unknown(client: SmmPanelClient, panel: FakePanel) -> None:
    """A rejected key is a definite answer: SmmAuthError, not an unknown outcome."""
    panel.key = "rotated"
    with pytest.raises(SmmAuthError):
        await client.add(SERVICE_FOLLOWERS, ADD_FIELDS)
    assert panel.orders == {}


async def test_add_never_connected_is_not_unknown(
    session: aiohttp.ClientSession, closed_url: str
) -> None:
    """Connection refused: the order certainly was not sent, so a plain SmmConnectionError."""
    api = SmmPanelClient(closed_url, CANARY_KEY, session)
    with pytest.raises(SmmConnectionError) as caught:
        await api.add(SERVICE_FOLLOWERS, ADD_FIELDS)
    assert not isinstance(caught.value, SmmOrderOutcomeUnknownError)
    assert str(caught.value) == "Cannot connect to 127.0.0.1"


# -- SmmConnectionError -----------------------------------------------------------------------


@pytest.mark.parametrize("method", EVERY_METHOD)
async def test_nothing_listening(
    session: aiohttp.ClientSession, closed_url: str, method: str
) -> None:
    """Every method raises SmmConnectionError when the panel cannot be reached."""
    api = SmmPanelClient(closed_url, CANARY_KEY, session)
    with pytest.raises(SmmConnectionError, match=r"^Cannot connect to 127\.0\.0\.1$"):
        await EVERY_METHOD[method][1](api, Scene(order="1", refill="1", pending="2"))


@pytest.mark.parametrize("method", ["refill", "cancel_many"])
async def test_write_timeout(
    short_client: SmmPanelClient, panel: FakePanel, scene: Scene, method: str
) -> None:
    """A timed-out refill or cancel is SmmConnectionError after one request."""
    action, call = WRITES[method]
    panel.inject(Fault.LATENCY, action=action, seconds=SLOW)
    with pytest.raises(SmmConnectionError, match=r"^Timeout talking to 127\.0\.0\.1$"):
        await call(short_client, scene)
    await settled(panel)
    assert panel.counts == Counter({action: 1})


async def test_5xx_with_a_json_error_is_a_connection_error(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """HTTP 5xx is the proxy's or the panel's failure, whatever the body says."""
    raw_server.reply('{"error": "Incorrect request"}', status=500)
    with pytest.raises(SmmConnectionError, match=r"^127\.0\.0\.1 answered HTTP 500$"):
        await raw_client.balance()
    assert len(raw_server.forms) == 2


# -- SmmRateLimitedError ----------------------------------------------------------------------


@pytest.mark.parametrize(("retry_after", "expected"), [(30, 30.0), (0, 0.0), (None, None)])
async def test_rate_limited(
    client: SmmPanelClient, panel: FakePanel, retry_after: int | None, expected: float | None
) -> None:
    """HTTP 429 is SmmRateLimitedError (a connection error) with Retry-After in seconds."""
    panel.inject(Fault.RATE_LIMITED, retry_after=retry_after)
    with pytest.raises(SmmRateLimitedError) as caught:
        await client.balance()
    assert caught.value.retry_after == expected
    assert isinstance(caught.value, SmmConnectionError)
    assert str(caught.value) == "127.0.0.1 is rate limiting requests"
    assert panel.counts == Counter({"balance": 1})


def http_date(offset: timedelta) -> str:
    """An RFC 9110 HTTP date `offset` from now."""
    return format_datetime(datetime.now(UTC) + offset, usegmt=True)


@pytest.mark.parametrize(
    ("header", "low", "high"),
    [
        ("120", 120.0, 120.0),
        (" 7 ", 7.0, 7.0),
        ("1.5", 1.5, 1.5),
        ("-5", 0.0, 0.0),
        (timedelta(seconds=300), 290.0, 300.0),
        (timedelta(hours=-1), 0.0, 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0, 0.0),
        ("Wed, 21 Oct 2099 07:28:00 -0000", 1.0e9, 2.4e9),
    ],
)
async def test_retry_after_forms(
    raw_client: SmmPanelClient,
    raw_server: RawServer,
    header: str | timedelta,
    low: float,
    high: float,
) -> None:
    """Retry-After as delta-seconds or as an HTTP date (past dates mean now)."""
    if isinstance(header, timedelta):
        header = http_date(header)
    raw_server.reply('{"error": "Too many requests"}', status=429, headers={"Retry-After": header})
    with pytest.raises(SmmRateLimitedError) as caught:
        await raw_client.status("1")
    assert caught.value.retry_after is not None
    assert low <= caught.value.retry_after <= high
    assert len(raw_server.forms) == 1


@pytest.mark.parametrize(
    "header",
    [
        "",
        "soon",
        "NaN",
        "Infinity",
        "1e400",
        "Wed, 21 Oct 99999 07:28:00 GMT",
        "Wed, 21 Oct 2015 07:28:00 +9999",
        "Wed, 21 Oct 2015 07:28:00 +99999999999999999",
    ],
)
async def test_retry_after_unreadable(
    raw_client: SmmPanelClient, raw_server: RawServer, header: str
) -> None:
    """An unreadable Retry-After gives retry_after None, never another exception."""
    raw_server.reply("Too many requests", status=429, headers={"Retry-After": header})
    with pytest.raises(SmmRateLimitedError) as caught:
        await raw_client.balance()
    assert caught.value.retry_after is None


# -- SmmAuthError -----------------------------------------------------------------------------


@pytest.mark.parametrize("error_status_codes", [False, True])
@pytest.mark.parametrize("method", EVERY_METHOD)
async def test_wrong_key(
    running_panel: RunningFakePanel, session: aiohttp.ClientSession, panel: FakePanel,
    scene: Scene, method: str, error_status_codes: bool,
) -> None:  # fmt: skip
    """Every action with a rejected key raises SmmAuthError once, with a generic message."""
    panel.quirks.error_status_codes = error_status_codes
    action, call = EVERY_METHOD[method]
    api = SmmPanelClient(running_panel.url, "not-" + CANARY_KEY, session)
    with pytest.raises(SmmAuthError) as caught:
        await call(api, scene)
    assert str(caught.value) == "The panel rejected the API key"
    assert panel.counts == Counter({action: 1})


@pytest.mark.parametrize(
    "wording",
    [
        "Invalid API key",
        "Incorrect API key",
        "Invalid api key.",
        "invalid_api_key",
        "API key is disabled",
        "Wrong key",
    ],
)
@pytest.mark.parametrize("status", [200, 401, 403])
async def test_key_wordings_over_http(
    raw_client: SmmPanelClient, raw_server: RawServer, wording: str, status: int
) -> None:
    """Each wording, with any status a panel uses for it, is SmmAuthError."""
    raw_server.reply(f'{{"error": "{wording}"}}', status=status)
    with pytest.raises(SmmAuthError):
        await raw_client.services()


# -- SmmInvalidResponseError ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "content_type", "message"),
    [
        ("<html>Just a moment...</html>", 403, "text/html", "Cloudflare challenge page"),
        ("<html>Maintenance</html>", 200, "text/html", "with HTTP 200 and a non-JSON body"),
        ('{"balance": "1.0"', 200, "application/json", "with HTTP 200 and a non-JSON body"),
        ("", 200, "application/json", "with HTTP 200 and a non-JSON body"),
        ('{"balance": "1.0"}', 404, "application/json", "with HTTP 404"),
        ('{"balance": "1.0"}', 302, "application/json", "with HTTP 302"),
        ("[1, 2]", 200, "application/json", "no readable balance"),
    ],
)
async def test_invalid_responses(
    raw_client: SmmPanelClient, raw_server: RawServer, body: str, status: int,
    content_type: str, message: str,
) -> None:  # fmt: skip
    """Pages, broken JSON, JSON with an error status, wrong shapes: SmmInvalidResponseError."""
    raw_server.reply(body, status=status, content_type=content_type)
    with pytest.raises(SmmInvalidResponseError, match=message):
        await raw_client.balance()
    assert len(raw_server.forms) == 1


async def test_redirects_are_not_followed(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """A redirect (which would drop the POST body or leak it elsewhere) is not followed."""
    target = raw_server.url + "?moved=1"
    raw_server.reply("", status=301, headers={"Location": target}, content_type="text/html")
    with pytest.raises(SmmInvalidResponseError):
        await raw_client.balance()
    assert raw_server.queries == [""]


async def test_json_labelled_as_html_is_read(client: SmmPanelClient, panel: FakePanel) -> None:
    """The content type is ignored: JSON sent as text/html is still JSON."""
    panel.quirks.json_as_html = True
    assert (await client.balance()).amount == DEFAULT_BALANCE


async def test_utf8_bom_is_tolerated(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """A UTF-8 byte order mark before the JSON (PHP panels) does not break decoding."""
    raw_server.reply(b'\xef\xbb\xbf{"balance": "5.5", "currency": "EUR"}')
    balance = await raw_client.balance()
    assert (balance.amount, balance.currency) == (Decimal("5.5"), "EUR")


# -- SmmPanelError ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ('{"error": "Incorrect request"}', 200, "Incorrect request"),
        ('{"error": "Incorrect request"}', 400, "Incorrect request"),
        ('{"error": "neworder.error.not_enough_funds"}', 402, "neworder.error.not_enough_funds"),
        ('{"error": {"message": "Incorrect link"}}', 422, "Incorrect link"),
        ('{"error": ""}', 200, "Unknown panel error"),
    ],
)
async def test_panel_errors(
    raw_client: SmmPanelClient, raw_server: RawServer, body: str, status: int, message: str
) -> None:
    """`{"error": text}` with any non-5xx status is SmmPanelError carrying the text."""
    raw_server.reply(body, status=status)
    with pytest.raises(SmmPanelError) as caught:
        await raw_client.add(SERVICE_FOLLOWERS, ADD_FIELDS)
    assert caught.value.panel_message == message
    assert str(caught.value) == message
    assert len(raw_server.forms) == 1


# -- what goes on the wire --------------------------------------------------------------------


async def test_requests_are_form_posts_with_the_key_in_the_body(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """POST, form-encoded, key and action in the body, nothing in the URL."""
    raw_server.reply('{"balance": "1", "currency": "USD"}')
    await raw_client.balance()
    assert raw_server.methods == ["POST"]
    assert raw_server.queries == [""]
    assert raw_server.forms == [{"key": CANARY_KEY, "action": "balance"}]
    assert raw_client.url == raw_server.url
    assert raw_client.host == "127.0.0.1"
