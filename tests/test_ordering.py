"""Tests for ordering.py: the pure `add_order` rules of `prepare_order` and `check_cost`.

The type table of PROTOCOL.md §3 (required, optional, conditional and refused fields; type
names in any spelling; unknown types), the order in which the checks fail, each field's
value as `prepare_order` reads and sends it, the quantity range (list-counted types,
Subscriptions' `min`/`max`), the cost estimate per kind of type, `check_cost`'s limit and
balance, `format_decimal`, and properties over arbitrary fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
import time
from typing import Final

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.smm_panel.api.models import Service
from custom_components.smm_panel.order_fields import OrderFields, read_fields
from custom_components.smm_panel.ordering import (
    LIST_FIELDS,
    MAX_LIST_CHARS,
    MAX_LIST_LINES,
    MAX_NUMBER,
    MAX_TEXT_LENGTH,
    ORDER_FIELDS,
    SERVICE_TYPES,
    SUBSCRIPTION_DELAYS,
    CostKind,
    OrderRuleError,
    PreparedOrder,
    allowed_fields,
    check_cost,
    estimate_cost,
    format_decimal,
    normalize_type,
    prepare_order,
    type_rule,
)
from tests.ordering_helpers import SENT, VALID

# PROTOCOL.md §3, written out again independently of the module: type -> (required, optional).
# Web Traffic's conditional fields (google_keyword, referring_url) are tested on their own.
EXPECTED: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "Default": (("link", "quantity"), ("runs", "interval")),
    "Package": (("link",), ()),
    "SEO": (("link", "quantity", "keywords"), ()),
    "Custom Comments": (("link", "comments"), ()),
    "Custom Comments Package": (("link", "comments"), ()),
    "Mentions": (("link", "quantity", "usernames"), ()),
    "Mentions with Hashtags": (("link", "quantity", "usernames", "hashtags"), ()),
    "Mentions Custom List": (("link", "usernames"), ()),
    "Mentions Hashtag": (("link", "quantity", "hashtag"), ()),
    "Mentions User Followers": (("link", "quantity", "username"), ()),
    "Mentions Media Likers": (("link", "quantity", "media"), ()),
    "Comment Likes": (("link", "quantity", "username"), ()),
    "Comment Replies": (("link", "username", "comments"), ()),
    "Poll": (("link", "quantity", "answer_number"), ()),
    "Invites from Groups": (("link", "quantity", "groups"), ()),
    "Subscriptions": (("username", "min", "max", "delay"), ("posts", "old_posts", "expiry")),
    "Web Traffic": (
        ("link", "quantity", "country", "device", "type_of_traffic"),
        ("runs", "interval"),
    ),
}
CONDITIONAL: Final = ("google_keyword", "referring_url")

PREPARE_KEYS: Final = frozenset(
    {"missing_field", "field_not_applicable", "invalid_field", "quantity_out_of_range"}
)
UNKNOWN_TYPE: Final = "Something New"


def make_service(
    service_type: str = "Default",
    *,
    rate: str = "1.00",
    minimum: int = 1,
    maximum: int = 1000,
    service_id: str = "7",
) -> Service:
    """A catalogue entry for the tests."""
    return Service(
        service_id=service_id,
        name=f"{service_type} service",
        type=service_type,
        category="Tests",
        rate=Decimal(rate),
        min=minimum,
        max=maximum,
        refill=False,
        cancel=False,
        dripfeed=False,
    )


def required_fields(service_type: str) -> dict[str, object]:
    """Valid values for exactly the required fields of a type."""
    return {name: VALID[name] for name in EXPECTED[service_type][0]}


def rule_error(service: Service, fields: Mapping[str, object]) -> OrderRuleError:
    """The OrderRuleError prepare_order raises."""
    with pytest.raises(OrderRuleError) as info:
        prepare_order(service, fields)
    return info.value


def invalid_reason(service: Service, fields: Mapping[str, object], field: str) -> str:
    """Assert invalid_field for `field` and return the reason."""
    err = rule_error(service, fields)
    assert err.key == "invalid_field", err
    assert err.placeholders["field"] == field
    return err.placeholders["reason"]


# --- the type table ---------------------------------------------------------------------------


def test_table_matches_protocol() -> None:
    """The module knows exactly the types and fields of PROTOCOL.md §3."""
    assert {rule.name for rule in SERVICE_TYPES} == set(EXPECTED)
    for rule in SERVICE_TYPES:
        required, optional = EXPECTED[rule.name]
        assert rule.required == required
        assert rule.optional == optional
        extra = set(CONDITIONAL) if rule.name == "Web Traffic" else set()
        assert rule.allowed == set(required) | set(optional) | extra
        assert allowed_fields(rule.name) == rule.allowed
    assert allowed_fields(UNKNOWN_TYPE) == set(ORDER_FIELDS)
    assert set(ORDER_FIELDS) >= LIST_FIELDS
    assert len(ORDER_FIELDS) == len(set(ORDER_FIELDS)) == 24


@pytest.mark.parametrize("service_type", list(EXPECTED))
def test_type_table_row(service_type: str) -> None:
    """One row of the table: what is required, optional, missing and refused."""
    service = make_service(service_type)
    required, optional = EXPECTED[service_type]

    # The required fields suffice and are sent as the panel wants them.
    prepared = prepare_order(service, required_fields(service_type))
    assert prepared.service_id == "7"
    assert prepared.form == {name: SENT[name] for name in required}
    assert prepared.runs is None
    assert prepared.estimated_cost >= 0

    # Required plus every optional field is accepted too.
    fields = {name: VALID[name] for name in (*required, *optional)}
    assert set(prepare_order(service, fields).form) == set(fields)

    # Leaving out any one required field names it.
    for missing in required:
        fields = required_fields(service_type)
        del fields[missing]
        err = rule_error(service, fields)
        assert (err.key, err.placeholders) == (
            "missing_field",
            {"service": "7", "service_type": service_type, "fields": missing},
        )

    # All missing fields are named at once, in ORDER_FIELDS order; None counts as absent.
    err = rule_error(service, dict.fromkeys(required))
    assert err.key == "missing_field"
    assert err.placeholders["fields"] == ", ".join(n for n in ORDER_FIELDS if n in required)

    # Any field the type does not take is refused by name.
    extras = [
        name
        for name in ORDER_FIELDS
        if name not in (*required, *optional)
        and not (service_type == "Web Traffic" and name in CONDITIONAL)
    ]
    assert extras
    for extra in extras:
        err = rule_error(service, required_fields(service_type) | {extra: VALID[extra]})
        assert (err.key, err.placeholders) == (
            "field_not_applicable",
            {"service": "7", "service_type": service_type, "fields": extra},
        )


def test_all_not_applicable_fields_named() -> None:
    """Every refused field is named, in ORDER_FIELDS order."""
    fields = required_fields("Package") | {"usernames": ["a"], "quantity": 5, "expiry": "x"}
    err = rule_error(make_service("Package"), fields)
    assert err.key == "field_not_applicable"
    assert err.placeholders["fields"] == "quantity, usernames, expiry"


def test_non_order_keys_are_ignored() -> None:
    """The action's own keys (service, allow_duplicate, track, ...) are not order fields."""
    fields = required_fields("Package") | {"service": "5", "allow_duplicate": True, "track": 1}
    prepared = prepare_order(make_service("Package"), fields)
    assert prepared.form == {"link": "https://example.com/p/1"}


@pytest.mark.parametrize(
    "spelling",
    [
        "custom comments",
        "CUSTOM COMMENTS",
        "Custom_Comments",
        "custom-comments",
        "  Custom \t Comments  ",
        "Custom  -_ Comments",
        "CuStOm\nComments",
    ],
)
def test_type_name_variants(spelling: str) -> None:
    """Type names match whatever the case, spacing, `_` or `-`."""
    assert normalize_type(spelling) == "custom comments"
    rule = type_rule(spelling)
    assert rule is not None
    assert rule.name == "Custom Comments"
    service = make_service(spelling, rate="12.00")
    prepared = prepare_order(service, {"link": "x", "comments": "a\nb\nc"})
    assert prepared.quantity == 3
    assert prepared.estimated_cost == Decimal("0.036")
    err = rule_error(service, {"link": "x", "comments": "a", "quantity": 1})
    assert err.key == "field_not_applicable"
    assert err.placeholders["service_type"] == spelling


def test_every_type_name_round_trips() -> None:
    """Each canonical name, its upper case and its snake case find the same rule."""
    for name in (rule.name for rule in SERVICE_TYPES):
        for spelling in (name, name.upper(), name.lower().replace(" ", "_")):
            rule = type_rule(spelling)
            assert rule is not None
            assert rule.name == name


def test_unknown_type_takes_any_field() -> None:
    """Unknown types require nothing and refuse nothing, but values are still checked."""
    service = make_service(UNKNOWN_TYPE, rate="2.00", minimum=10, maximum=500)
    assert type_rule(UNKNOWN_TYPE) is None
    prepared = prepare_order(service, {})
    assert prepared.form == {}
    assert prepared.quantity is None
    assert prepared.link is None
    assert prepared.estimated_cost == Decimal("2.00")

    fields = dict(VALID)
    del fields["runs"], fields["interval"]
    prepared = prepare_order(service, fields)
    assert prepared.form == {name: value for name, value in SENT.items() if name in fields}
    assert prepared.quantity == 100

    assert invalid_reason(service, {"device": 9}, "device") == "must be between 1 and 5"
    err = rule_error(service, {"quantity": 501})
    assert err.key == "quantity_out_of_range"
    err = rule_error(service, {"quantity": 50, "runs": 2})
    assert err.key == "missing_field"
    assert err.placeholders["fields"] == "interval"
    assert invalid_reason(service, {"min": 5, "max": 4}, "min") == "must not be greater than max"


# --- error precedence -------------------------------------------------------------------------


def test_missing_before_not_applicable() -> None:
    """missing_field wins over field_not_applicable."""
    err = rule_error(make_service(), {"quantity": 100, "comments": "x"})
    assert err.key == "missing_field"
    assert err.placeholders["fields"] == "link"


def test_not_applicable_before_invalid() -> None:
    """field_not_applicable wins over invalid_field."""
    err = rule_error(make_service(), {"link": "", "quantity": 100, "comments": 5})
    assert err.key == "field_not_applicable"


def test_invalid_before_range_and_first_field_first() -> None:
    """invalid_field wins over quantity_out_of_range; fields are checked in ORDER_FIELDS order."""
    service = make_service()
    assert invalid_reason(service, {"link": "", "quantity": 10**6}, "link") == "is empty"
    assert invalid_reason(service, {"link": "x", "quantity": 10**6, "runs": 0}, "runs") == (
        "must be at least 1"
    )


def test_range_before_runs_interval_pairing() -> None:
    """quantity_out_of_range wins over the runs/interval pairing."""
    err = rule_error(make_service(), {"link": "x", "quantity": 1001, "runs": 2})
    assert err.key == "quantity_out_of_range"


@pytest.mark.parametrize(
    ("given", "missing"), [({"runs": 2}, "interval"), ({"interval": 10}, "runs")]
)
@pytest.mark.parametrize("service_type", ["Default", "Web Traffic"])
def test_runs_and_interval_only_together(
    service_type: str, given: dict[str, object], missing: str
) -> None:
    """runs without interval (or the reverse) names the absent one."""
    err = rule_error(make_service(service_type), required_fields(service_type) | given)
    assert err.key == "missing_field"
    assert err.placeholders == {"service": "7", "service_type": service_type, "fields": missing}


def test_drip_feed_order() -> None:
    """runs and interval together: quantity per run, cost times runs."""
    service = make_service(rate="0.90", minimum=50, maximum=10000)
    prepared = prepare_order(
        service, {"link": "https://x.test/a", "quantity": "100", "runs": 3.0, "interval": "15"}
    )
    assert prepared.form == {
        "link": "https://x.test/a",
        "quantity": "100",
        "runs": "3",
        "interval": "15",
    }
    assert prepared.quantity == 100
    assert prepared.runs == 3
    assert prepared.units == 300
    assert prepared.link == "https://x.test/a"
    assert prepared.estimated_cost == Decimal("0.27")
    single = prepare_order(service, {"link": "x", "quantity": 100})
    assert (single.runs, single.units) == (None, 100)
    assert prepare_order(make_service("Package"), {"link": "x"}).units is None


@pytest.mark.parametrize("field", ["runs", "interval"])
def test_runs_interval_must_be_positive_whole_numbers(field: str) -> None:
    """runs and interval are positive whole numbers."""
    for value in (0, -1, "abc", 1.5, True):
        fields = {"link": "x", "quantity": 5, "runs": 2, "interval": 5} | {field: value}
        assert invalid_reason(make_service(), fields, field) in {
            "must be at least 1",
            "must be a whole number",
        }


# --- numbers ----------------------------------------------------------------------------------


QUANTITY_SPELLINGS: Final[tuple[object, ...]] = (
    100,
    100.0,
    "100",
    " 100 ",
    "+100",
    "100.",
    "100.00",
    Decimal(100),
    Decimal("1E+2"),
    Decimal("100.000"),
    "\u0661\u0660\u0660",  # Arabic-Indic digits
)


def test_quantity_spellings() -> None:
    """Whole numbers arrive as ints, integral floats, Decimals or numeric text."""
    for value in QUANTITY_SPELLINGS:
        prepared = prepare_order(make_service(), {"link": "x", "quantity": value})
        assert prepared.quantity == 100
        assert prepared.form["quantity"] == "100"


NOT_WHOLE_NUMBERS: Final[tuple[object, ...]] = (
    True,
    False,
    100.5,
    float("nan"),
    float("inf"),
    "100.5",
    "1e2",
    "abc",
    "",
    "1" * 19,
    "9" * 50,
    "1 000",
    Decimal("NaN"),
    Decimal("Infinity"),
    Decimal("100.5"),
    Decimal("1E+30"),
    [100],
    {"value": 100},
    date(2030, 1, 1),
)


def test_quantity_not_a_whole_number() -> None:
    """Booleans, fractions, exponents and garbage are not quantities."""
    for value in NOT_WHOLE_NUMBERS:
        reason = invalid_reason(make_service(), {"link": "x", "quantity": value}, "quantity")
        assert reason == "must be a whole number"


@pytest.mark.parametrize("value", [0, -5, "-5", "-0", -1.0])
def test_quantity_not_positive(value: object) -> None:
    """Zero and negatives are refused."""
    reason = invalid_reason(make_service(), {"link": "x", "quantity": value}, "quantity")
    assert reason == "must be at least 1"


@pytest.mark.parametrize(
    "value",
    [MAX_NUMBER + 1, pytest.param(10**5000, id="10**5000"), 1e300, -(10**20)],
)
def test_absurd_numbers_refused_cheaply(value: object) -> None:
    """Numbers beyond MAX_NUMBER are refused before they are compared or formatted."""
    reason = invalid_reason(make_service(), {"link": "x", "quantity": value}, "quantity")
    assert reason == f"must not exceed {MAX_NUMBER}"


@pytest.mark.parametrize(
    ("quantity", "ok"),
    [(49, False), (50, True), (51, True), (9999, True), (10000, True), (10001, False)],
)
def test_quantity_range_edges(quantity: int, ok: bool) -> None:
    """The quantity must lie within service.min..service.max, both included."""
    service = make_service(minimum=50, maximum=10000, service_id="1")
    fields = {"link": "x", "quantity": quantity}
    if ok:
        assert prepare_order(service, fields).quantity == quantity
        return
    err = rule_error(service, fields)
    assert err.key == "quantity_out_of_range"
    assert err.placeholders == {
        "quantity": str(quantity),
        "service": "1",
        "min": "50",
        "max": "10000",
    }


def test_largest_number_is_out_of_range_not_invalid() -> None:
    """Up to MAX_NUMBER a quantity is a number, just too large for the service."""
    err = rule_error(make_service(), {"link": "x", "quantity": MAX_NUMBER})
    assert err.key == "quantity_out_of_range"
    assert err.placeholders["quantity"] == str(MAX_NUMBER)


@pytest.mark.parametrize(
    ("service_type", "field"),
    [
        ("Custom Comments", "comments"),
        ("Custom Comments Package", "comments"),
        ("Mentions Custom List", "usernames"),
        ("Comment Replies", "comments"),
    ],
)
def test_list_counted_quantity_range(service_type: str, field: str) -> None:
    """For list-counted types the number of lines is the quantity and must be in range."""
    service = make_service(service_type, minimum=3, maximum=4)
    fields = required_fields(service_type)
    for count in (3, 4):
        fields[field] = [f"line {i}" for i in range(count)]
        prepared = prepare_order(service, fields)
        assert prepared.quantity == count
        assert prepared.form[field].count("\n") == count - 1
    for count in (2, 5):
        fields[field] = "\n".join(f"line {i}" for i in range(count))
        err = rule_error(service, fields)
        assert err.key == "quantity_out_of_range"
        assert err.placeholders["quantity"] == str(count)


# --- texts and lists --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "is empty"),
        ("   \t ", "is empty"),
        pytest.param(
            "a" * (MAX_TEXT_LENGTH + 1),
            f"is longer than {MAX_TEXT_LENGTH} characters",
            id="too-long",
        ),
        ("https://x.test/\x00", "must be a single line without control characters"),
        ("https://x.test/a\nb", "must be a single line without control characters"),
        ("https://x.test/\x7f", "must be a single line without control characters"),
        ("https://x.test/\x85a", "must be a single line without control characters"),
        (123, "must be text"),
        (["https://x.test"], "must be text"),
    ],
)
def test_link_invalid(value: object, reason: str) -> None:
    """The link is one non-empty line of bounded length."""
    assert invalid_reason(make_service("Package"), {"link": value}, "link") == reason


def test_link_stripped_and_longest_accepted() -> None:
    """Surrounding whitespace goes; MAX_TEXT_LENGTH characters are fine; Unicode is fine."""
    link = "https://x.test/" + "a" * (MAX_TEXT_LENGTH - 15)
    assert prepare_order(make_service("Package"), {"link": link}).link == link
    prepared = prepare_order(make_service("Package"), {"link": "\t@حساب \n"})
    assert prepared.link == "@حساب"
    assert prepared.form == {"link": "@حساب"}


@pytest.mark.parametrize("field", ["hashtag", "username", "media", "country"])
def test_single_line_text_fields(field: str) -> None:
    """The other text fields follow the link's rules."""
    service = make_service(UNKNOWN_TYPE)
    assert prepare_order(service, {field: "  v  "}).form == {field: "v"}
    assert invalid_reason(service, {field: ""}, field) == "is empty"
    assert invalid_reason(service, {field: 5}, field) == "must be text"


@pytest.mark.parametrize("field", sorted(LIST_FIELDS))
def test_list_fields_sent_one_per_line(field: str) -> None:
    """Each list field is sent joined with newlines."""
    prepared = prepare_order(make_service(UNKNOWN_TYPE), {field: [" x ", "", "y"]})
    assert prepared.form == {field: "x\ny"}


def test_huge_comment_lists_are_cheap() -> None:
    """Megabytes of comments are accepted or refused in linear time, fast.

    Measured in this thread's CPU time, which other processes on a loaded machine do not
    stretch: quadratic work would take minutes, linear work well under a second.
    """
    service = make_service("Custom Comments", maximum=100_000)
    started = time.thread_time()
    one_mb = ("a fine comment " * 6 + "\n") * 10_000  # ~1 MB, 10 000 lines
    assert len(one_mb) > 900_000
    assert prepare_order(service, {"link": "x", "comments": one_mb}).quantity == 10_000
    for value in (
        "c\n" * 1_000_000,
        "\n" * (MAX_LIST_CHARS - 1),
        ["c"] * 5_000_000,
        "c" * 5_000_000,
        [" " * 1000] * MAX_LIST_LINES,
    ):
        err = rule_error(service, {"link": "x", "comments": value})
        assert err.key == "invalid_field"
    assert invalid_reason(service, {"link": "x" * 10_000_000, "comments": "c"}, "link")
    assert time.thread_time() - started < 3


# --- Web Traffic ------------------------------------------------------------------------------


def web_traffic(**changes: object) -> dict[str, object]:
    """Valid Web Traffic fields with changes."""
    return required_fields("Web Traffic") | changes


@pytest.mark.parametrize(
    ("traffic", "needed", "refused"),
    [(1, "google_keyword", "referring_url"), (2, "referring_url", "google_keyword")],
)
def test_web_traffic_conditionals(traffic: int, needed: str, refused: str) -> None:
    """type_of_traffic=1 needs google_keyword, =2 needs referring_url; the other is refused."""
    service = make_service("Web Traffic")
    err = rule_error(service, web_traffic(type_of_traffic=traffic))
    assert err.key == "missing_field"
    assert err.placeholders["fields"] == needed
    err = rule_error(service, web_traffic(type_of_traffic=str(traffic)))
    assert err.placeholders["fields"] == needed

    prepared = prepare_order(service, web_traffic(type_of_traffic=traffic, **{needed: " v "}))
    assert prepared.form[needed] == "v"
    assert prepared.form["type_of_traffic"] == str(traffic)
    assert refused not in prepared.form

    err = rule_error(service, web_traffic(type_of_traffic=traffic, **{needed: "v", refused: "w"}))
    assert err.key == "field_not_applicable"
    assert err.placeholders["fields"] == refused


def test_web_traffic_third_kind_takes_neither() -> None:
    """type_of_traffic=3 takes neither conditional field."""
    service = make_service("Web Traffic")
    prepared = prepare_order(service, web_traffic())
    assert not set(CONDITIONAL) & set(prepared.form)
    err = rule_error(service, web_traffic(google_keyword="g", referring_url="r"))
    assert err.key == "field_not_applicable"
    assert err.placeholders["fields"] == "google_keyword, referring_url"


def test_web_traffic_undecided_kind() -> None:
    """While type_of_traffic is absent or invalid, that is the error, not its dependants."""
    service = make_service("Web Traffic")
    fields = web_traffic(google_keyword="g")
    del fields["type_of_traffic"]
    err = rule_error(service, fields)
    assert err.key == "missing_field"
    assert err.placeholders["fields"] == "type_of_traffic"
    for bad in ("abc", 4, 0, True):
        reason = invalid_reason(
            service, web_traffic(type_of_traffic=bad, referring_url="r"), "type_of_traffic"
        )
        assert reason in {"must be a whole number", "must be between 1 and 3"}


@pytest.mark.parametrize(("device", "ok"), [(0, False), (1, True), (5, True), (6, False)])
def test_web_traffic_device(device: int, ok: bool) -> None:
    """device is 1 to 5."""
    service = make_service("Web Traffic")
    if ok:
        assert prepare_order(service, web_traffic(device=device)).form["device"] == str(device)
    else:
        reason = invalid_reason(service, web_traffic(device=device), "device")
        assert reason == "must be between 1 and 5"


# --- Subscriptions ----------------------------------------------------------------------------


def subscription(**changes: object) -> dict[str, object]:
    """Valid Subscriptions fields with changes."""
    return required_fields("Subscriptions") | changes


def test_subscription_delays_allowed() -> None:
    """Every listed delay is accepted."""
    assert len(SUBSCRIPTION_DELAYS) == 22
    for delay in SUBSCRIPTION_DELAYS:
        prepared = prepare_order(make_service("Subscriptions"), subscription(delay=str(delay)))
        assert prepared.form["delay"] == str(delay)
        assert prepared.quantity is None
        assert prepared.link is None


BAD_DELAYS: Final[tuple[object, ...]] = (1, 7, 25, 601, 660, -5, "soon", 30.5)


def test_subscription_delays_refused() -> None:
    """Other delays are refused."""
    for delay in BAD_DELAYS:
        reason = invalid_reason(make_service("Subscriptions"), subscription(delay=delay), "delay")
        assert reason.startswith(("must be one of 0, 5, 10,", "must be a whole number"))


@pytest.mark.parametrize(
    ("expiry", "sent"),
    [
        ("31/12/2030", "31/12/2030"),
        (" 1/2/2030 ", "01/02/2030"),
        ("2030-12-31", "31/12/2030"),
        (date(2030, 12, 31), "31/12/2030"),
        (datetime(2030, 2, 1, 12, 30), "01/02/2030"),  # noqa: DTZ001 - a plain calendar value
        ("29/02/2028", "29/02/2028"),
    ],
)
def test_subscription_expiry_accepted(expiry: object, sent: str) -> None:
    """expiry is sent as d/m/Y."""
    prepared = prepare_order(make_service("Subscriptions"), subscription(expiry=expiry))
    assert prepared.form["expiry"] == sent


BAD_EXPIRIES: Final[tuple[object, ...]] = (
    "31/02/2030",
    "29/02/2029",
    "12/31/2030",
    "2030/12/31",
    "31-12-2030",
    "31/12/30",
    "00/01/2030",
    "01/01/0000",
    "tomorrow",
    "",
    "\u0663\u0661/\u0661\u0662/\u0662\u0660\u0663\u0660",
    "1" * 100,
    20301231,
    ["31/12/2030"],
)


def test_subscription_expiry_refused() -> None:
    """Anything but a real d/m/Y (or ISO) date is refused."""
    for expiry in BAD_EXPIRIES:
        reason = invalid_reason(
            make_service("Subscriptions"), subscription(expiry=expiry), "expiry"
        )
        assert "d/m/Y" in reason


def test_subscription_min_max() -> None:
    """min <= max, both within the service's range."""
    service = make_service("Subscriptions", minimum=50, maximum=5000, service_id="19")
    assert prepare_order(service, subscription(min=70, max=70)).form["min"] == "70"
    reason = invalid_reason(service, subscription(min=300, max=200), "min")
    assert reason == "must not be greater than max"
    err = rule_error(service, subscription(min=49, max=100))
    assert err.key == "quantity_out_of_range"
    assert err.placeholders == {"quantity": "49", "service": "19", "min": "50", "max": "5000"}
    err = rule_error(service, subscription(min=100, max=5001))
    assert err.key == "quantity_out_of_range"
    assert err.placeholders["quantity"] == "5001"


def test_subscription_posts() -> None:
    """posts is positive, old_posts may be 0."""
    service = make_service("Subscriptions")
    prepared = prepare_order(service, subscription(posts="4", old_posts=0))
    assert prepared.form["posts"] == "4"
    assert prepared.form["old_posts"] == "0"
    assert invalid_reason(service, subscription(posts=0), "posts") == "must be at least 1"
    assert invalid_reason(service, subscription(old_posts=-1), "old_posts") == (
        "must be at least 0"
    )


# --- cost -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service_type", "rate", "fields", "cost"),
    [
        ("Default", "0.90", {"link": "x", "quantity": 100}, "0.09"),
        ("Default", "0.90", {"link": "x", "quantity": 100, "runs": 3, "interval": 5}, "0.27"),
        ("Default", "0.00001", {"link": "x", "quantity": 1}, "0.00000001"),
        ("Package", "4.99", {"link": "x"}, "4.99"),
        ("SEO", "3.00", {"link": "x", "quantity": 500, "keywords": "a\nb"}, "1.5"),
        ("Custom Comments", "12.00", {"link": "x", "comments": "a\nb\nc\nd\ne"}, "0.06"),
        ("Custom Comments Package", "2.50", {"link": "x", "comments": "a\nb\nc"}, "2.50"),
        ("Custom Comments Package", "2.50", {"link": "x", "comments": "c\n" * 1500}, "3.75"),
        ("Mentions Custom List", "10.00", {"link": "x", "usernames": ["u"] * 20}, "0.2"),
        ("Comment Replies", "15", {"link": "x", "username": "u", "comments": "a\nb"}, "0.03"),
        (
            "Web Traffic",
            "0.50",
            web_traffic(quantity=1000, runs=2, interval=60),
            "1",
        ),
        ("Subscriptions", "0.20", subscription(max=200, posts=5, old_posts=2), "0.28"),
        ("Subscriptions", "0.20", subscription(max=200), "0.04"),
        ("Subscriptions", "0.20", subscription(max=200, old_posts=3), "0.16"),
        (UNKNOWN_TYPE, "2.00", {"quantity": 100}, "2.00"),
        (UNKNOWN_TYPE, "2.00", {"quantity": 1000, "runs": 2, "interval": 1}, "4"),
        (UNKNOWN_TYPE, "2.00", {"link": "x"}, "2"),
        (UNKNOWN_TYPE, "2.00", {"comments": "c\n" * 1500, "usernames": "u"}, "3"),
        (UNKNOWN_TYPE, "2.00", {"keywords": ["k"] * 20}, "2"),
        ("Default", "-1", {"link": "x", "quantity": 100}, "0"),
    ],
)
def test_estimated_cost(service_type: str, rate: str, fields: dict[str, object], cost: str) -> None:
    """The estimate per kind of type, exact."""
    service = make_service(service_type, rate=rate, maximum=2000)
    prepared = prepare_order(service, fields)
    assert prepared.estimated_cost == Decimal(cost)
    assert estimate_cost(service, read_fields(fields)) == Decimal(cost)


def test_cost_kinds() -> None:
    """Each type has the cost kind the docstring describes."""
    kinds = {rule.name: rule.cost for rule in SERVICE_TYPES}
    assert kinds.pop("Package") is CostKind.PACKAGE
    assert kinds.pop("Custom Comments Package") is CostKind.COMMENTS_PACKAGE
    assert kinds.pop("Subscriptions") is CostKind.SUBSCRIPTION
    assert set(kinds.values()) == {CostKind.PER_UNIT}


def test_cost_of_hand_made_records_errs_high() -> None:
    """Records built without read_fields fall back to the service's maximum."""
    default = make_service(rate="1.00", maximum=2000)
    bare = OrderFields()
    assert estimate_cost(default, bare) == Decimal(2)
    comments = make_service("Custom Comments", rate="1.00", maximum=2000)
    assert estimate_cost(comments, bare) == Decimal(2)
    subs = make_service("Subscriptions", rate="1.00", maximum=3000)
    assert estimate_cost(subs, bare) == Decimal(3)
    garbled = OrderFields(max=-1, posts=2, old_posts=-9)
    assert estimate_cost(subs, garbled) == Decimal(6)
    assert estimate_cost(default, OrderFields(quantity=-5, runs=-2)) == Decimal(2)


def test_cost_is_exact_for_large_orders() -> None:
    """No rounding even for large quantities and many runs."""
    service = make_service(rate="123456789.123456789", maximum=MAX_NUMBER)
    fields = {"link": "x", "quantity": MAX_NUMBER, "runs": MAX_NUMBER, "interval": 1}
    prepared = prepare_order(service, fields)
    expected = Decimal("123456789.123456789") * MAX_NUMBER * MAX_NUMBER / 1000
    assert prepared.estimated_cost == expected
    assert prepared.estimated_cost == Decimal("123456789123456789") * 10**18


# --- check_cost -------------------------------------------------------------------------------


def test_check_cost_without_limits() -> None:
    """No limit (0) and no known balance: anything goes."""
    check_cost(Decimal(10**9), max_order_cost=Decimal(0), balance=None, currency="USD")


def test_check_cost_limit() -> None:
    """A cost above max_order_cost is refused; equal is fine."""
    check_cost(Decimal("1.00"), max_order_cost=Decimal(1), balance=None, currency="USD")
    with pytest.raises(OrderRuleError) as info:
        check_cost(Decimal("1.0100"), max_order_cost=Decimal(1), balance=None, currency="USD")
    assert info.value.key == "cost_limit_exceeded"
    assert info.value.placeholders == {"cost": "1.01", "limit": "1", "currency": "USD"}


def test_check_cost_balance() -> None:
    """A cost above the known balance is refused; equal is fine; no currency gives ""."""
    check_cost(Decimal("0.5"), max_order_cost=Decimal(0), balance=Decimal("0.50"), currency=None)
    with pytest.raises(OrderRuleError) as info:
        check_cost(Decimal("0.6"), max_order_cost=Decimal(0), balance=Decimal("0.5"), currency=None)
    assert info.value.key == "insufficient_balance"
    assert info.value.placeholders == {"cost": "0.6", "balance": "0.5", "currency": ""}


def test_check_cost_limit_before_balance() -> None:
    """When both are exceeded the limit is reported."""
    with pytest.raises(OrderRuleError) as info:
        check_cost(Decimal(500), max_order_cost=Decimal(100), balance=Decimal(-3), currency="EUR")
    assert info.value.key == "cost_limit_exceeded"
    assert info.value.placeholders == {"cost": "500", "limit": "100", "currency": "EUR"}
    with pytest.raises(OrderRuleError) as info:
        check_cost(Decimal(50), max_order_cost=Decimal(100), balance=Decimal(-3), currency="EUR")
    assert info.value.placeholders == {"cost": "50", "balance": "-3", "currency": "EUR"}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1E+3"), "1000"),
        (Decimal("0.0900"), "0.09"),
        (Decimal("1E-8"), "0.00000001"),
        (Decimal(0), "0"),
        (Decimal("12.5"), "12.5"),
    ],
)
def test_format_decimal(value: Decimal, text: str) -> None:
    """Placeholders show Decimals plainly."""
    assert format_decimal(value) == text


# --- properties -------------------------------------------------------------------------------

HUGE_VALUES: Final[tuple[object, ...]] = (
    "x" * 3_000_000,
    "line\n" * 300_000,
    "\n" * 2_500_000,
    ["word"] * 20_000,
    [" "] * 9_999 + ["one"],
    "https://x.test/" + "a" * 5_000,
    10**400,
    -(10**400),
    1e308,
)
NUMBER_TEXT: Final = st.from_regex(r"\s*[+-]?[0-9]{1,22}(\.[0-9]{0,3})?\s*", fullmatch=True)
SCALARS: Final[st.SearchStrategy[object]] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-3, max_value=700),
    st.floats(),
    st.decimals(),
    st.text(max_size=30),
    NUMBER_TEXT,
    st.dates(),
    st.sampled_from(list(VALID.values())),
    st.sampled_from(SUBSCRIPTION_DELAYS),
    st.sampled_from(HUGE_VALUES),
)
JSONISH: Final[st.SearchStrategy[object]] = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)
TYPE_NAMES: Final = st.one_of(
    st.sampled_from(list(EXPECTED)),
    st.sampled_from(list(EXPECTED)).map(lambda name: name.upper().replace(" ", "_")),
    st.sampled_from([UNKNOWN_TYPE, "", "drip-feed", "Default Package"]),
)
FIELD_NAMES: Final = st.sampled_from((*ORDER_FIELDS, "service", "allow_duplicate", "bogus"))


@st.composite
def services(draw: st.DrawFn) -> Service:
    """A catalogue entry of any type with sane limits and rate."""
    low, high = sorted(draw(st.lists(st.integers(1, 10**7), min_size=2, max_size=2)))
    rate = draw(st.decimals(min_value=0, max_value=10**6, places=5))
    return Service(
        service_id=draw(st.text(min_size=1, max_size=5)),
        name="fuzz",
        type=draw(TYPE_NAMES),
        category="fuzz",
        rate=rate,
        min=low,
        max=high,
        refill=False,
        cancel=False,
        dripfeed=False,
    )


@st.composite
def near_valid_fields(draw: st.DrawFn, service: Service) -> dict[str, object]:
    """The valid fields of the service's type, some replaced or added with garbage."""
    rule = type_rule(service.type)
    names = list(ORDER_FIELDS) if rule is None else list(rule.allowed)
    fields: dict[str, object] = {name: VALID[name] for name in names if draw(st.integers(0, 3)) > 0}
    if rule is not None and rule.conditional and draw(st.booleans()):
        traffic, name = draw(st.sampled_from(rule.conditional))
        fields |= {"type_of_traffic": traffic, name: VALID[name]}
        fields.pop(next(n for _, n in rule.conditional if n != name), None)
    garbage = draw(st.dictionaries(FIELD_NAMES, JSONISH, max_size=3))
    return fields | garbage


def assert_prepared(
    service: Service, fields: Mapping[str, object], prepared: PreparedOrder
) -> None:
    """The invariants of every accepted order."""
    assert set(prepared.form) <= allowed_fields(service.type)
    assert all(isinstance(value, str) and value for value in prepared.form.values())
    for name, value in prepared.form.items():
        assert value == value.strip()
        if name not in LIST_FIELDS:
            assert "\n" not in value
    assert prepared.service_id == service.service_id
    assert prepared.estimated_cost >= 0
    assert prepared.estimated_cost == estimate_cost(service, read_fields(fields))
    if prepared.quantity is not None:
        assert service.min <= prepared.quantity <= service.max
    if prepared.link is not None:
        assert prepared.form["link"] == prepared.link


def outcome(service: Service, fields: Mapping[str, object]) -> PreparedOrder | OrderRuleError:
    """What prepare_order gives: the order or the rule error (any other exception escapes)."""
    try:
        return prepare_order(service, fields)
    except OrderRuleError as err:
        return err


FUZZ_SETTINGS: Final = settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ_SETTINGS
@given(service=services(), fields=st.dictionaries(FIELD_NAMES, JSONISH, max_size=10))
def test_prepare_order_never_crashes(service: Service, fields: dict[str, object]) -> None:
    """Arbitrary fields give a PreparedOrder or an OrderRuleError with a known key."""
    result = outcome(service, fields)
    if isinstance(result, OrderRuleError):
        assert result.key in PREPARE_KEYS
        assert all(isinstance(value, str) for value in result.placeholders.values())
    else:
        assert_prepared(service, fields, result)


@FUZZ_SETTINGS
@given(data=st.data(), service=services())
def test_prepare_near_valid_orders(data: st.DataObject, service: Service) -> None:
    """Mostly valid fields: the same guarantees, with the success path well exercised."""
    fields = data.draw(near_valid_fields(service))
    result = outcome(service, fields)
    if isinstance(result, OrderRuleError):
        assert result.key in PREPARE_KEYS
        if result.key in {"field_not_applicable", "missing_field"}:
            named = set(result.placeholders["fields"].split(", "))
            assert named <= set(ORDER_FIELDS)
    else:
        assert_prepared(service, fields, result)


@settings(max_examples=30, deadline=None)
@given(service=services(), fields=st.dictionaries(FIELD_NAMES, JSONISH, max_size=10))
def test_check_cost_never_crashes_on_prepared(service: Service, fields: dict[str, object]) -> None:
    """check_cost raises only its two keys, whatever was prepared."""
    prepared = outcome(service, fields)
    if isinstance(prepared, OrderRuleError):
        return
    cost = prepared.estimated_cost
    if cost <= 1:
        check_cost(cost, max_order_cost=Decimal(1), balance=Decimal(2), currency="USD")
        return
    with pytest.raises(OrderRuleError) as info:
        check_cost(cost, max_order_cost=Decimal(1), balance=Decimal(2), currency="USD")
    assert info.value.key == "cost_limit_exceeded"
    assert Decimal(info.value.placeholders["cost"]) == cost


@given(
    rate=st.decimals(min_value=0, max_value=10**4, places=5),
    quantity=st.integers(1, 10**6),
    runs=st.none() | st.integers(1, 100),
)
def test_default_cost_property(rate: Decimal, quantity: int, runs: int | None) -> None:
    """Default: rate / 1000 * quantity * runs, exactly; check_cost agrees with it."""
    service = make_service(rate=str(rate), maximum=10**6)
    fields: dict[str, object] = {"link": "x", "quantity": quantity}
    if runs is not None:
        fields |= {"runs": runs, "interval": 10}
    cost = prepare_order(service, fields).estimated_cost
    assert cost == rate * quantity * (runs or 1) / 1000
    check_cost(cost, max_order_cost=cost, balance=cost, currency=None)
    if cost > 0:
        with pytest.raises(OrderRuleError):
            check_cost(cost, max_order_cost=cost / 2, balance=None, currency=None)
