"""`add` over real HTTP: placed (with or without a warning), refused, or outcome unknown."""

from __future__ import annotations

import json

import pytest

from custom_components.smm_panel.api import (
    PlacedOrder,
    SmmAuthError,
    SmmOrderOutcomeUnknownError,
    SmmPanelClient,
    SmmPanelError,
    SmmRateLimitedError,
)

from .conftest import RawServer

FIELDS: dict[str, str | int] = {"link": "https://x.test/p/1", "quantity": 100}


async def add(client: SmmPanelClient, server: RawServer) -> PlacedOrder:
    """Place one order; exactly one request is sent, whatever the answer."""
    try:
        return await client.add("1", FIELDS)
    finally:
        assert len(server.forms) == 1
        assert server.forms[0]["action"] == "add"


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"order": 23501}, 200, PlacedOrder("23501")),
        ({"order": "23501"}, 200, PlacedOrder("23501")),
        ({"order": " ord_5bd "}, 200, PlacedOrder("ord_5bd")),
        ({"order": 23501.0}, 200, PlacedOrder("23501")),
        ({"status": "success", "order": 23501}, 200, PlacedOrder("23501")),
        ({"order": 23501}, 201, PlacedOrder("23501")),
        (
            {"order": 23501, "error": "Link is private"},
            200,
            PlacedOrder("23501", "Link is private"),
        ),
        (
            {"order": "23501", "status": "error", "message": "Balance low"},
            200,
            PlacedOrder("23501", "Balance low"),
        ),
        ({"order": 23501, "error": {"message": "Queued"}}, 422, PlacedOrder("23501", "Queued")),
        (
            {"order": 23501, "error": "Invalid API key"},
            200,
            PlacedOrder("23501", "Invalid API key"),
        ),
    ],
)
async def test_placed(
    raw_client: SmmPanelClient, raw_server: RawServer, body: object, status: int,
    expected: PlacedOrder,
) -> None:  # fmt: skip
    """A usable order id means the order exists and is charged: never raised, text kept."""
    raw_server.reply(json.dumps(body), status=status)
    assert await add(raw_client, raw_server) == expected


@pytest.mark.parametrize(
    "order",
    [None, "", " ", 0, "0", "000", True, False, {"id": 1}, [1], 1.5, -3, "-3", "12 34", "1,2",
     "x" * 101, "NaN"],
)  # fmt: skip
async def test_no_usable_id_is_outcome_unknown(
    raw_client: SmmPanelClient, raw_server: RawServer, order: object
) -> None:
    """An answer without an error and without a usable id: the order may exist."""
    raw_server.reply(json.dumps({"order": order}))
    with pytest.raises(SmmOrderOutcomeUnknownError, match="check the panel before ordering"):
        await add(raw_client, raw_server)


@pytest.mark.parametrize("body", ["{}", '{"status": "success"}', "[]", '"23501"', "23501"])
async def test_answers_without_an_order_are_outcome_unknown(
    raw_client: SmmPanelClient, raw_server: RawServer, body: str
) -> None:
    """JSON that names no order at all, not even an error, is an unknown outcome too."""
    raw_server.reply(body)
    with pytest.raises(SmmOrderOutcomeUnknownError):
        await add(raw_client, raw_server)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"order": 23501}, 404),
        ({"order": 23501}, 302),
        ({"order": 23501}, 500),
    ],
)
async def test_order_id_with_a_failure_status_is_outcome_unknown(
    raw_client: SmmPanelClient, raw_server: RawServer, body: object, status: int
) -> None:
    """An id beside a status that is no answer (no error text) is not trusted either way."""
    raw_server.reply(json.dumps(body), status=status)
    with pytest.raises(SmmOrderOutcomeUnknownError):
        await add(raw_client, raw_server)


REFUSALS = [
    "Incorrect service ID",
    "Service ID does not exists",
    "Quantity must to be greater than or equal to minimum amount 100",
    "Quantity less than maximum 5000",
    "Invalid Link",
    "This services does not support Dripfeed feature!",
    "Not enough funds on balance",
]


@pytest.mark.parametrize("message", REFUSALS)
@pytest.mark.parametrize(
    "shape", ["error", "nested-error", "status-message", "error-with-zero-order"]
)
@pytest.mark.parametrize("status", [200, 400, 422])
async def test_refused(
    raw_client: SmmPanelClient, raw_server: RawServer, message: str, shape: str, status: int
) -> None:
    """An error without a usable id is a refusal with the panel's text: nothing placed."""
    bodies: dict[str, object] = {
        "error": {"error": message},
        "nested-error": {"error": {"error": message}},
        "status-message": {"status": "error", "message": message},
        "error-with-zero-order": {"order": 0, "error": message},
    }
    raw_server.reply(json.dumps(bodies[shape]), status=status)
    with pytest.raises(SmmPanelError) as caught:
        await add(raw_client, raw_server)
    assert caught.value.panel_message == message


@pytest.mark.parametrize(
    "message",
    ["Invalid API key", "  API is Disable for this user or User Not Found! Contact the Support  "],
)
async def test_refused_key(raw_client: SmmPanelClient, raw_server: RawServer, message: str) -> None:
    """A key text without an id: SmmAuthError, nothing placed."""
    raw_server.reply(json.dumps({"status": "error", "message": message}))
    with pytest.raises(SmmAuthError) as caught:
        await add(raw_client, raw_server)
    assert caught.value.panel_message is None


async def test_refused_account(raw_client: SmmPanelClient, raw_server: RawServer) -> None:
    """An account-level refusal: SmmAuthError carrying the panel's text."""
    raw_server.reply('{"error": "Your account has been suspended."}', status=403)
    with pytest.raises(SmmAuthError) as caught:
        await add(raw_client, raw_server)
    assert caught.value.panel_message == "Your account has been suspended."


async def test_refused_by_rate_limit_text(
    raw_client: SmmPanelClient, raw_server: RawServer
) -> None:
    """A rate-limit text without an id is a definite refusal, with the headers' delay."""
    raw_server.reply(
        '{"error": "Rate limit exceeded. Slow down."}', headers={"X-RateLimit-Reset": "12"}
    )
    with pytest.raises(SmmRateLimitedError) as caught:
        await add(raw_client, raw_server)
    assert caught.value.retry_after == 12.0
    assert not isinstance(caught.value, SmmOrderOutcomeUnknownError)
