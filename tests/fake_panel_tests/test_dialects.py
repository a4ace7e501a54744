"""Each dialect answers the scene's every action in its own shape (PROTOCOL.md §2, §8).

The template table is the documented API; the other tables list what their dialect changes.
``test_dialects_more`` has the rest of the tables and checks every one of them.
"""

from __future__ import annotations

from typing import Any

from tests.fake_panel import FakePanel, dialect

from .conftest import Api
from .scene import run_scene

FIRST_SERVICE: dict[str, Any] = {
    "service": 1, "name": "Instagram Followers [Refill 30D]", "type": "Default",
    "category": "Instagram Followers", "rate": "0.90", "min": "50", "max": "10000",
    "refill": True, "cancel": True, "dripfeed": False,
    "description": "Instagram Followers [Refill 30D]. Start 0-1 h. Min 50, max 10000.",
}  # fmt: skip
RUN = {"charge": "0.27819", "start_count": "3572", "status": "In progress", "remains": "157",
       "currency": "USD"}  # fmt: skip
SUB = {"charge": "0.12000", "start_count": "2105", "status": "In progress", "remains": "450",
       "currency": "USD"}  # fmt: skip
PENDING = {"charge": "0.09000", "start_count": "0", "status": "Pending", "remains": "100",
           "currency": "USD"}  # fmt: skip
DRIP = {"charge": "0.04500", "start_count": "9647", "status": "In progress", "remains": "150",
        "currency": "USD"}  # fmt: skip
NOT_ELIGIBLE = {"error": "Order not eligible for refill."}
INCORRECT_ORDER = {"error": "Incorrect order ID"}

TEMPLATE: dict[str, tuple[int, Any]] = {
    "balance": (200, {"balance": "1234.44789", "currency": "USD"}),
    "wrong_key": (200, {"error": "Invalid API key"}),
    "unknown_action": (200, {"error": "Incorrect request"}),
    "services": (200, [FIRST_SERVICE]),
    "status": (200, RUN),
    "status_unknown": (200, INCORRECT_ORDER),
    "status_bulk": (
        200,
        {"23501": SUB, "23502": RUN, "23503": PENDING, "23506": DRIP, "424242": INCORRECT_ORDER},
    ),
    "refill": (200, {"refill": "2"}),
    "refill_bulk": (
        200,
        [
            {"order": 23504, "refill": NOT_ELIGIBLE},
            {"order": 23503, "refill": NOT_ELIGIBLE},
            {"order": 23505, "refill": NOT_ELIGIBLE},
            {"order": 424242, "refill": INCORRECT_ORDER},
        ],
    ),
    "refill_status": (200, {"status": "Completed"}),
    "refill_status_bulk": (
        200,
        [
            {"refill": 1, "status": "Completed"},
            {"refill": 2, "status": "Pending"},
            {"refill": 999, "status": {"error": "Refill not found"}},
        ],
    ),
    "cancel": (
        200,
        [
            {"order": 23505, "cancel": 1},
            {"order": 23504, "cancel": {"error": "Cannot cancel"}},
            {"order": 424242, "cancel": INCORRECT_ORDER},
        ],
    ),
    "add": (200, {"order": 23507}),
    "add_low": (200, {"error": "Quantity less than minimal 50"}),
    "add_high": (200, {"error": "Quantity more than maximum 10000"}),
    "add_dripfeed": (200, {"error": "Incorrect request"}),
    "add_link": (200, {"error": "Incorrect link"}),
    "add_service": (200, {"error": "Incorrect service ID"}),
}


def smartpanel_status(order: int, base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A SmartPanel status object: ``order`` first, charge a number, lower case, no currency."""
    shown = {"order": order, **base, "charge": float(base["charge"]), **changes}
    shown["status"] = shown["status"].lower()
    del shown["currency"]
    return shown


def message(text: str) -> dict[str, str]:
    """A top-level error as ``{"status": "error", "message": text}``."""
    return {"status": "error", "message": text}


SMARTPANEL: dict[str, tuple[int, Any]] = {
    **TEMPLATE,
    "balance": (200, {"status": "success", "balance": "1,234.45", "currency": "USD"}),
    "wrong_key": (
        200,
        message("API is Disable for this user or User Not Found! Contact the Support   "),
    ),
    "unknown_action": (200, message("Incorrect request")),
    "status": (200, smartpanel_status(23502, RUN)),
    "status_unknown": (200, message("Incorrect order ID")),
    "status_bulk": (
        200,
        {
            "23501": smartpanel_status(
                23501, SUB, status="Active", expiry="31/12/2030", posts="3", orders=[2350101]
            ),
            "23502": smartpanel_status(23502, RUN),
            "23503": smartpanel_status(23503, PENDING, remains="Unknown"),
            "23506": smartpanel_status(23506, DRIP, runs="3", orders=[2350601, 2350602]),
            "424242": "Incorrect order ID",
        },
    ),
    "refill": (200, [{"order": 23504, "refill": 2}]),
    "refill_bulk": (
        200,
        [
            {
                "order": 23504,
                "refill": {"error": "Your last refill was requested less than 24 hours ago"},
            },
            {"order": 23503, "refill": {"error": "The order is not completed"}},
            {"order": 23505, "refill": {"error": "Refill is disabled for this service"}},
            {"order": 424242, "refill": INCORRECT_ORDER},
        ],
    ),
    "refill_status": (200, {"status": {"status": "completed"}}),
    "refill_status_bulk": (
        200,
        [
            {"refill": 1, "status": {"status": "completed"}},
            {"refill": 2, "status": {"status": "pending"}},
            {"refill": 999, "status": {"error": "Refill not found"}},
        ],
    ),
    "cancel": (
        200,
        [
            {"order": 23505, "cancel": 1},
            {"order": 23504, "error": "Cannot cancel"},
            {"order": 424242, "error": "Incorrect order ID"},
        ],
    ),
    "add": (200, {"status": "success", "order": 23507}),
    "add_low": (200, message("Quantity must to be greater than or equal to minimum amount 50")),
    "add_high": (200, message("Quantity less than maximum 10000")),
    "add_dripfeed": (200, message("This services does not support Dripfeed feature!")),
    "add_link": (200, message("Invalid Link")),
    "add_service": (200, message("Service ID does not exists")),
}

LARAVEL: dict[str, tuple[int, Any]] = {
    **TEMPLATE,
    "wrong_key": (401, message("User not found")),
    "unknown_action": (400, message("Incorrect request")),
    "status_unknown": (404, message("Incorrect order ID")),
    "status_bulk": (
        200,
        [
            {**SUB, "status": "Active", "expiry": "31/12/2030", "posts": "3", "orders": [2350101]},
            RUN,
            PENDING,
            {**DRIP, "runs": "3", "orders": [2350601, 2350602]},
            INCORRECT_ORDER,
        ],
    ),
    "add": (201, {"order": 23507}),
    "add_low": (422, message("Quantity less than minimal 50")),
    "add_high": (422, message("Quantity more than maximum 10000")),
    "add_dripfeed": (422, message("Incorrect request")),
    "add_link": (422, message("Incorrect link")),
    "add_service": (422, message("Incorrect service ID")),
}

TABLES: list[tuple[str, dict[str, tuple[int, Any]]]] = [
    ("template", TEMPLATE),
    ("smartpanel", SMARTPANEL),
    ("laravel", LARAVEL),
]


async def test_smartpanel_writes_like_its_php(api: Api, fake: FakePanel) -> None:
    """Pretty-printed, sent as text/html, charges written with 11 decimals."""
    fake.quirks = dialect("smartpanel")
    replies = await run_scene(api, fake)
    assert {reply.content_type for reply in replies.values()} == {"text/html"}
    assert replies["status"].text == (
        '{\n    "order": 23502,\n    "charge": 0.27819000000,\n    "start_count": "3572",\n'
        '    "status": "in progress",\n    "remains": "157"\n}'
    )
    assert '"charge": 0.04500000000,' in replies["status_bulk"].text
    assert replies["services"].text.startswith('[\n    {\n        "service": 1,\n')


async def test_template_and_laravel_send_compact_json(api: Api, fake: FakePanel) -> None:
    """The documented answers are compact application/json."""
    for name in ["template", "laravel"]:
        fake.quirks = dialect(name)
        reply = await api.post("balance")
        assert reply.content_type == "application/json"
        assert "\n" not in reply.text
