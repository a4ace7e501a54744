"""Status normalisation: every wording of CONTRACT §5 / PROTOCOL §4."""

from __future__ import annotations

import pytest

from custom_components.smm_panel.api import (
    OrderState,
    RefillState,
    parse_order_state,
    parse_refill_state,
)

ORDER_WORDINGS: list[tuple[str, OrderState]] = [
    ("Pending", OrderState.PENDING),
    ("pending", OrderState.PENDING),
    ("PENDING", OrderState.PENDING),
    ("Awaiting", OrderState.PENDING),
    ("In queue", OrderState.PENDING),
    ("in_queue", OrderState.PENDING),
    ("Processing", OrderState.PROCESSING),
    ("In progress", OrderState.IN_PROGRESS),
    ("In Progress", OrderState.IN_PROGRESS),
    ("inprogress", OrderState.IN_PROGRESS),
    ("in_progress", OrderState.IN_PROGRESS),
    ("IN-PROGRESS", OrderState.IN_PROGRESS),
    ("  In   progress \n", OrderState.IN_PROGRESS),
    ("Active", OrderState.IN_PROGRESS),
    ("active", OrderState.IN_PROGRESS),
    (" ACTIVE ", OrderState.IN_PROGRESS),
    ("Completed", OrderState.COMPLETED),
    ("completed", OrderState.COMPLETED),
    ("Partial", OrderState.PARTIAL),
    ("Canceled", OrderState.CANCELED),
    ("Cancelled", OrderState.CANCELED),
    ("cancelled", OrderState.CANCELED),
    ("Refunded", OrderState.REFUNDED),
    ("Fail", OrderState.FAILED),
    ("Failed", OrderState.FAILED),
    ("Error", OrderState.FAILED),
    ("", OrderState.UNKNOWN),
    ("Paused", OrderState.UNKNOWN),
    ("Complete", OrderState.UNKNOWN),
    ("Pending payment", OrderState.UNKNOWN),
]

REFILL_WORDINGS: list[tuple[str, RefillState]] = [
    ("Pending", RefillState.PENDING),
    ("Awaiting", RefillState.PENDING),
    ("In progress", RefillState.IN_PROGRESS),
    ("In Progress", RefillState.IN_PROGRESS),
    ("inprogress", RefillState.IN_PROGRESS),
    ("Processing", RefillState.IN_PROGRESS),
    ("Completed", RefillState.COMPLETED),
    ("COMPLETED", RefillState.COMPLETED),
    ("Rejected", RefillState.REJECTED),
    ("Canceled", RefillState.CANCELED),
    ("Cancelled", RefillState.CANCELED),
    ("Failed", RefillState.FAILED),
    ("Fail", RefillState.FAILED),
    ("Error", RefillState.FAILED),
    ("", RefillState.UNKNOWN),
    ("Partial", RefillState.UNKNOWN),
    ("Refunded", RefillState.UNKNOWN),
]

FINISHED_ORDER_STATES = {
    OrderState.COMPLETED,
    OrderState.PARTIAL,
    OrderState.CANCELED,
    OrderState.REFUNDED,
    OrderState.FAILED,
}
FINISHED_REFILL_STATES = {
    RefillState.COMPLETED,
    RefillState.REJECTED,
    RefillState.CANCELED,
    RefillState.FAILED,
}


@pytest.mark.parametrize(("raw", "expected"), ORDER_WORDINGS)
def test_order_wordings(raw: str, expected: OrderState) -> None:
    """Each order wording maps to its CONTRACT §5 state, case and spacing ignored."""
    assert parse_order_state(raw) is expected


@pytest.mark.parametrize(("raw", "expected"), REFILL_WORDINGS)
def test_refill_wordings(raw: str, expected: RefillState) -> None:
    """Each refill wording maps to its CONTRACT §5 state."""
    assert parse_refill_state(raw) is expected


@pytest.mark.parametrize("state", list(OrderState))
def test_order_finished(state: OrderState) -> None:
    """Finished orders: completed, partial, canceled, refunded, failed — nothing else."""
    assert state.finished is (state in FINISHED_ORDER_STATES)


@pytest.mark.parametrize("state", list(RefillState))
def test_refill_finished(state: RefillState) -> None:
    """Finished refills: completed, rejected, canceled, failed — nothing else."""
    assert state.finished is (state in FINISHED_REFILL_STATES)


def test_state_values_are_the_contract_names() -> None:
    """The enum values are the strings users see in states, responses and events."""
    assert [s.value for s in OrderState] == [
        "pending",
        "processing",
        "in_progress",
        "completed",
        "partial",
        "canceled",
        "refunded",
        "failed",
        "unknown",
    ]
    assert [s.value for s in RefillState] == [
        "pending",
        "in_progress",
        "completed",
        "rejected",
        "canceled",
        "failed",
        "unknown",
    ]


def test_every_state_is_reachable() -> None:
    """Every state, UNKNOWN included, has at least one wording in the tables above."""
    assert {state for _, state in ORDER_WORDINGS} == set(OrderState)
    assert {state for _, state in REFILL_WORDINGS} == set(RefillState)
