"""Answers in the other shapes panels use, served by the fake panel (WRONG_SHAPE body)."""

from __future__ import annotations

from decimal import Decimal
import logging

import pytest

from custom_components.smm_panel.api import (
    CancelRequested,
    ItemError,
    OrderState,
    OrderStatus,
    RefillCreated,
    RefillState,
    RefillStatus,
    Service,
    SmmInvalidResponseError,
    SmmPanelClient,
)
from tests.fake_panel import FakePanel, Fault

from .conftest import bulk_method

CANNOT_CANCEL = ItemError(item_id="2", error="Cannot cancel")
CANCELED = CancelRequested(order_id="2")
NO_REFILL_ID = ItemError(item_id="2", error="No refill id in the panel's answer")


CANCEL_VALUES: list[tuple[object, object]] = [
    # `cancel` as 1/true/an id means accepted; 0/false/blank/missing means refused
    (1, CANCELED),
    ("1", CANCELED),
    (True, CANCELED),
    ("true", CANCELED),
    ("yes", CANCELED),
    ("ok", CANCELED),
    (55, CANCELED),
    ("c_55", CANCELED),
    (0, CANNOT_CANCEL),
    (0.0, CANNOT_CANCEL),
    ("0", CANNOT_CANCEL),
    (False, CANNOT_CANCEL),
    ("false", CANNOT_CANCEL),
    (" No ", CANNOT_CANCEL),
    ("off", CANNOT_CANCEL),
    ("", CANNOT_CANCEL),
    (None, CANNOT_CANCEL),
    ([], CANNOT_CANCEL),
    ({"error": "Order is completed"}, ItemError(item_id="2", error="Order is completed")),
]

REFILL_LAYOUTS: list[tuple[object, object]] = [
    # refill ids as numbers or opaque strings; errors at item or value level
    ([{"order": 2, "refill": 55}], RefillCreated(order_id="2", refill_id="55")),
    ([{"order": 2, "refill": "ref_55"}], RefillCreated(order_id="2", refill_id="ref_55")),
    ({"2": 55}, RefillCreated(order_id="2", refill_id="55")),
    ({"2": {"refill": "55"}}, RefillCreated(order_id="2", refill_id="55")),
    (
        [{"order": 2, "refill": {"error": "Order not eligible for refill."}}],
        ItemError(item_id="2", error="Order not eligible for refill."),
    ),
    (
        [{"order": 2, "error": "Incorrect order ID"}],
        ItemError(item_id="2", error="Incorrect order ID"),
    ),
    ([{"order": 2, "refill": True}], NO_REFILL_ID),
    ([{"order": 2, "refill": None}], NO_REFILL_ID),
    ([{"order": 2}], NO_REFILL_ID),
    ([{"order": 2, "refill": 1.5}], NO_REFILL_ID),
]

REFILL_STATUS_LAYOUTS: list[tuple[object, object]] = [
    # refill statuses keyed or listed; unknown wordings kept raw; errors kept per item
    (
        [{"refill": 7, "status": "Completed"}],
        RefillStatus(refill_id="7", state=RefillState.COMPLETED, raw_status="Completed"),
    ),
    (
        {"7": {"status": " In progress "}},
        RefillStatus(refill_id="7", state=RefillState.IN_PROGRESS, raw_status="In progress"),
    ),
    (
        [{"refill": "7", "status": "Partially refilled"}],
        RefillStatus(refill_id="7", state=RefillState.UNKNOWN, raw_status="Partially refilled"),
    ),
    (
        [{"refill": 7, "status": {"error": "Refill not found"}}],
        ItemError(item_id="7", error="Refill not found"),
    ),
    (
        [{"refill": 7, "error": "Refill Request Not found"}],
        ItemError(item_id="7", error="Refill Request Not found"),
    ),
    ([{"refill": 7, "status": ""}], ItemError(item_id="7", error="Unreadable status")),
    ([{"refill": 7, "status": 3}], ItemError(item_id="7", error="Unreadable status")),
    ({"7": "Completed"}, ItemError(item_id="7", error="Unreadable status")),
]

ORDER_STATUS_ITEMS: list[tuple[object, object]] = [
    # unknown statuses stay raw; unreadable values are None; unreadable items are errors
    (
        {"status": "Paused", "charge": 0.5, "remains": "Unknown"},
        OrderStatus(order_id="9", state=OrderState.UNKNOWN, raw_status="Paused",
                    charge=Decimal("0.5"), start_count=None, remains=None, currency=None),
    ),
    (
        {"status": "In queue", "charge": "abc", "start_count": "1.5", "currency": " USD "},
        OrderStatus(order_id="9", state=OrderState.PENDING, raw_status="In queue",
                    charge=None, start_count=None, remains=None, currency="USD"),
    ),
    ({"charge": "1"}, ItemError(item_id="9", error="Unreadable status")),
    ("Incorrect order ID", ItemError(item_id="9", error="Incorrect order ID")),
    ("  ", ItemError(item_id="9", error="Unreadable status")),
    (["Completed"], ItemError(item_id="9", error="Unreadable status")),
    ({"error": {"message": "Gone"}}, ItemError(item_id="9", error="Gone")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("action", "item_id", "body", "expected"),
    [
        *(("cancel", "2", [{"order": 2, "cancel": value}], want) for value, want in CANCEL_VALUES),
        *(("refill", "2", body, want) for body, want in REFILL_LAYOUTS),
        *(("refill_status", "7", body, want) for body, want in REFILL_STATUS_LAYOUTS),
        *(("status", "9", {"9": item}, want) for item, want in ORDER_STATUS_ITEMS),
    ],
)
async def test_bulk_answer_items(
    client: SmmPanelClient,
    panel: FakePanel,
    action: str,
    item_id: str,
    body: object,
    expected: object,
) -> None:
    """Each answer of the tables above reads, for the one id asked, as the table says."""
    panel.inject(Fault.WRONG_SHAPE, action=action, body=body)
    assert await bulk_method(client, action)([item_id]) == {item_id: expected}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([{"order": 2, "cancel": 1}], CANCELED),
        ([{"order": "2", "cancel": 1}], CANCELED),
        ([{"order": 2.0, "cancel": 1}], CANCELED),
        ({"2": 1}, CANCELED),
        ({" 2 ": {"cancel": "1"}}, CANCELED),
        (
            {"2": {"error": "Incorrect order ID"}},
            ItemError(item_id="2", error="Incorrect order ID"),
        ),
        ([{"order": 2, "error": "Cannot cancel"}], CANNOT_CANCEL),
        ([{"cancel": 1}, {"order": None, "cancel": 1}, "2", 2], None),
        ([{"order": 3, "cancel": 1}], None),
        ({}, None),
    ],
)
async def test_cancel_answer_layouts(
    client: SmmPanelClient, panel: FakePanel, body: object, expected: object
) -> None:
    """A list of objects carrying their id, or an object keyed by id; about no id → invalid."""
    panel.inject(Fault.WRONG_SHAPE, action="cancel", body=body)
    if expected is None:
        with pytest.raises(SmmInvalidResponseError, match="none of the ids"):
            await client.cancel_many(["2"])
        return
    assert await client.cancel_many(["2"]) == {"2": expected}


async def test_unreadable_catalogue_entries_are_skipped(
    client: SmmPanelClient, panel: FakePanel, caplog: pytest.LogCaptureFixture
) -> None:
    """Entries without id, rate or limits are skipped (and counted in a debug line)."""
    good = {"service": 1, "rate": "0.90", "min": "50", "max": "10000", "refill": "1"}
    panel.inject(
        Fault.WRONG_SHAPE,
        action="services",
        body=[
            good,
            "junk",
            {"service": 2, "rate": "Unknown", "min": 1, "max": 2},
            {"service": True, "rate": "1", "min": 1, "max": 2},
            {"service": 3, "rate": "1", "min": "1.5", "max": 2},
            {"service": 4, "rate": "1", "min": 1},
        ],
    )
    caplog.set_level(logging.DEBUG, logger="custom_components.smm_panel.api")
    assert await client.services() == [
        Service(service_id="1", name="Service 1", type="Default", category="", rate=Decimal("0.90"),
                min=50, max=10000, refill=True, cancel=False, dripfeed=False, description=None)
    ]  # fmt: skip
    assert "Skipped 5 unreadable catalogue entries" in caplog.messages
