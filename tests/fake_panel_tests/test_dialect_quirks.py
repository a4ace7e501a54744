"""The dialect quirks one at a time, for the cases the dialect tables do not reach."""

from __future__ import annotations

import time

import pytest

from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_SUBSCRIPTIONS,
    FakePanel,
    Fault,
)

from .conftest import Api

LINK = "https://instagram.com/someone"
ADD = {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": "100"}
SUBSCRIPTION = {"username": "someone", "min": "100", "max": "200", "delay": "0"}


async def test_status_success_on_a_single_refill(api: Api, fake: FakePanel) -> None:
    """The single refill answer of the template shape gets ``status`` too."""
    fake.quirks.status_success = True
    done = fake.create_order(SERVICE_FOLLOWERS, LINK, status="Completed")
    assert await api.call("refill", order=done) == {"status": "success", "refill": "1"}


async def test_created_status_alone(api: Api, fake: FakePanel) -> None:
    """201 for a placed order, 422 for a refused one; a wrong key or other errors stay 200."""
    fake.quirks.created_status = True
    assert (await api.post("add", **ADD)).status == 201
    refused = await api.post("add", **{**ADD, "service": "999"})
    assert (refused.status, refused.json) == (422, {"error": "Incorrect service ID"})
    assert (await api.post("add", **ADD, key="wrong")).status == 200
    assert (await api.post("status", order="1")).status == 200
    assert (await api.post("balance")).status == 200


async def test_empty_catalogue(api: Api, fake: FakePanel) -> None:
    """An empty list is ``[]`` on the template, the success text on panels that say so."""
    fake.catalogue = {}
    assert await api.call("services") == []
    fake.quirks.empty_catalogue_as_text = True
    assert await api.call("services") == {"status": "success", "data": "Empty Data"}


async def test_pretty_json_alone(api: Api, fake: FakePanel) -> None:
    """Indented like PHP's JSON_PRETTY_PRINT, still labelled JSON, slashes escaped."""
    fake.quirks.pretty_json = True
    reply = await api.post("add", **{**ADD, "link": "bad link"})
    assert reply.content_type == "application/json"
    assert reply.text == '{\n    "error": "Incorrect link"\n}'
    fake.quirks.error_texts = {"Incorrect link": "Bad link: use https://"}
    assert "https:\\/\\/" in (await api.post("add", **{**ADD, "link": "bad link"})).text
    fake.catalogue = {}
    assert (await api.post("services")).text == "[]"


async def test_single_refill_bulk_shape_refusal(api: Api, fake: FakePanel) -> None:
    """A refused single refill in the bulk shape is that row's error."""
    fake.quirks.single_refill_bulk_shape = True
    assert await api.call("refill", order="7") == [
        {"order": 7, "refill": {"error": "Incorrect order ID"}}
    ]


@pytest.mark.parametrize(
    ("balance", "shown"),
    [
        ("1234.565", "1,234.57"),
        ("1234567.891", "1,234,567.89"),
        ("100.84292", "100.84"),
        ("0", "0.00"),
    ],
)
async def test_thousands_separators(api: Api, fake: FakePanel, balance: str, shown: str) -> None:
    """Two decimals rounded half up, comma thousands; a string even where numbers are numbers."""
    fake.quirks.thousands_separators = True
    fake.quirks.numbers_as_strings = False
    fake.balance = balance
    assert await api.call("balance") == {"balance": shown, "currency": "USD"}
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, 1000, charge="1234.5")
    assert (await api.call("status", order=order))["charge"] == 1234.5


async def test_rate_limit_as_200(api: Api, fake: FakePanel) -> None:
    """HTTP 200 with the lax panels' text, labelled as the panel labels JSON; no header."""
    fake.quirks.rate_limit_as_200 = True
    fake.quirks.json_as_html = True
    fake.inject(Fault.RATE_LIMITED, retry_after=30)
    reply = await api.post("status", order="1")
    assert (reply.status, reply.content_type) == (200, "text/html")
    assert reply.json == {"error": "Rate limit exceeded. Slow down."}
    assert "Retry-After" not in reply.headers


async def test_rate_limit_reset_header(api: Api, fake: FakePanel) -> None:
    """429 with X-RateLimit-Reset = now + retry_after (unix time), no Retry-After."""
    fake.quirks.rate_limit_reset_header = True
    fake.quirks.status_message_errors = True
    fake.inject(Fault.RATE_LIMITED, retry_after=30)
    fake.inject(Fault.RATE_LIMITED)
    before = time.time()
    first = await api.post("balance")
    assert first.status == 429
    assert "Retry-After" not in first.headers
    assert before + 30 <= int(first.headers["X-RateLimit-Reset"]) <= time.time() + 31
    assert first.json == {
        "status": "error",
        "message": "Too many requests. Please try again later.",
    }
    second = await api.post("balance")
    assert second.status == 429
    assert "X-RateLimit-Reset" not in second.headers


async def test_minimal_actions_with_status_codes(api: Api, fake: FakePanel) -> None:
    """``This action is Invalid`` is a 400 on strict panels; the key is checked first."""
    fake.quirks.minimal_actions = True
    fake.quirks.error_status_codes = True
    reply = await api.post("cancel", orders="1")
    assert (reply.status, reply.json) == (400, {"error": "This action is Invalid"})
    assert (await api.post("cancel", orders="1", key="wrong")).status == 401
    assert (await api.post("balance")).status == 200


async def test_active_subscriptions(api: Api, fake: FakePanel) -> None:
    """Pending, then Active with its child orders, then Completed; absent fields are null."""
    fake.quirks.subscription_active = True
    order = (await api.call("add", service=SERVICE_SUBSCRIPTIONS, **SUBSCRIPTION))["order"]
    pending = await api.call("status", order=str(order))
    assert (pending["status"], pending["orders"]) == ("Pending", [])
    assert (pending["posts"], pending["expiry"]) == (None, None)
    fake.advance(120)
    running = await api.call("status", order=str(order))
    assert (running["status"], running["orders"]) == ("Active", [int(f"{order}01")])
    fake.advance(1000)
    done = await api.call("status", order=str(order))
    assert (done["status"], done["orders"]) == ("Completed", [int(f"{order}01")])


async def test_drip_feed_children(api: Api, fake: FakePanel) -> None:
    """A drip-feed parent lists a child per run started; one that never started, none."""
    fake.quirks.subscription_active = True
    fake.quirks.string_ids = True
    fresh = fake.create_order(SERVICE_LIKES_DRIPFEED, LINK, 100, runs=2, interval=5)
    private = fake.create_order(SERVICE_LIKES_DRIPFEED, LINK + "/private", 100, runs=2,
                                interval=5, age=61)  # fmt: skip
    done = fake.create_order(SERVICE_LIKES_DRIPFEED, LINK + "/x", 100, runs=2, interval=5,
                             status="Completed")  # fmt: skip
    plain = fake.create_order(SERVICE_FOLLOWERS, LINK + "/y", 100)
    bulk = await api.call("status", orders=f"{fresh},{private},{done},{plain}")
    assert (bulk[fresh]["runs"], bulk[fresh]["orders"]) == ("2", [])
    assert (bulk[private]["status"], bulk[private]["orders"]) == ("Canceled", [])
    assert bulk[done]["orders"] == [f"{done}01", f"{done}02"]
    assert "orders" not in bulk[plain]
    assert "runs" not in bulk[plain]


async def test_status_extras_with_other_quirks(api: Api, fake: FakePanel) -> None:
    """``order`` follows the id quirks; the 11-decimal charge is a number whatever they say."""
    fake.quirks.status_extras = True
    fake.quirks.string_ids = True
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, 100, charge="12.3")
    reply = await api.post("status", orders=order)
    assert reply.text.startswith(f'{{"{order}":{{"order":"{order}","charge":12.30000000000,')
    assert reply.json[order]["charge"] == 12.3


async def test_status_without_currency(api: Api, fake: FakePanel) -> None:
    """Status objects lose ``currency``; the balance keeps it."""
    fake.quirks.status_without_currency = True
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, 100)
    assert "currency" not in await api.call("status", order=order)
    assert await api.call("balance") == {"balance": "100.84292", "currency": "USD"}


async def test_error_text_templates_and_reasons(api: Api, fake: FakePanel) -> None:
    """A ``{}`` template matches the text's number; a reason beats the shared text."""
    fake.quirks.error_texts = {
        "Quantity more than maximum {}": "Max is {}!",
        "Quantity less than {} minimal": "never matches",
        "Order not eligible for refill.": "No refill.",
        "refill_disabled": "Refill is off.",
    }
    too_many = await api.call("add", **{**ADD, "quantity": "20000"})
    assert too_many == {"error": "Max is 10000!"}
    too_few = await api.call("add", **{**ADD, "quantity": "1"})
    assert too_few == {"error": "Quantity less than minimal 50"}
    running = fake.create_order(SERVICE_FOLLOWERS, LINK, 100)
    no_refill = fake.create_order(SERVICE_LIKES_DRIPFEED, LINK, 100, status="Completed")
    assert await api.call("refill", orders=f"{running},{no_refill}") == [
        {"order": int(running), "refill": {"error": "No refill."}},
        {"order": int(no_refill), "refill": {"error": "Refill is off."}},
    ]
