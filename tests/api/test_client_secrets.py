"""The API key never shows: not in logs (any level), exception texts or chains, or repr."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import fields as dataclass_fields, is_dataclass
import json
import logging
import traceback
from typing import Any, cast
from urllib.parse import quote, quote_plus, urlencode

import aiohttp
import pytest

from custom_components.smm_panel.api import (
    REDACTED,
    ItemError,
    OrderStatus,
    SmmAuthError,
    SmmError,
    SmmPanelClient,
    SmmPanelError,
)
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel
from tests.leaks import exception_chain

from .conftest import CANARY_KEY, RawServer, assert_no_key_in_exception
from .test_client_failures import settled
from .test_fuzz_parsing import CannedReply, StubSession

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


# -- a panel that echoes the key everywhere: the client scrubs it -----------------------------

ECHO_KEYS = [
    CANARY_KEY,
    "k+e/y=1&x y-" + CANARY_KEY,
    "ключ-ÿ-🔑-" + CANARY_KEY,
    '<"q">\\' + CANARY_KEY,
]


def forms_of(key: str) -> list[str]:
    """The encodings a panel echoes a key in (and that must never come out of the client)."""
    return list(
        dict.fromkeys([key, quote_plus(key), quote(key, safe=""), urlencode({"k": key})[2:]])
    )


def texts_in(value: object) -> Iterator[str]:
    """Every text reachable from a returned value: fields of models, keys, items, reprs."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif is_dataclass(item) and not isinstance(item, type):
            yield repr(item)
            pending.extend(getattr(item, f.name) for f in dataclass_fields(item))
        elif isinstance(item, dict):
            pending.extend([*item.keys(), *item.values()])
        elif isinstance(item, list | tuple):
            pending.extend(item)
        else:
            yield repr(item)


def assert_clean(value: object, key: str) -> None:
    """No encoding of the key in anything a call returned or raised (attributes included)."""
    if isinstance(value, BaseException):
        for form in forms_of(key):
            assert_no_key_in_exception(value, form)
        printed = "".join(traceback.format_exception(value))
        assert all(form not in printed for form in forms_of(key))
        for link in exception_chain(value):
            assert_clean(list(vars(link).values()), key)
        return
    for text in texts_in(value):
        for form in forms_of(key):
            assert form not in text, (form, text)


def echoing_bodies(form: str, *, every_status: bool = True) -> list[tuple[str, int]]:
    """Answers that quote the key (in the given encoding) in every place a panel could."""
    quoted = f"Incorrect request: key={form}&action=x"
    status = {"status": f"Done {form}", "charge": "1", "remains": form, "currency": form}
    service = {"service": form, "name": form, "type": form, "category": form,
               "description": form, "rate": "1", "min": 1, "max": 2}  # fmt: skip
    answers: list[object] = [
        {"error": quoted},
        {"error": {"message": quoted}},
        {"status": "error", "message": quoted},
        {"error": f"Account suspended: {form}"},
        {"error": f"Invalid API key {form}"},
        {"error": f"Rate limit exceeded for {form}"},
        {"order": form, "error": quoted},
        {"order": f"o{form}", "status": "success"},
        {"order": 5, "error": quoted},
        {"balance": "1", "currency": form},
        [service, {**service, "service": 2}],
        {"services": [service]},
        {"1": status, "2": {"error": quoted}, form: status},
        {"1": f"Bare {form}", "2": {"error": {"error": quoted}}},
        [status, {"status": "error", "message": quoted}],
        status,
        {"refill": f"r{form}"},
        [{"order": 1, "refill": f"r{form}"}, {"order": 2, "refill": {"error": quoted}}],
        [{"refill": 1, "status": {"status": form}}, {"refill": 2, "error": quoted}],
        {"status": {"status": f"S{form}"}},
        [{"order": 1, "cancel": form}, {"order": 2, "error": quoted}],
        {form: {form: [form, {form: form}]}},
    ]
    codes = (200, 403, 422) if every_status else (200,)
    replies = [(json.dumps(answer), code) for answer in answers for code in codes]
    if not every_status:
        replies += [(json.dumps(answer), 403) for answer in answers[:6]]
    html = f"<html><title>Just a moment...</title><p>{quoted}</p></html>"
    replies += [(html, code) for code in (200, 403, 429, 503)]
    return replies


async def call_all(api: SmmPanelClient) -> list[object]:
    """Every public method once: what each returned or raised."""
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: api.balance(),
        lambda: api.services(),
        lambda: api.add("1", {"link": "https://x.test/1", "quantity": 10}),
        lambda: api.status("1"),
        lambda: api.status_many(["1", "2"]),
        lambda: api.refill("1"),
        lambda: api.refill_many(["1", "2"]),
        lambda: api.refill_status("1"),
        lambda: api.refill_status_many(["1", "2"]),
        lambda: api.cancel_many(["1", "2"]),
    ]
    outcomes: list[object] = []
    for call in calls:
        try:
            outcomes.append(await call())
        except SmmError as err:
            outcomes.append(err)
    return outcomes


def check_echo_outcomes(seen: list[object], key: str) -> None:
    """Nothing shows the key; the marker shows it was there; every kind of error was met."""
    for outcome in seen:
        assert_clean(outcome, key)
    results = [o for o in seen if not isinstance(o, BaseException)]
    raised = [o for o in seen if isinstance(o, BaseException)]
    assert REDACTED in "".join(texts_in(results))
    assert any(REDACTED in str(err) for err in raised)
    kinds = {type(err).__name__ for err in raised}
    assert kinds >= {"SmmAuthError", "SmmPanelError", "SmmRateLimitedError",
                     "SmmInvalidResponseError", "SmmConnectionError"}  # fmt: skip


async def test_echoed_key_never_leaves_the_client(
    raw_server: RawServer,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Over HTTP, a key that URL-encodes, echoed plain and encoded in every place."""
    caplog.set_level(logging.DEBUG)
    key = ECHO_KEYS[1]
    api = SmmPanelClient(raw_server.url, key, session)
    seen: list[object] = []
    for form in forms_of(key):
        for text, status in echoing_bodies(form, every_status=False):
            raw_server.reply(text, status=status)
            seen.extend(await call_all(api))
    assert {form["key"] for form in raw_server.forms} == {key}
    check_echo_outcomes(seen, key)
    assert all(form not in caplog.text for form in forms_of(key))


@pytest.mark.parametrize("key", ECHO_KEYS, ids=range(len(ECHO_KEYS)))
async def test_echoed_key_with_any_status(key: str, caplog: pytest.LogCaptureFixture) -> None:
    """Every awkward key, every encoding, every status (in memory, for speed)."""
    caplog.set_level(logging.DEBUG)
    session = StubSession()
    api = SmmPanelClient("http://127.0.0.1:9/api/v2", key, cast("aiohttp.ClientSession", session))
    seen: list[object] = []
    for form in forms_of(key):
        for text, status in echoing_bodies(form):
            session.reply = CannedReply(body=text.encode(), status=status)
            seen.extend(await call_all(api))
    assert {form["key"] for form in session.sent} == {key}
    check_echo_outcomes(seen, key)
    assert all(form not in caplog.text for form in forms_of(key))


async def test_echoed_key_in_each_returned_field(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """Field by field: the scrubbed text is the panel's text with the marker in place."""
    form = quote_plus(CANARY_KEY)
    raw_server.reply(
        json.dumps({"order": 7, "error": f"key={CANARY_KEY}"}),
        json.dumps({"balance": "2", "currency": f"U{form}"}),
        json.dumps({"1": {"status": f"S {CANARY_KEY}", "currency": form},
                    "2": f"Bad {CANARY_KEY}"}),
        json.dumps({"error": f"Account suspended ({form})"}),
        json.dumps({"status": "error", "message": f"Incorrect request: {CANARY_KEY}"}),
    )  # fmt: skip
    placed = await raw_client.add("1", {"link": "x"})
    assert (placed.order_id, placed.warning) == ("7", f"key={REDACTED}")
    assert (await raw_client.balance()).currency == f"U{REDACTED}"
    statuses = await raw_client.status_many(["1", "2"])
    first = statuses["1"]
    assert isinstance(first, OrderStatus)
    assert (first.raw_status, first.currency) == (f"S {REDACTED}", REDACTED)
    assert statuses["2"] == ItemError(item_id="2", error=f"Bad {REDACTED}")
    with pytest.raises(SmmAuthError) as account:
        await raw_client.balance()
    assert account.value.panel_message == f"Account suspended ({REDACTED})"
    with pytest.raises(SmmPanelError) as refused:
        await raw_client.balance()
    assert refused.value.panel_message == f"Incorrect request: {REDACTED}"
    assert str(refused.value) == f"Incorrect request: {REDACTED}"


async def test_empty_key_scrubs_nothing(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """With no key there is nothing to hide: the panel's texts come through untouched."""
    api = SmmPanelClient(raw_server.url, "", session)
    raw_server.reply('{"error": "Invalid API key"}', '{"balance": "1", "currency": ""}')
    with pytest.raises(SmmAuthError):
        await api.balance()
    assert (await api.balance()).currency is None
    assert raw_server.forms[0]["key"] == ""


@pytest.mark.parametrize("method", ["balance", "add"])
async def test_aiohttp_errors_quoting_the_reply_are_not_chained(
    session: aiohttp.ClientSession, socket_enabled: None, method: str
) -> None:
    """A broken reply echoing the key makes aiohttp quote it: that exception is dropped."""

    async def broken(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.write(b"HTTP/1.1 2x0 key=" + CANARY_KEY.encode() + b"\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(broken, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    api = SmmPanelClient(f"http://127.0.0.1:{port}/api/v2", CANARY_KEY, session)
    try:
        call = api.add("1", {"link": "x"}) if method == "add" else api.balance()
        with pytest.raises(SmmError) as caught:
            await call
    finally:
        server.close()
        await server.wait_closed()
    assert_clean(caught.value, CANARY_KEY)
    assert "ClientResponseError" in "".join(str(e) for e in exception_chain(caught.value))
    assert not any(isinstance(e, aiohttp.ClientError) for e in exception_chain(caught.value))
