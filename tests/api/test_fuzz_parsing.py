"""Property tests: whatever a panel answers, only the client's own SmmError types escape.

The answers go through the client's real `_post` → `_decode` → per-action parsing, with a tiny
in-memory stand-in for the aiohttp session (HTTP per example would be slow); a handful of
arbitrary bodies also go over real HTTP in test_client_http_fuzz.py.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
import json
from typing import cast

import aiohttp
from hypothesis import HealthCheck, example, given, settings, strategies as st

from custom_components.smm_panel.api import (
    Balance,
    CancelRequested,
    ItemError,
    OrderStatus,
    PlacedOrder,
    RefillCreated,
    RefillStatus,
    Service,
    SmmError,
    SmmPanelClient,
    SmmRateLimitedError,
    answers,
)

from .conftest import CANARY_KEY, assert_no_key_in_exception

FUZZ_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- a stand-in for aiohttp.ClientSession: answers every POST with the canned reply -------


@dataclass
class CannedReply:
    """What the stand-in session answers."""

    body: bytes = b"{}"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class _StubResponse:
    def __init__(self, reply: CannedReply) -> None:
        self.status = reply.status
        self.headers = reply.headers
        self._body = reply.body

    async def read(self) -> bytes:
        return self._body


class StubSession:
    """Just enough of aiohttp.ClientSession for SmmPanelClient._post."""

    def __init__(self) -> None:
        self.reply = CannedReply()
        self.sent: list[dict[str, str]] = []

    @asynccontextmanager
    async def post(
        self, url: str, *, data: Mapping[str, str], **options: object
    ) -> AsyncIterator[_StubResponse]:
        """Record the form and answer the canned reply."""
        assert options["allow_redirects"] is False
        assert isinstance(options["timeout"], aiohttp.ClientTimeout)
        assert CANARY_KEY not in url
        self.sent.append(dict(data))
        yield _StubResponse(self.reply)


def stub_client() -> tuple[SmmPanelClient, StubSession]:
    """A client whose every request is answered by a StubSession."""
    session = StubSession()
    api = SmmPanelClient(
        "http://127.0.0.1:9/api/v2", CANARY_KEY, cast("aiohttp.ClientSession", session)
    )
    return api, session


# -- strategies -----------------------------------------------------------------------------

INTERESTING_TEXTS = [
    "",
    " ",
    "0",
    "1",
    "2",
    " 1 ",
    "-1",
    "0.27819",
    "100.84292",
    "1e3",
    "1e999999",
    "-1e-999999",
    "NaN",
    "Infinity",
    "Unknown",
    "true",
    "false",
    "USD",
    "Completed",
    "Cancelled",
    "In progress",
    "Invalid API key",
    "Incorrect order ID",
    "ord_5bd",
    "١٢٣",
    "\x00",
    "\ud800",
]
INTERESTING_KEYS = [
    "error",
    "message",
    "balance",
    "currency",
    "services",
    "service",
    "name",
    "type",
    "category",
    "rate",
    "min",
    "max",
    "refill",
    "cancel",
    "dripfeed",
    "description",
    "order",
    "status",
    "charge",
    "start_count",
    "remains",
    "1",
    "2",
    " 1 ",
    "",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(INTERESTING_TEXTS),
)
keys = st.one_of(st.sampled_from(INTERESTING_KEYS), st.text(max_size=6))
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=40,
)


def nested(depth: int, kind: str) -> object:
    """A value nested `depth` levels deep in lists or single-key objects."""
    value: object = "x"
    for _ in range(depth):
        value = [value] if kind == "list" else {"error": value}
    return value


deep_values = st.builds(
    nested, st.integers(min_value=1, max_value=9000), st.sampled_from(["list", "dict"])
)
wrappers: list[Callable[[object], object]] = [
    lambda v: v,
    lambda v: {"error": v},
    lambda v: {"error": {"message": v}},
    lambda v: {"balance": v, "currency": v},
    lambda v: {"services": v},
    lambda v: [v, {"service": 1, "rate": v, "min": 1, "max": 2}],
    lambda v: {"order": v, "refill": v, "status": v},
    lambda v: {"1": v, "2": {"status": v, "error": v}},
    lambda v: [{"order": 1, "refill": v, "cancel": v}, {"refill": 2, "status": v}],
]
wrapped_values = st.builds(
    lambda wrap, value: wrap(value), st.sampled_from(wrappers), json_values | deep_values
)
any_json = st.one_of(json_values, wrapped_values)


def encode(value: object, how: str) -> bytes:
    """JSON text of `value` in one of the encodings panels have been seen to use."""
    text = json.dumps(value)
    if how == "bom":
        return codecs.BOM_UTF8 + text.encode()
    if how == "utf-16":
        return text.encode("utf-16")
    return text.encode("utf-8", "surrogatepass")


DEEP_LIST = b"[" * 100_000 + b"]" * 100_000
DEEP_ERROR = b'{"error": ' + b"[" * 9990 + b"]" * 9990 + b"}"
HUGE_INT = b'{"balance": ' + b"9" * 5000 + b"}"
CURATED_BODIES = [
    b"",
    b" ",
    b"null",
    b"0",
    b"[]",
    b"{}",
    b'"text"',
    b"{",
    b'{"balance": "1.0"',
    b"<!DOCTYPE html><html><title>Just a moment...</title></html>",
    b"<html><body>502 Bad Gateway</body></html>",
    codecs.BOM_UTF8 + b'{"balance": "1.5"}',
    b"\xff\xfe\x00\x00",
    b"\x00\x00\x00{",
    b'{"balance": NaN}',
    b'{"balance": Infinity, "currency": -Infinity}',
    DEEP_LIST,
    DEEP_ERROR,
    HUGE_INT,
]
bodies = st.one_of(
    st.builds(encode, any_json, st.sampled_from(["utf-8", "bom", "utf-16"])),
    st.binary(max_size=300),
    st.sampled_from(CURATED_BODIES),
)
statuses = st.sampled_from([200, 200, 200, 201, 301, 400, 401, 402, 403, 404, 422, 429, 500])
retry_afters = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(
        [
            "120",
            "-5",
            "1.5",
            "1e400",
            "NaN",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015 07:28:00 -0000",
            "Wed, 21 Oct 2015 07:28:00 +9999",
            "Wed, 21 Oct 2015 07:28:00 +99999999999999999",
            "Wed, 21 Oct 99999 07:28:00 GMT",
        ]
    ),
)


# -- what every public method may return --------------------------------------------------


def check_balance(result: object) -> None:
    assert isinstance(result, Balance)
    assert isinstance(result.amount, Decimal)
    assert result.amount.is_finite()
    assert result.currency is None or (isinstance(result.currency, str) and result.currency)


def check_services(result: object) -> None:
    assert isinstance(result, list)
    for item in result:
        assert isinstance(item, Service)
        assert isinstance(item.service_id, str)
        assert item.service_id
        assert isinstance(item.rate, Decimal)
        assert item.rate.is_finite()
        assert type(item.min) is int
        assert type(item.max) is int
        assert all(type(flag) is bool for flag in (item.refill, item.cancel, item.dripfeed))


def check_id(result: object) -> None:
    assert isinstance(result, str)
    assert result
    assert result == result.strip()


def check_placed(result: object) -> None:
    assert isinstance(result, PlacedOrder)
    check_id(result.order_id)
    assert len(result.order_id) <= 100
    assert not any(c.isspace() or c == "," for c in result.order_id)
    assert result.order_id.strip("0") not in ("", "-")
    assert result.warning is None or (isinstance(result.warning, str) and result.warning)


def check_order_status(result: object) -> None:
    assert isinstance(result, OrderStatus)
    assert result.order_id == "1"
    assert result.raw_status
    assert result.charge is None or result.charge.is_finite()
    assert result.remains is None or type(result.remains) is int
    assert result.start_count is None or type(result.start_count) is int


def check_refill_status(result: object) -> None:
    assert isinstance(result, RefillStatus)
    assert result.refill_id == "1"
    assert result.raw_status


def check_keyed(allowed: type) -> Callable[[object], None]:
    """A bulk answer has exactly the deduplicated ids asked for, each a result or an error."""

    def check(result: object) -> None:
        assert isinstance(result, dict)
        assert set(result) == {"1", "2"}
        for item_id, item in result.items():
            assert isinstance(item, allowed | ItemError)
            if isinstance(item, ItemError):
                assert item.item_id == item_id
                assert item.error
            elif isinstance(item, RefillCreated):
                assert item.order_id == item_id
                check_id(item.refill_id)
            elif isinstance(item, CancelRequested | OrderStatus):
                assert item.order_id == item_id
            else:
                assert isinstance(item, RefillStatus)
                assert item.refill_id == item_id

    return check


def check_error(err: SmmError) -> None:
    """An error keeps the key out of its chain; a Retry-After is a sane number of seconds."""
    assert_no_key_in_exception(err)
    if isinstance(err, SmmRateLimitedError) and err.retry_after is not None:
        assert 0.0 <= err.retry_after < float("inf")


BULK_IDS = ["1", " 2 ", "", "1", "  "]
type Method = tuple[str, Callable[[SmmPanelClient], Awaitable[object]], Callable[[object], None]]
METHODS: list[Method] = [
    ("balance", lambda c: c.balance(), check_balance),
    ("services", lambda c: c.services(), check_services),
    ("add", lambda c: c.add("1", {"link": "https://x.test/p", "quantity": 100}), check_placed),
    ("status", lambda c: c.status("1"), check_order_status),
    ("status_many", lambda c: c.status_many(BULK_IDS), check_keyed(OrderStatus)),
    ("refill", lambda c: c.refill("1"), check_id),
    ("refill_many", lambda c: c.refill_many(BULK_IDS), check_keyed(RefillCreated)),
    ("refill_status", lambda c: c.refill_status("1"), check_refill_status),
    (
        "refill_status_many",
        lambda c: c.refill_status_many(BULK_IDS),
        check_keyed(RefillStatus),
    ),
    ("cancel_many", lambda c: c.cancel_many(BULK_IDS), check_keyed(CancelRequested)),
]


async def call_and_check(api: SmmPanelClient, method: Method) -> None:
    """Call one public method: a well-formed result or an SmmError, nothing else."""
    _name, call, check = method
    try:
        result = await call(api)
    except SmmError as err:
        check_error(err)
    else:
        check(result)


async def call_every_method(reply: CannedReply) -> None:
    """Each public method returns a well-formed result or raises an SmmError, nothing else."""
    api, session = stub_client()
    session.reply = reply
    for method in METHODS:
        await call_and_check(api, method)
    assert session.sent, "the stub was never asked"
    assert all(form["key"] == CANARY_KEY for form in session.sent)


@FUZZ_SETTINGS
@given(body=bodies, status=statuses, retry_after=retry_afters)
@example(
    body=b'{"balance": "1"}', status=429, retry_after="Wed, 21 Oct 2015 07:28:00 +99999999999999999"
)
@example(body=DEEP_LIST, status=200, retry_after=None)
@example(body=DEEP_ERROR, status=200, retry_after=None)
@example(body=HUGE_INT, status=200, retry_after=None)
@example(body=b'{"1": ' + b"[" * 9000 + b"]" * 9000 + b"}", status=200, retry_after=None)
async def test_arbitrary_answers_raise_only_smm_errors(
    body: bytes, status: int, retry_after: str | None
) -> None:
    """Bytes, JSON of any shape or depth, any status and Retry-After: only SmmError escapes."""
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    await call_every_method(CannedReply(body=body, status=status, headers=headers))


def result_id(result: object) -> str | None:
    """The id a per-item reader attached to its result."""
    for name in ("item_id", "order_id", "refill_id"):
        if isinstance(found := getattr(result, name, None), str):
            return found
    return None


@FUZZ_SETTINGS
@given(value=any_json)
def test_decode_and_item_readers_raise_only_smm_errors(value: object) -> None:
    """The decoder and every per-item reader take any decoded JSON value in stride."""
    api, _ = stub_client()
    try:
        decoded = api._decode("status", 200, {}, encode(value, "utf-8"))
    except SmmError as err:
        assert_no_key_in_exception(err)
    else:
        assert json.dumps(decoded.data, default=float) == json.dumps(value)
    for reader in (
        answers.order_status,
        answers.refill_status,
        answers.refill_created,
        answers.cancel_requested,
    ):
        assert result_id(reader("7", value)) == "7"
    service = answers._service(value)
    assert service is None or isinstance(service, Service)
    for field_name in ("order", "refill"):
        try:
            keyed = answers.keyed(value, field_name, ["7"])
        except SmmError as err:
            assert_no_key_in_exception(err)
        else:
            assert "7" in keyed
            assert all(isinstance(name, str) and name for name in keyed)
