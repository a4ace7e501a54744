"""The dialects of real panel software (PROTOCOL.md §8), each over real HTTP with exact bodies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
import json
import time

import pytest

from custom_components.smm_panel.api import (
    Balance,
    CancelRequested,
    ItemError,
    OrderState,
    OrderStatus,
    RefillState,
    RefillStatus,
    Service,
    SmmAuthError,
    SmmConnectionError,
    SmmError,
    SmmInvalidResponseError,
    SmmPanelClient,
    SmmPanelError,
    SmmRateLimitedError,
)

from .conftest import RawReply, RawServer

type Call = Callable[[SmmPanelClient], Awaitable[object]]

SINGLE_CALLS: dict[str, Call] = {
    "balance": lambda c: c.balance(),
    "services": lambda c: c.services(),
    "status": lambda c: c.status("1"),
    "refill": lambda c: c.refill("1"),
    "refill_status": lambda c: c.refill_status("1"),
    "status_many": lambda c: c.status_many(["1", "2"]),
    "refill_status_many": lambda c: c.refill_status_many(["1", "2"]),
}


def body(value: object) -> str:
    """Compact JSON text."""
    return json.dumps(value)


# -- "status": "success" beside the usual fields ----------------------------------------------


async def test_status_success_beside_the_usual_fields(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """Balance and refill answers with `"status": "success"` read as usual."""
    raw_server.reply(
        body({"status": "success", "balance": "12.50", "currency": "USD"}),
        body({"status": "success", "refill": "77"}),
        body({"status": "success", "refill": 78}),
    )
    assert await raw_client.balance() == Balance(amount=Decimal("12.50"), currency="USD")
    assert await raw_client.refill("1") == "77"
    assert await raw_client.refill("1") == "78"


async def test_a_single_status_is_a_real_status(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """In a `status` answer, `status` is the order's (even an unknown word such as success)."""
    raw_server.reply(body({"status": "Success", "charge": "1"}))
    status = await raw_client.status("1")
    assert (status.state, status.raw_status) == (OrderState.UNKNOWN, "Success")


# -- errors as {"status": "error", "message": ...} --------------------------------------------


@pytest.mark.parametrize("status", [200, 400, 422])
@pytest.mark.parametrize("method", SINGLE_CALLS)
async def test_status_error_message(
    raw_client: SmmPanelClient, raw_server: RawServer, method: str, status: int
) -> None:
    """`{"status": "error", "message": text}` is the panel's error with that text."""
    raw_server.reply(body({"status": "error", "message": "Incorrect request"}), status=status)
    with pytest.raises(SmmPanelError) as caught:
        await SINGLE_CALLS[method](raw_client)
    assert caught.value.panel_message == "Incorrect request"
    assert len(raw_server.forms) == 1


@pytest.mark.parametrize("method", ["refill_many", "cancel_many"])
async def test_status_error_message_per_order(
    raw_client: SmmPanelClient, raw_server: RawServer, method: str
) -> None:
    """For refill and cancel, a batch refused that way is reported for each of its orders."""
    raw_server.reply(body({"status": "fail", "message": "Order not found"}))
    call = raw_client.refill_many if method == "refill_many" else raw_client.cancel_many
    assert await call(["1", "2"]) == {
        "1": ItemError(item_id="1", error="Order not found"),
        "2": ItemError(item_id="2", error="Order not found"),
    }


async def test_an_order_status_of_error_is_no_error(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """An order whose status is "Error" (with its counts) is a failed order, not an error."""
    raw_server.reply(body({"status": "Error", "message": "Link removed", "charge": "0.1"}))
    status = await raw_client.status("1")
    assert (status.state, status.charge) == (OrderState.FAILED, Decimal("0.1"))


# -- key errors and account refusals ----------------------------------------------------------

KEY_TEXTS = [
    "   API is Disable for this user or User Not Found! Contact the Support   ",
    "User not found",
    "invalid API key",
]
ACCOUNT_TEXTS = ["Account suspended", "Your account has been suspended."]


@pytest.mark.parametrize("shape", ["error", "status-message"])
@pytest.mark.parametrize("status", [200, 401, 403])
@pytest.mark.parametrize("text", KEY_TEXTS)
async def test_key_texts_without_the_word_key(
    raw_client: SmmPanelClient, raw_server: RawServer, text: str, status: int, shape: str
) -> None:
    """Key rejections however worded: SmmAuthError without a panel message (reauth)."""
    answer = {"error": text} if shape == "error" else {"status": "error", "message": text}
    raw_server.reply(body(answer), status=status)
    with pytest.raises(SmmAuthError) as caught:
        await raw_client.balance()
    assert caught.value.panel_message is None
    assert str(caught.value) == "The panel rejected the API key"


@pytest.mark.parametrize("status", [200, 401, 403])
@pytest.mark.parametrize("text", ACCOUNT_TEXTS)
async def test_account_refusals(
    raw_client: SmmPanelClient, raw_server: RawServer, text: str, status: int
) -> None:
    """An account-level refusal: SmmAuthError with the panel's text to show."""
    raw_server.reply(body({"error": text}), status=status)
    with pytest.raises(SmmAuthError) as caught:
        await raw_client.status_many(["1"])
    assert caught.value.panel_message == text
    assert text in str(caught.value)


@pytest.mark.parametrize("status", [401, 403])
async def test_any_json_error_with_401_or_403_refuses_the_account(
    raw_client: SmmPanelClient, raw_server: RawServer, status: int
) -> None:
    """HTTP 401/403 with a JSON error that is no key text: the account, with its text."""
    raw_server.reply(body({"status": "error", "message": "IP not whitelisted"}), status=status)
    with pytest.raises(SmmAuthError) as caught:
        await raw_client.services()
    assert caught.value.panel_message == "IP not whitelisted"


@pytest.mark.parametrize(
    ("text", "error", "ids"),
    [
        pytest.param("Account suspended", SmmAuthError, ["1"], id="account"),
        pytest.param("Rate limit exceeded. Slow down.", SmmRateLimitedError, ["1", "2"], id="rate"),
    ],
)
@pytest.mark.parametrize("method", ["refill_many", "cancel_many"])
async def test_bulk_write_refusal_raises(
    raw_client: SmmPanelClient,
    raw_server: RawServer,
    method: str,
    text: str,
    error: type[SmmError],
    ids: list[str],
) -> None:
    """An account refusal, or a rate limit on every batch, raises: never an error per order."""
    raw_server.reply(body({"error": text}))
    call = raw_client.refill_many if method == "refill_many" else raw_client.cancel_many
    with pytest.raises(error):
        await call(ids)


# -- HTTP 201 and 422 ---------------------------------------------------------------------------


async def test_success_with_201(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """A 2xx other than 200 is an answer like any other."""
    raw_server.reply(body({"balance": "3", "currency": "EUR"}), status=201)
    assert await raw_client.balance() == Balance(amount=Decimal(3), currency="EUR")


async def test_refusal_with_422(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """A 422 with a JSON error body is read by the body."""
    raw_server.reply(body({"error": "Invalid Link"}), status=422)
    with pytest.raises(SmmPanelError, match=r"^Invalid Link$"):
        await raw_client.refill("1")


# -- the catalogue: empty, wrapped --------------------------------------------------------------

FOLLOWERS = {"service": 1, "name": "F", "type": "Default", "category": "C", "rate": "0.9",
             "min": 10, "max": 100}  # fmt: skip


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "success", "data": "Empty Data"},
        {"status": "success", "data": "No services found"},
        {"status": "Success", "data": ""},
        {"status": "success", "data": None},
        {"status": True, "data": {}},
        {"status": "success", "data": []},
        {"services": []},
        [],
    ],
)
async def test_empty_catalogue(
    raw_client: SmmPanelClient, raw_server: RawServer, answer: object
) -> None:
    """Every way of saying the catalogue is empty: zero services, not a broken panel."""
    raw_server.reply(body(answer))
    assert await raw_client.services() == []


@pytest.mark.parametrize(
    "answer",
    [
        {"data": "Empty Data"},
        {"status": "error-ish", "data": "Empty Data"},
        {"status": "success", "data": "Maintenance"},
        {"status": "success", "data": 0},
        {"status": "success"},
    ],
)
async def test_not_a_catalogue(
    raw_client: SmmPanelClient, raw_server: RawServer, answer: object
) -> None:
    """Without a success status, or with data that is neither a list nor empty: invalid."""
    raw_server.reply(body(answer))
    with pytest.raises(SmmInvalidResponseError):
        await raw_client.services()


async def test_catalogue_wrapped_in_data(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """`{"status": "success", "data": [...]}` reads like the bare list."""
    raw_server.reply(body({"status": "success", "data": [FOLLOWERS]}))
    assert await raw_client.services() == [
        Service(service_id="1", name="F", type="Default", category="C", rate=Decimal("0.9"),
                min=10, max=100, refill=False, cancel=False, dripfeed=False)
    ]  # fmt: skip


# -- pretty-printed JSON labelled text/html -----------------------------------------------------


async def test_pretty_json_as_html(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """PHP's JSON_PRETTY_PRINT, no content type (text/html): JSON all the same."""
    pretty = json.dumps({"balance": "100.84292", "currency": "USD"}, indent=4)
    raw_server.reply(pretty + "\n", content_type="text/html")
    assert await raw_client.balance() == Balance(amount=Decimal("100.84292"), currency="USD")


# -- bulk status: bare item errors, lists without ids -------------------------------------------

COMPLETED = {"status": "Completed", "charge": "0.5", "start_count": "1", "remains": "0"}


def completed(order_id: str) -> OrderStatus:
    """The OrderStatus COMPLETED reads as."""
    return OrderStatus(order_id=order_id, state=OrderState.COMPLETED, raw_status="Completed",
                       charge=Decimal("0.5"), start_count=1, remains=0, currency=None)  # fmt: skip


async def test_bare_string_item_error(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """`{"502": "Incorrect order ID"}`: a per-order error with that text."""
    raw_server.reply(body({"501": COMPLETED, "502": "Incorrect order ID"}))
    assert await raw_client.status_many(["501", "502"]) == {
        "501": completed("501"),
        "502": ItemError(item_id="502", error="Incorrect order ID"),
    }


async def test_status_list_without_ids(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """A list of status objects without ids, as long as the ids asked: matched by position."""
    raw_server.reply(body([COMPLETED, {"error": "Incorrect order ID"}, {**COMPLETED}]))
    assert await raw_client.status_many(["7", "8", "9"]) == {
        "7": completed("7"),
        "8": ItemError(item_id="8", error="Incorrect order ID"),
        "9": completed("9"),
    }
    assert raw_server.forms[0]["orders"] == "7,8,9"


@pytest.mark.parametrize("count", [1, 2, 4])
async def test_status_list_without_ids_of_another_length(
    raw_client: SmmPanelClient, raw_server: RawServer, count: int
) -> None:
    """Shorter or longer than the ids asked: there is no telling which is which."""
    raw_server.reply(body([COMPLETED] * count))
    with pytest.raises(SmmInvalidResponseError, match="3 ids"):
        await raw_client.status_many(["7", "8", "9"])


async def test_status_list_with_ids_is_keyed(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """A list whose objects carry `order` is matched by id, whatever the order."""
    raw_server.reply(body([{"order": 9, **COMPLETED}, {"order": "7", **COMPLETED}]))
    result = await raw_client.status_many(["7", "9", "8"])
    assert result["7"] == completed("7")
    assert result["9"] == completed("9")
    assert isinstance(result["8"], ItemError)


# -- refill: single in the bulk shape, nested statuses ------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        [{"order": 1, "refill": 123}],
        [{"order": "1", "refill": "123"}],
        [{"refill": 123}],
        [{"order": 5, "refill": 9}, {"order": 1, "refill": 123}],
    ],
)
async def test_single_refill_in_bulk_shape(
    raw_client: SmmPanelClient, raw_server: RawServer, answer: object
) -> None:
    """`[{"order": 1, "refill": 123}]` to a single refill: refill 123 created."""
    raw_server.reply(body(answer))
    assert await raw_client.refill("1") == "123"


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ([{"order": 1, "refill": {"error": "Refill is disabled for this service"}}], SmmPanelError),
        ([{"order": 1, "error": "The order is not completed"}], SmmPanelError),
        ([{"order": 1, "error": "Invalid API key"}], SmmAuthError),
        ({"refill": {"error": "Order not eligible for refill."}}, SmmPanelError),
        ([{"order": 5, "refill": 9}, {"order": 6, "refill": 10}], SmmInvalidResponseError),
        ([{"order": 1, "refill": None}], SmmInvalidResponseError),
        ([], SmmInvalidResponseError),
    ],
)
async def test_single_refill_failures(
    raw_client: SmmPanelClient, raw_server: RawServer, answer: object, error: type[SmmError]
) -> None:
    """The panel's own texts stay its refusals; no refill id for this order is invalid."""
    raw_server.reply(body(answer))
    with pytest.raises(error) as caught:
        await raw_client.refill("1")
    assert type(caught.value) is error


async def test_nested_refill_status(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """Refill statuses nested one level, in the bulk and the single form."""
    raw_server.reply(
        body([{"refill": 1, "status": {"status": "Completed"}},
              {"refill": 2, "status": {"status": {"error": "Refill not found"}}}]),
        body({"status": {"status": "Completed"}}),
        body({"status": {"error": "Refill not found"}}),
    )  # fmt: skip
    assert await raw_client.refill_status_many(["1", "2"]) == {
        "1": RefillStatus(refill_id="1", state=RefillState.COMPLETED, raw_status="Completed"),
        "2": ItemError(item_id="2", error="Refill not found"),
    }
    single = await raw_client.refill_status("1")
    assert (single.state, single.raw_status) == (RefillState.COMPLETED, "Completed")
    with pytest.raises(SmmPanelError, match=r"^Refill not found$"):
        await raw_client.refill_status("1")


# -- cancel rows with the error at row level ----------------------------------------------------


async def test_cancel_row_errors(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """`{"order": 102, "error": "…"}` is a per-order error for 102."""
    raw_server.reply(body([{"order": 101, "cancel": 1},
                           {"order": 102, "error": "The order is not cancellable"}]))  # fmt: skip
    assert await raw_client.cancel_many(["101", "102"]) == {
        "101": CancelRequested(order_id="101"),
        "102": ItemError(item_id="102", error="The order is not cancellable"),
    }


# -- status objects with extras ----------------------------------------------------------------


async def test_status_object_extras(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """Extra `order`, lowercase status, no currency, "Unknown" remains, 11-decimal charge."""
    raw = ('{"order": 5, "status": "completed", "charge": 0.27819000001, "start_count": 3572,'
           ' "remains": "Unknown"}')  # fmt: skip
    raw_server.reply(raw, '{"5": ' + raw + "}")
    expected = OrderStatus(order_id="5", state=OrderState.COMPLETED, raw_status="completed",
                           charge=Decimal("0.27819000001"), start_count=3572, remains=None,
                           currency=None)  # fmt: skip
    single = await raw_client.status("5")
    assert single == expected
    assert str(single.charge) == "0.27819000001"
    assert await raw_client.status_many(["5"]) == {"5": expected}


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        ({"status": "Active", "expiry": "31/12/2030", "posts": "4", "orders": [11, 12]},
         OrderState.IN_PROGRESS),
        ({"status": "In progress", "runs": "5", "orders": [21, 22, 23]}, OrderState.IN_PROGRESS),
        ({"status": "Completed", "runs": 5, "orders": []}, OrderState.COMPLETED),
    ],
)  # fmt: skip
async def test_subscriptions_and_dripfeed_parents(
    raw_client: SmmPanelClient, raw_server: RawServer, answer: dict[str, object], state: OrderState
) -> None:
    """Subscriptions (`Active`: unfinished) and drip-feed parents read as a status."""
    raw_server.reply(body(answer))
    status = await raw_client.status("1")
    assert (status.state, status.raw_status) == (state, answer["status"])
    assert status.state.finished is (state is OrderState.COMPLETED)


# -- rate limits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Rate limit exceeded. Slow down.", "Too many requests", "rate limit"]
)
@pytest.mark.parametrize("method", SINGLE_CALLS)
async def test_rate_limit_texts_with_200(
    raw_client: SmmPanelClient, raw_server: RawServer, method: str, text: str
) -> None:
    """HTTP 200 with a rate-limit text: SmmRateLimitedError, not retried."""
    raw_server.reply(body({"error": text}))
    with pytest.raises(SmmRateLimitedError) as caught:
        await SINGLE_CALLS[method](raw_client)
    assert caught.value.retry_after is None
    assert str(caught.value) == "127.0.0.1 is rate limiting requests"
    assert len(raw_server.forms) == 1


@pytest.mark.parametrize("status", [200, 429])
async def test_rate_limit_reset_header(
    raw_client: SmmPanelClient, raw_server: RawServer, status: int
) -> None:
    """X-RateLimit-Reset (a unix time) instead of Retry-After gives the delay."""
    reset = int(time.time()) + 120
    raw_server.reply(
        body({"error": "Too many requests"}),
        status=status,
        headers={"X-RateLimit-Reset": str(reset)},
    )
    with pytest.raises(SmmRateLimitedError) as caught:
        await raw_client.balance()
    assert caught.value.retry_after is not None
    assert 110.0 <= caught.value.retry_after <= 120.0


async def test_rate_limit_reset_in_the_past(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """A reset time already passed means now."""
    raw_server.reply("", status=429, headers={"X-RateLimit-Reset": str(int(time.time()) - 60)})
    with pytest.raises(SmmRateLimitedError) as caught:
        await raw_client.balance()
    assert caught.value.retry_after == 0.0


# -- Cloudflare -------------------------------------------------------------------------------

CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<h2>Checking if the site connection is secure</h2><p>secret-page-words</p></body></html>"
)


@pytest.mark.parametrize("method", SINGLE_CALLS)
async def test_cloudflare_challenge_403(
    raw_client: SmmPanelClient, raw_server: RawServer, method: str
) -> None:
    """HTTP 403 "Just a moment…": invalid response naming Cloudflare; no retry, no body."""
    raw_server.reply(CHALLENGE, status=403, content_type="text/html")
    with pytest.raises(SmmInvalidResponseError) as caught:
        await SINGLE_CALLS[method](raw_client)
    message = str(caught.value)
    assert "Cloudflare challenge page" in message
    assert "blocks automated clients" in message
    assert "secret-page-words" not in message
    assert len(raw_server.forms) == 1


async def test_cloudflare_challenge_503(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """HTTP 503 challenge: cannot connect (retried once, as 5xx are), naming Cloudflare."""
    raw_server.reply(CHALLENGE, status=503, content_type="text/html")
    with pytest.raises(SmmConnectionError) as caught:
        await raw_client.balance()
    assert str(caught.value) == (
        "127.0.0.1 answered HTTP 503 with a Cloudflare challenge page; "
        "the panel blocks automated clients"
    )
    assert len(raw_server.forms) == 2


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (403, {"Server": "cloudflare"}, SmmInvalidResponseError),
        (200, {"CF-RAY": "8a1b2c3d4e5f-FRA"}, SmmInvalidResponseError),
        (502, {"Server": "cloudflare", "CF-RAY": "8a1b-FRA"}, SmmConnectionError),
    ],
)
async def test_cloudflare_headers_with_an_html_body(
    raw_client: SmmPanelClient, raw_server: RawServer, status: int, headers: dict[str, str],
    error: type[SmmError],
) -> None:  # fmt: skip
    """`Server: cloudflare` or `cf-ray` with an HTML body: named as Cloudflare's page."""
    raw_server.reply("<html>Bad gateway</html>", status=status, headers=headers,
                     content_type="text/html")  # fmt: skip
    with pytest.raises(error) as caught:
        await raw_client.balance()
    assert "Cloudflare page" in str(caught.value)
    assert "Bad gateway" not in str(caught.value)


async def test_json_through_cloudflare_is_the_panel(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """A panel behind Cloudflare carries its headers on every answer: JSON is still JSON."""
    raw_server.reply(
        body({"balance": "1", "currency": "USD"}),
        headers={"Server": "cloudflare", "CF-RAY": "8a1b-FRA"},
    )
    assert (await raw_client.balance()).amount == Decimal(1)


# -- panels with only add, status, services and balance ----------------------------------------

ACTION_INVALID = body({"error": "This action is Invalid"})


@pytest.mark.parametrize("method", ["refill", "refill_status", "refill_status_many"])
async def test_action_invalid(
    raw_client: SmmPanelClient, raw_server: RawServer, method: str
) -> None:
    """An action the panel does not implement: the panel's error."""
    raw_server.reply(ACTION_INVALID)
    with pytest.raises(SmmPanelError, match=r"^This action is Invalid$"):
        await SINGLE_CALLS[method](raw_client)


@pytest.mark.parametrize("method", ["refill_many", "cancel_many"])
async def test_action_invalid_per_order(
    raw_client: SmmPanelClient, raw_server: RawServer, method: str
) -> None:
    """Refill and cancel report it for each order, every batch refused, none raised."""
    raw_server.reply(ACTION_INVALID)
    ids = [str(n) for n in range(1, 151)]
    call = raw_client.refill_many if method == "refill_many" else raw_client.cancel_many
    result = await call(ids)
    assert result == {i: ItemError(item_id=i, error="This action is Invalid") for i in ids}
    assert len(raw_server.forms) == 2


async def test_refused_batch_beside_a_failed_one(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """One batch refused with a text, one lost: both reported per order, nothing raised."""
    raw_server.reply(RawReply(ACTION_INVALID.encode()), RawReply(b"<html>oops</html>", 502))
    ids = [str(n) for n in range(1, 151)]
    result = await raw_client.cancel_many(ids)
    errors = {item.error for item in result.values() if isinstance(item, ItemError)}
    assert len(result) == 150
    assert "This action is Invalid" in errors
    assert any(e.startswith("No usable answer, the outcome is unknown: ") for e in errors)


# -- refusal texts -----------------------------------------------------------------------------

REFILL_REFUSALS = [
    "Refill is disabled for this service",
    "The order is not completed",
    "Your last refill was requested less than 24 hours ago",
    "Service ID does not exists",
]


@pytest.mark.parametrize("text", REFILL_REFUSALS)
async def test_refusal_texts(raw_client: SmmPanelClient, raw_server: RawServer, text: str) -> None:
    """The panel's refusals are SmmPanelError with the text, never a key error."""
    raw_server.reply(body({"error": text}), body({"1": {"refill": {"error": text}}}))
    with pytest.raises(SmmPanelError) as caught:
        await raw_client.refill("1")
    assert caught.value.panel_message == text
    assert await raw_client.refill_many(["1"]) == {"1": ItemError(item_id="1", error=text)}


# -- balance amounts with thousands separators ---------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1,234.56", Decimal("1234.56")),
        ("12,345,678.90123", Decimal("12345678.90123")),
        ("-1,000", Decimal("-1000")),
        ("1234.56", Decimal("1234.56")),
        (1234.56, Decimal("1234.56")),
    ],
)
async def test_balance_with_thousands(
    raw_client: SmmPanelClient, raw_server: RawServer, amount: object, expected: Decimal
) -> None:
    """PHP's number_format is read exactly; the currency may be missing."""
    raw_server.reply(body({"balance": amount}))
    balance = await raw_client.balance()
    assert balance == Balance(amount=expected, currency=None)
    assert str(balance.amount) == str(expected)


@pytest.mark.parametrize("amount", ["1,23.45", "1.234,56", "1,234,5", "12,34"])
async def test_balance_badly_grouped(
    raw_client: SmmPanelClient, raw_server: RawServer, amount: str
) -> None:
    """Any other comma makes the balance unreadable."""
    raw_server.reply(body({"balance": amount, "currency": "USD"}))
    with pytest.raises(SmmInvalidResponseError, match="no readable balance"):
        await raw_client.balance()


# -- JSON numbers Decimal cannot hold -----------------------------------------------------------


async def test_numbers_beyond_decimal(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """An exponent beyond Decimal's range makes that value unreadable, not the answer."""
    raw_server.reply(
        '{"status": "Partial", "charge": 1e-9999999999999999999,'
        ' "remains": 1e99999999999999999999}',
        '{"balance": 1e9999999999999999999, "currency": "USD"}',
    )
    status = await raw_client.status("1")
    assert (status.state, status.charge, status.remains) == (OrderState.PARTIAL, None, None)
    with pytest.raises(SmmInvalidResponseError, match="no readable balance"):
        await raw_client.balance()
