"""The other dialects' tables, and the ``dialect`` function's contract.

``test_dialect_answers`` checks every dialect, these and ``test_dialects``' alike, by its table.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.fake_panel import DIALECT_NAMES, DIALECTS, FakePanel, Quirks, dialect

from .conftest import Api
from .scene import answers
from .test_dialects import (
    DRIP,
    FIRST_SERVICE,
    INCORRECT_ORDER,
    NOT_ELIGIBLE,
    PENDING,
    RUN,
    SUB,
    TABLES,
    TEMPLATE,
)

INVALID_ACTION = (200, {"error": "This action is Invalid"})

MINIMAL: dict[str, tuple[int, Any]] = {
    **TEMPLATE,
    "wrong_key": (200, {"error": "invalid API key"}),
    "unknown_action": INVALID_ACTION,
    "refill": INVALID_ACTION,
    "refill_bulk": INVALID_ACTION,
    "refill_status": INVALID_ACTION,
    "refill_status_bulk": INVALID_ACTION,
    "cancel": INVALID_ACTION,
}


def as_numbers(status: dict[str, Any]) -> dict[str, Any]:
    """A status object with its amounts and counts as JSON numbers, In Progress spelled so."""
    shown = {**status, "charge": float(status["charge"])}
    for name in ["start_count", "remains"]:
        shown[name] = int(status[name])
    shown["status"] = status["status"].replace("In progress", "In Progress")
    return shown


DRIFTED_SERVICE = {**FIRST_SERVICE, "service": "1", "type": "default", "rate": 0.9, "min": 50,
                   "max": 10000, "refill": 1, "cancel": 1}  # fmt: skip
del DRIFTED_SERVICE["dripfeed"]

DRIFTED: dict[str, tuple[int, Any]] = {
    **TEMPLATE,
    "balance": (200, {"balance": 1234.44789, "currency": "USD"}),
    "wrong_key": (200, {"error": "Incorrect API key"}),
    "services": (200, {"services": [DRIFTED_SERVICE]}),
    "status": (200, as_numbers(RUN)),
    "status_bulk": (
        200,
        {
            "23501": as_numbers(SUB),
            "23502": as_numbers(RUN),
            "23503": as_numbers(PENDING),
            "23506": as_numbers(DRIP),
            "424242": INCORRECT_ORDER,
        },
    ),
    "refill_bulk": (
        200,
        [
            {"order": "23504", "refill": NOT_ELIGIBLE},
            {"order": "23503", "refill": NOT_ELIGIBLE},
            {"order": "23505", "refill": NOT_ELIGIBLE},
            {"order": "424242", "refill": INCORRECT_ORDER},
        ],
    ),
    "refill_status_bulk": (
        200,
        [
            {"refill": "1", "status": "Completed"},
            {"refill": "2", "status": "Pending"},
            {"refill": "999", "status": {"error": "Refill Request Not found"}},
        ],
    ),
    "cancel": (
        200,
        [
            {"order": "23505", "cancel": 1},
            {"order": "23504", "cancel": {"error": "Cannot cancel"}},
            {"order": "424242", "cancel": INCORRECT_ORDER},
        ],
    ),
    "add": (200, {"order": "23507"}),
    "add_link": (200, {"error": "Bad link"}),
}

STRICT: dict[str, tuple[int, Any]] = {
    **TEMPLATE,
    "wrong_key": (401, {"error": "Invalid api key."}),
    "unknown_action": (400, {"error": "Incorrect request"}),
    "status_unknown": (404, INCORRECT_ORDER),
    "status_bulk": (
        200,
        {
            "ord_5bcd": SUB,
            "ord_5bce": RUN,
            "ord_5bcf": PENDING,
            "ord_5bd2": DRIP,
            "424242": INCORRECT_ORDER,
        },
    ),
    "refill": (200, {"refill": "ref_2"}),
    "refill_bulk": (
        200,
        [
            {"order": "ord_5bd0", "refill": NOT_ELIGIBLE},
            {"order": "ord_5bcf", "refill": NOT_ELIGIBLE},
            {"order": "ord_5bd1", "refill": NOT_ELIGIBLE},
            {"order": 424242, "refill": INCORRECT_ORDER},
        ],
    ),
    "refill_status_bulk": (
        200,
        [
            {"refill": "ref_1", "status": "Completed"},
            {"refill": "ref_2", "status": "Pending"},
            {"refill": 999, "status": {"error": "Refill not found"}},
        ],
    ),
    "cancel": (
        200,
        [
            {"order": "ord_5bd1", "cancel": 1},
            {"order": "ord_5bd0", "cancel": {"error": "Cannot cancel"}},
            {"order": 424242, "cancel": INCORRECT_ORDER},
        ],
    ),
    "add": (200, {"order": "ord_5bd3"}),
    "add_low": (422, {"error": "Quantity less than minimal 50"}),
    "add_high": (422, {"error": "Quantity more than maximum 10000"}),
    "add_dripfeed": (400, {"error": "Incorrect request"}),
    "add_link": (422, {"error": "Incorrect link"}),
    "add_service": (400, {"error": "Incorrect service ID"}),
}

MORE_TABLES: list[tuple[str, dict[str, tuple[int, Any]]]] = [
    ("minimal", MINIMAL),
    ("drifted", DRIFTED),
    ("strict", STRICT),
]
ALL_TABLES = [*TABLES, *MORE_TABLES]


@pytest.mark.parametrize(("name", "expected"), ALL_TABLES)
async def test_dialect_answers(
    api: Api, fake: FakePanel, name: str, expected: dict[str, tuple[int, Any]]
) -> None:
    """Every action of the scene, status code and body, in the dialect's shape."""
    fake.quirks = dialect(name)
    assert await answers(api, fake) == expected


def test_every_dialect_has_a_table() -> None:
    """A dialect added to ``DIALECTS`` must get a table here or in ``test_dialects``."""
    assert [name for name, _ in ALL_TABLES] == list(DIALECT_NAMES)
    assert list(DIALECTS) == list(DIALECT_NAMES)


def test_template_is_the_default_and_others_differ() -> None:
    """The template is ``Quirks()``; every other dialect changes something, none the echo."""
    assert dialect("template") == Quirks()
    presets = [dialect(name) for name in DIALECT_NAMES]
    assert len({repr(preset) for preset in presets}) == len(presets)
    assert not any(preset.echo_key for preset in presets)


@pytest.mark.parametrize("name", list(DIALECT_NAMES))
def test_dialects_are_fresh_and_documented(name: str) -> None:
    """Each call builds new quirks (a test may change them); each dialect says what it models."""
    first = dialect(name)
    first.error_texts["x"] = "y"
    first.pretty_json = not first.pretty_json
    second = dialect(name)
    assert "x" not in second.error_texts
    assert second.pretty_json != first.pretty_json
    assert dialect(name, echo_key=True).echo_key
    assert (DIALECTS[name].__doc__ or "").strip()


def test_unknown_dialect() -> None:
    """An unknown name says which ones exist."""
    with pytest.raises(ValueError, match=r"unknown dialect 'smart'; known: template, smartpanel"):
        dialect("smart")
