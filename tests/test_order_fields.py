"""Tests for order_fields.py: reading an `add_order` action's raw values into `OrderFields`.

`read_fields` gives a typed record whose `form` is what the panel is sent; `normalize_lines`
turns a list or a multi-line text into the same stripped, non-empty lines and refuses bad or
oversized lists; `OrderRuleError` carries its key and placeholders.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st
import pytest

from custom_components.smm_panel.order_fields import (
    LIST_FIELDS,
    MAX_LIST_CHARS,
    MAX_LIST_LINES,
    ORDER_FIELDS,
    ORDER_RULE_KEYS,
    OrderFields,
    OrderRuleError,
    normalize_lines,
    read_fields,
)
from tests.ordering_helpers import SENT, VALID


def test_read_fields_gives_a_typed_record() -> None:
    """Every field is read once into its typed slot; the form is written from that record."""
    record = read_fields(VALID | {"service": "5", "quantity": "100", "expiry": date(2030, 12, 31)})
    assert (record.quantity, record.runs, record.interval, record.answer_number) == (100, 3, 15, 2)
    assert (record.min, record.max, record.posts, record.old_posts) == (100, 200, 5, 2)
    assert (record.delay, record.device, record.type_of_traffic) == (30, 1, 3)
    assert record.expiry == date(2030, 12, 31)
    assert record.link == "https://example.com/p/1"
    assert record.lines["usernames"] == ("alice", "bob")
    assert set(record.lines) == LIST_FIELDS
    texts = {"link", "hashtag", "username", "media", "country", "google_keyword", "referring_url"}
    assert set(record.texts) == texts
    assert record.form() == SENT
    assert list(record.form()) == list(ORDER_FIELDS)
    assert read_fields({}) == OrderFields()
    assert OrderFields().form() == {}
    assert OrderFields().link is None


def test_list_and_text_give_the_same_lines() -> None:
    """A list or a multi-line text normalise alike: stripped, blank lines dropped."""
    expected = ["first", "second one", "third"]
    assert normalize_lines("comments", ["first", "  second one ", "", "   ", "third"]) == expected
    assert normalize_lines("comments", "first\n  second one \n\n   \nthird\n") == expected
    assert normalize_lines("comments", "first\r\nsecond one\rthird") == expected
    assert normalize_lines("comments", ("first", "second one\nthird")) == expected
    assert normalize_lines("comments", ["a\tb"]) == ["a\tb"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "is empty"),
        ("\n \n\t\n", "is empty"),
        ([], "is empty"),
        (["", "  "], "is empty"),
        (5, "must be a list of texts or a multi-line text"),
        ({"a": "b"}, "must be a list of texts or a multi-line text"),
        (["ok", 5], "must be a list of texts or a multi-line text"),
        (["ok", None], "must be a list of texts or a multi-line text"),
        ("a\x00b", "contains control characters"),
        (["fine", "bell\x07"], "contains control characters"),
        pytest.param(
            "x\n" * (MAX_LIST_LINES + 1),
            f"has more than {MAX_LIST_LINES} lines",
            id="too-many-lines",
        ),
        (["x\ny"] * (MAX_LIST_LINES // 2 + 1), f"has more than {MAX_LIST_LINES} lines"),
        (["x"] * (MAX_LIST_LINES + 1), f"has more than {MAX_LIST_LINES} items"),
        pytest.param(
            "x" * (MAX_LIST_CHARS + 1),
            f"is longer than {MAX_LIST_CHARS} characters",
            id="too-long-text",
        ),
        (["x" * MAX_LIST_CHARS, "y"], f"is longer than {MAX_LIST_CHARS} characters"),
    ],
)
def test_list_invalid(value: object, reason: str) -> None:
    """Bad list values are refused with a reason."""
    with pytest.raises(OrderRuleError) as info:
        normalize_lines("usernames", value)
    assert info.value.key == "invalid_field"
    assert info.value.placeholders == {"field": "usernames", "reason": reason}


def test_list_limits_inclusive() -> None:
    """Exactly MAX_LIST_LINES lines are accepted."""
    assert len(normalize_lines("keywords", "k\n" * MAX_LIST_LINES)) == MAX_LIST_LINES
    assert len(normalize_lines("keywords", ["k"] * MAX_LIST_LINES)) == MAX_LIST_LINES


def test_order_rule_error() -> None:
    """The error carries its key and a copy of its placeholders."""
    placeholders = {"field": "link", "reason": "is empty"}
    err = OrderRuleError("invalid_field", placeholders)
    placeholders["field"] = "changed"
    assert err.key == "invalid_field"
    assert err.placeholders == {"field": "link", "reason": "is empty"}
    assert str(err) == "invalid_field: field=link, reason=is empty"
    assert str(OrderRuleError("missing_field", {})) == "missing_field"
    assert {"missing_field", "cost_limit_exceeded"} <= ORDER_RULE_KEYS


@given(
    items=st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cc"]), max_size=12)),
    as_text=st.booleans(),
)
def test_normalize_lines_properties(items: list[str], as_text: bool) -> None:
    """Normalised lines are stripped and non-empty, and normalising them again changes nothing."""
    value: object = "\n".join(items) if as_text else items
    if not any(item.strip() for item in items):
        with pytest.raises(OrderRuleError) as info:
            normalize_lines("comments", value)
        assert info.value.placeholders == {"field": "comments", "reason": "is empty"}
        return
    lines = normalize_lines("comments", value)
    assert all(line and line == line.strip() for line in lines)
    assert normalize_lines("comments", "\n".join(lines)) == lines
    assert normalize_lines("comments", lines) == lines
