"""Reading an action call's values (action_fields.py), through the real actions.

- Any values for the fields of every action (Hypothesis): a call ends in a response of the
  contract's shape or a translated `smm_panel` error, and a refusal before sending sends
  nothing to the panel. add_order has a search of its own: any values for its order fields,
  sections, flags and `service` end in a placed order or a translated refusal.
- The add_order sections: every type-specific field is in exactly one, and a field given
  both flat and in its section, alike, is accepted.
- Huge input: up to MAX_IDS (10 000) ids are sent 100 per request and one more is refused
  unsent; an id over MAX_ID_LENGTH (100) characters is refused, one of exactly 100 is sent;
  a signalling NaN as a flag; megabyte comment lists and a 100 kB link (the limits of
  order_fields.py) refused, or sent once. A `LoopWatch` (tests/loop_watch.py) measures the
  longest stretch the event loop was blocked while each call ran.

Every exception text produced here is checked for the API key (the conftest canary).

Hypothesis drives synchronous tests (it cannot run coroutines itself); each example runs on
Home Assistant's event loop with `loop.run_until_complete`, which is idle between the
fixtures' setup and teardown.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
import json
import math
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.smm_panel.action_fields import MAX_ID_LENGTH, MAX_IDS, SECTIONS
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.ordering import (
    MAX_LIST_CHARS,
    MAX_LIST_LINES,
    MAX_TEXT_LENGTH,
    ORDER_FIELDS,
)
from tests.fake_panel import (
    CATALOGUE,
    DEFAULT_BALANCE,
    SERVICE_CUSTOM_COMMENTS,
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    FakePanel,
    Service,
    ServiceType,
)
from tests.loop_watch import LoopWatch
from tests.property_helpers import (
    SCALARS,
    assert_no_key,
    # Under the name the tests' decorators have always had: Hypothesis derives a
    # derandomized test's seed from its source, decorators included.
    derandomized as _examples,
    mostly,
    outcome,
    reseed_random,
)
from tests.services_common import ENTRY_ID, FOLLOWERS, LINK, PANEL_ACTION, call, runtime

TRANSLATIONS = Path(__file__).parent.parent / "custom_components" / DOMAIN / "translations"
EN = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))
EXCEPTION_KEYS: frozenset[str] = frozenset(EN["exceptions"])

BATCH = 100
"""Ids per request (CONTRACT.md §4)."""

# The translation keys of refusals made before anything is sent.
REFUSED_UNSENT = frozenset({"entry_not_found", "entry_not_loaded", "invalid_field", "no_ids"})

# The ids the fresh fake panel gives the orders and the refill the action test seeds.
ACTIVE_ORDER = "23501"
DONE_ORDER = "23502"
REFILL = "1"
NOT_LOADED_ENTRY = "01JSMMPANELNOTLOADED000000"
OTHER_DOMAIN_ENTRY = "01JSMMPANELOTHERDOMAIN0000"


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The test entry set up on the real clock (no `freezer`: the loop watcher reads it)."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    return config_entry


# -- helpers -----------------------------------------------------------------------------


def _assert_translated(err: object) -> HomeAssistantError:
    """A translated error of this integration whose key is in translations/en.json."""
    assert isinstance(err, HomeAssistantError), repr(err)
    assert err.translation_domain == DOMAIN, repr(err)
    assert err.translation_key in EXCEPTION_KEYS, repr(err)
    assert_no_key(err)
    return err


async def _watched_call(
    hass: HomeAssistant, action: str, data: dict[str, Any]
) -> tuple[ServiceResponse | Exception, LoopWatch]:
    """Call an action under a loop watch: its response or exception, and the watch."""
    watch = LoopWatch()
    result = await watch.measure(outcome(call(hass, action, data)))
    return result, watch


# -- every action's fields --------------------------------------------------------------

ID_TEXTS = st.sampled_from(
    [
        ACTIVE_ORDER,
        DONE_ORDER,
        REFILL,
        "404",
        f" {ACTIVE_ORDER} ",
        f"{ACTIVE_ORDER},{DONE_ORDER}",
        f"{ACTIVE_ORDER}\n{DONE_ORDER} 404",
        f"{DONE_ORDER},,{DONE_ORDER}",
        "",
        " ",
        ",",
        " , \n",
        "1e3",
        "-1",
        "٣",
        "ord_1f",
        "x" * (MAX_ID_LENGTH + 1),
    ]
)
ID_ITEMS = st.one_of(ID_TEXTS, SCALARS)
IDS = mostly(
    st.one_of(ID_TEXTS, st.lists(ID_TEXTS, min_size=1, max_size=4)),
    st.one_of(
        ID_ITEMS,
        st.lists(ID_ITEMS, max_size=6),
        st.lists(ID_ITEMS, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=4), ID_ITEMS, max_size=2),
        st.lists(st.lists(ID_ITEMS, max_size=2), min_size=1, max_size=2),
    ),
)
FILTERS = st.one_of(
    SCALARS,
    st.sampled_from(["Instagram Followers", " instagram followers ", "Default", "package", "tik"]),
    st.lists(SCALARS, max_size=2),
    st.dictionaries(st.text(max_size=4), SCALARS, max_size=1),
)
FLAGS = st.one_of(
    SCALARS,
    st.sampled_from(["true", "false", "on", "off", "yes", "no", "1", "0", "enable", "maybe"]),
    st.lists(st.booleans(), max_size=2),
)
ODD_ENTRY_IDS = st.one_of(
    st.sampled_from([NOT_LOADED_ENTRY, OTHER_DOMAIN_ENTRY, "", " ", ENTRY_ID.lower()]),
    SCALARS,
    st.lists(st.text(max_size=4), max_size=1),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=1),
)
ACTION_FIELDS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "refill_orders": {"orders": IDS},
    "cancel_orders": {"orders": IDS},
    "get_order_status": {"orders": IDS},
    "get_refill_status": {"refills": IDS},
    "get_services": {"category": FILTERS, "type": FILTERS, "search": FILTERS, "refresh": FLAGS},
    "track_orders": {"orders": IDS},
    "untrack_orders": {"orders": IDS},
}


ACTION_EXAMPLES: tuple[tuple[str, dict[str, Any]], ...] = (
    # One of each outcome, whatever the search finds (Hypothesis versions differ).
    ("refill_orders", {"config_entry_id": ENTRY_ID, "orders": [DONE_ORDER, "404"]}),
    ("cancel_orders", {"config_entry_id": ENTRY_ID, "orders": f"{ACTIVE_ORDER},404"}),
    ("get_order_status", {"config_entry_id": ENTRY_ID, "orders": [int(ACTIVE_ORDER)]}),
    ("get_order_status", {"config_entry_id": ENTRY_ID}),
    ("get_refill_status", {"config_entry_id": ENTRY_ID, "refills": f"{REFILL} 404"}),
    ("get_services", {"config_entry_id": ENTRY_ID, "type": "default", "refresh": "on"}),
    ("track_orders", {"config_entry_id": ENTRY_ID, "orders": (ACTIVE_ORDER, 404.0)}),
    ("untrack_orders", {"config_entry_id": ENTRY_ID, "orders": ACTIVE_ORDER}),
    ("cancel_orders", {"config_entry_id": NOT_LOADED_ENTRY, "orders": "1"}),
    ("get_refill_status", {"config_entry_id": OTHER_DOMAIN_ENTRY, "refills": "1"}),
    ("track_orders", {"config_entry_id": ENTRY_ID, "orders": [[ACTIVE_ORDER]]}),
    ("refill_orders", {"config_entry_id": ENTRY_ID, "orders": " , "}),
    ("untrack_orders", {"config_entry_id": None, "orders": "1"}),
)


@st.composite
def action_calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """An action (not add_order) with arbitrary values for any of its fields."""
    action = draw(st.sampled_from(sorted(ACTION_FIELDS)))
    data = draw(st.fixed_dictionaries({}, optional=ACTION_FIELDS[action]))
    # Mostly the loaded entry, so that the other fields' values are what gets tested.
    data["config_entry_id"] = draw(mostly(st.just(ENTRY_ID), ODD_ENTRY_IDS))
    return action, data


def _requested_ids(action: str, response: dict[str, Any]) -> list[str]:
    """The ids a successful id-taking action answered for, checking the response's shape."""
    if action == "refill_orders":
        items = response["refills"]
        assert all(set(item) in ({"order", "refill"}, {"order", "error"}) for item in items)
        assert all(isinstance(item.get("refill", ""), str) for item in items)
        return [item["order"] for item in items]
    if action == "cancel_orders":
        items = response["cancels"]
        assert all(set(item) in ({"order", "canceled"}, {"order", "error"}) for item in items)
        return [item["order"] for item in items]
    if action == "get_order_status":
        orders: dict[str, Any] = response["orders"]
        assert all("error" in item or "status" in item for item in orders.values())
        return list(orders)
    if action == "get_refill_status":
        refills: dict[str, Any] = response["refills"]
        assert all("error" in item or "status" in item for item in refills.values())
        return list(refills)
    if action == "track_orders":
        tracked: list[str] = response["tracked"]
        errors: dict[str, str] = response["errors"]
        assert not set(tracked) & set(errors)
        assert all(isinstance(error, str) for error in errors.values())
        return [*tracked, *errors]
    raise AssertionError(action)


def _check_success(
    action: str, data: dict[str, Any], response: ServiceResponse, panel: FakePanel
) -> None:
    """A response of the contract's shape, with the requests it needed and no more."""
    assert isinstance(response, dict)
    sent = panel.counts[PANEL_ACTION[action] or "-"]
    if action == "get_services":
        services = response["services"]
        assert isinstance(services, list)
        listed = {service.id: service.name for service in panel.listed_services()}
        search = data.get("search")
        wanted = search.strip().casefold() if isinstance(search, str) else ""
        for item in services:
            assert isinstance(item, dict)
            service_id = item["service"]
            assert isinstance(service_id, str)
            assert wanted in listed[service_id].casefold()  # listed, and the search held
        if data.get("refresh") is None:
            assert sent == 0  # the catalogue cached at setup
        else:
            assert sent in (0, 1)  # fetched once when asked to refresh
        return
    if action == "untrack_orders":
        untracked = response["untracked"]
        assert isinstance(untracked, list)
        assert all(isinstance(order_id, str) for order_id in untracked)
        assert sum(panel.counts.values()) - panel.counts["balance"] == 0
        return
    if action == "get_order_status" and data.get("orders") is None:
        assert isinstance(response["orders"], dict)
        assert sent == 0  # the tracked orders as last polled: no request
        return
    ids = _requested_ids(action, response)
    assert ids, response
    assert all(isinstance(i, str) and i and i == i.strip() and "," not in i for i in ids)
    assert len(set(ids)) == len(ids) <= MAX_IDS
    assert sent == math.ceil(len(ids) / BATCH), (sent, len(ids))


def test_actions_never_fail_unexpectedly(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, panel: FakePanel
) -> None:
    """Every action ends in a response or a translated error; refusals send nothing."""
    loop = hass.loop
    assert panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/active", 100) == ACTIVE_ORDER
    assert (
        panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/done", 100, status="Completed") == DONE_ORDER
    )
    assert panel.create_refill(DONE_ORDER) == REFILL
    MockConfigEntry(
        domain=DOMAIN, entry_id=NOT_LOADED_ENTRY, data={CONF_URL: LINK, CONF_API_KEY: "k"}
    ).add_to_hass(hass)
    MockConfigEntry(domain="demo", entry_id=OTHER_DOMAIN_ENTRY).add_to_hass(hass)
    tracker = runtime(loaded_entry).tracker
    coordinator = runtime(loaded_entry).coordinator
    outcomes: set[str] = set()

    async def reset() -> None:
        # Nothing tracked, so a poll an action asks for sends only `balance`; and no poll
        # left waiting out the refresh cooldown (10 s) to land in a later example.
        await tracker.async_untrack(list(tracker.orders))
        coordinator._debounced_refresh.async_cancel()
        await hass.async_block_till_done()
        panel.reset_stats()

    async def attempt(action: str, data: dict[str, Any]) -> None:
        reseed_random()
        await reset()
        result = await outcome(
            hass.services.async_call(DOMAIN, action, data, blocking=True, return_response=True)
        )
        entry_id = data["config_entry_id"]
        # The one schema refusal (documented in services.py): a `config_entry_id` that
        # cv.string cannot read as text. Every other value is the handler's to judge.
        if entry_id is None or isinstance(entry_id, list | dict):
            assert isinstance(result, vol.MultipleInvalid), repr(result)
            assert [error.path for error in result.errors] == [["config_entry_id"]]
            assert_no_key(result)
            assert sum(panel.counts.values()) == 0
            outcomes.add("schema")
            return
        if isinstance(result, Exception):
            err = _assert_translated(result)
            sent = panel.counts[PANEL_ACTION[action] or "-"]
            if err.translation_key in REFUSED_UNSENT:
                assert sent == 0, panel.counts
            else:  # the panel's own refusal of what was sent
                assert err.translation_key == "panel_error", repr(err)
                assert sent >= 1, panel.counts
            outcomes.add(str(err.translation_key))
            return
        _check_success(action, data, result, panel)
        outcomes.add(f"ok:{action}")

    @_examples(400)
    @given(action_call=action_calls())
    def check(action_call: tuple[str, dict[str, Any]]) -> None:
        loop.run_until_complete(attempt(*action_call))

    for action_call in ACTION_EXAMPLES:
        check = example(action_call=action_call)(check)
    check()
    # The search reached every kind of outcome (else the assertions above prove little).
    assert {f"ok:{action}" for action in ACTION_FIELDS} <= outcomes, outcomes
    assert REFUSED_UNSENT | {"schema"} <= outcomes, outcomes


# -- add_order's fields ------------------------------------------------------------------

ORDER_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=0, max_value=2_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["1", "5", "100", "1000", " 30 ", "2.0", "1e3", "-1", "31/12/2030", "US"]),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    st.decimals(allow_nan=True, allow_infinity=True),
)
ORDER_VALUES = st.one_of(
    ORDER_SCALARS,
    st.lists(st.one_of(st.text(max_size=12), ORDER_SCALARS), max_size=4),
    st.dictionaries(st.text(max_size=8), ORDER_SCALARS, max_size=2),
)
ORDER_FIELD_NAMES = (*ORDER_FIELDS, *SECTIONS, "allow_duplicate", "track", "service")
ARBITRARY_ORDERS = st.fixed_dictionaries(
    {"service": st.one_of(st.sampled_from([service.id for service in CATALOGUE]), ORDER_VALUES)},
    optional=dict.fromkeys(ORDER_FIELD_NAMES[:-1], ORDER_VALUES),
)
VALID_ORDERS: tuple[dict[str, Any], ...] = (
    {"service": "1", "link": LINK, "quantity": 1000},
    {"service": 4, "link": LINK, "quantity": 10.0, "allow_duplicate": True},
    {"service": "2", "link": LINK, "quantity": 100, "drip_feed": {"runs": 2, "interval": 5}},
    {"service": "5", "link": LINK, "track": False},
    {"service": "7", "link": LINK, "lists": {"comments": "a\nb\nc\nd\ne"}},
    {"service": "8", "link": LINK, "comments": ["a", "b"]},
    {"service": "9", "link": LINK, "quantity": 100, "usernames": "alice\nbob"},
    {"service": "12", "link": LINK, "quantity": 100, "targets": {"hashtag": "#food"}},
    {"service": "17", "link": LINK, "quantity": 100, "answer_number": "2"},
    {
        "service": "19",
        "username": "alice",
        "subscriptions": {"min": 50, "max": 100, "delay": "0", "expiry": "31/12/2030"},
    },
    {
        "service": "20",
        "link": LINK,
        "quantity": 1000,
        "web_traffic": {"country": "US", "device": "1", "type_of_traffic": 3},
    },
)


# `orders` is named in the test's `@given`, part of the source its derandomized seed comes from.
@st.composite
def orders(draw: st.DrawFn) -> dict[str, Any]:
    """Arbitrary field values, or a valid order with up to three fields changed or dropped."""
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return draw(ARBITRARY_ORDERS)
    data = dict(draw(st.sampled_from(VALID_ORDERS)))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        name = draw(st.sampled_from(ORDER_FIELD_NAMES))
        if name in data and draw(st.booleans()):
            del data[name]
        else:
            data[name] = draw(ORDER_VALUES)
    data.setdefault("service", "1")
    return data


def test_add_order_never_fails_unexpectedly(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Every outcome is a placed order or a ServiceValidationError; refusals send nothing."""
    tracker = runtime(setup_integration).tracker
    loop = hass.loop

    async def reset() -> None:
        await tracker.async_untrack(list(tracker.orders))
        for order_id in panel.orders:
            panel.set_order_status(order_id, "Canceled")
        panel.balance = DEFAULT_BALANCE
        panel.reset_stats()

    async def attempt(data: dict[str, Any]) -> None:
        await reset()
        refusal: ServiceValidationError | None = None
        try:
            response = await call(hass, "add_order", data)
        except ServiceValidationError as err:
            refusal = err
        if refusal is not None:
            assert refusal.translation_domain == DOMAIN
            assert refusal.translation_key is not None
            # Only the panel's own refusal comes after sending; every other one before.
            sent = 1 if refusal.translation_key == "panel_error" else 0
            assert panel.counts["add"] == sent, (refusal.translation_key, panel.counts)
            return
        assert response is not None
        assert panel.counts["add"] == 1
        assert isinstance(response["order"], str)
        assert isinstance(response["estimated_cost"], float)
        assert Decimal(str(response["estimated_cost"])) >= 0

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(data=orders())
    def check(data: dict[str, Any]) -> None:
        loop.run_until_complete(attempt(data))

    check()


# -- the add_order sections --------------------------------------------------------------


async def test_same_section_value_twice_is_fine(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """A field given flat and in its section with the same value is accepted; empty ones skipped."""
    data = {**FOLLOWERS, "service": SERVICE_LIKES_DRIPFEED, "quantity": 100, "runs": 2}
    await call(
        hass,
        "add_order",
        {**data, "drip_feed": {"runs": 2, "interval": 5}, "lists": {"comments": None}},
    )
    assert panel.counts["add"] == 1


async def test_sections_cover_every_type_field() -> None:
    """The services.yaml sections hold every type-specific field exactly once."""
    in_sections = [name for names in SECTIONS.values() for name in names]
    assert sorted(in_sections) == sorted(set(ORDER_FIELDS) - {"link", "quantity"})


# -- huge input --------------------------------------------------------------------------

BULK_ACTIONS: dict[str, tuple[str, str]] = {
    "get_order_status": ("orders", "status"),
    "track_orders": ("orders", "status"),
    "refill_orders": ("orders", "refill"),
    "cancel_orders": ("orders", "cancel"),
    "get_refill_status": ("refills", "refill_status"),
}


@pytest.mark.parametrize(
    ("action", "count", "as_text"),
    [
        ("get_order_status", MAX_IDS, False),
        ("get_order_status", 4_321, True),
        ("track_orders", MAX_IDS, True),
        ("refill_orders", MAX_IDS, False),
        ("cancel_orders", MAX_IDS, True),
        ("get_refill_status", MAX_IDS, False),
    ],
)
async def test_many_ids_go_100_per_request(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    panel: FakePanel,
    action: str,
    count: int,
    as_text: bool,
) -> None:
    """Up to 10 000 ids (a list or one comma-separated text) are answered in full, sent in
    ⌈n/100⌉ requests of at most 100 ids, without blocking the event loop."""
    field_name, panel_action = BULK_ACTIONS[action]
    real = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/real", 100)
    ids = [real, *(str(number) for number in range(1, count))]
    panel.reset_stats()

    response, watch = await _watched_call(
        hass, action, {field_name: ",".join(ids) if as_text else ids}
    )

    assert not isinstance(response, Exception), repr(response)
    assert response is not None
    assert sorted(_requested_ids(action, response)) == sorted(ids)
    requests = [request for request in panel.requests if request.action == panel_action]
    assert len(requests) == math.ceil(count / BATCH)
    assert all(len(request.ids) <= BATCH for request in requests)
    assert sorted(one for request in requests for one in request.ids) == sorted(ids)
    watch.assert_responsive()
    await hass.async_block_till_done()


@pytest.mark.parametrize("action", [*BULK_ACTIONS, "untrack_orders"])
@pytest.mark.parametrize("as_text", [False, True])
async def test_more_than_10000_ids_refused_unsent(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    panel: FakePanel,
    action: str,
    as_text: bool,
) -> None:
    """10 001 ids are refused before anything is sent (one more than 100 requests' worth)."""
    field_name = BULK_ACTIONS.get(action, ("orders", ""))[0]
    ids = [str(number) for number in range(1, MAX_IDS + 2)]
    panel.reset_stats()

    result, watch = await _watched_call(
        hass, action, {field_name: ",".join(ids) if as_text else ids}
    )

    err = _assert_translated(result)
    assert err.translation_key == "invalid_field"
    assert err.translation_placeholders == {
        "field": field_name,
        "reason": f"has more than {MAX_IDS} ids",
    }
    assert sum(panel.counts.values()) == 0
    watch.assert_responsive()


@pytest.mark.parametrize(
    "value",
    [
        "9" * 1_000_000,
        "é" * (MAX_ID_LENGTH + 1),
        ["1", "2" * (MAX_ID_LENGTH + 1)],
        f"1,{'2' * (MAX_ID_LENGTH + 1)}",
        10**MAX_ID_LENGTH,
        -(10**5_000),
    ],
    ids=["1MB-text", "101-chars", "list", "text", "101-digit-int", "5001-digit-int"],
)
async def test_overlong_id_refused_unsent(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, panel: FakePanel, value: object
) -> None:
    """An id longer than 100 characters is no id: refused before sending. (Regression: a
    megabyte id was posted to the panel, whose web server refused the body — reported as an
    invalid response — and an int of over 4300 digits raised a bare ValueError.)"""
    panel.reset_stats()

    result, watch = await _watched_call(hass, "get_order_status", {"orders": value})

    err = _assert_translated(result)
    assert err.translation_key == "invalid_field"
    assert err.translation_placeholders is not None
    assert err.translation_placeholders["field"] == "orders"
    assert sum(panel.counts.values()) == 0
    watch.assert_responsive()


@pytest.mark.parametrize(
    ("value", "sent"),
    [("7" * MAX_ID_LENGTH, "7" * MAX_ID_LENGTH), (10**MAX_ID_LENGTH - 1, "9" * MAX_ID_LENGTH)],
    ids=["100-chars", "100-digit-int"],
)
async def test_longest_ids_still_sent(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, panel: FakePanel, value: object, sent: str
) -> None:
    """Ids of 100 characters (or a 100-digit number) are sent as they are: the limit is
    exactly 100."""
    panel.reset_stats()
    response = await call(hass, "get_order_status", {"orders": value})
    assert response is not None
    orders = response["orders"]
    assert isinstance(orders, dict)
    assert list(orders) == [sent]
    assert panel.requests[0].ids == (sent,)


async def test_signalling_nan_flag_is_a_validation_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, panel: FakePanel
) -> None:
    """Regression (found by the property test): a Decimal signalling NaN as a yes/no field
    raised a bare decimal.InvalidOperation; it is now refused like any other non-boolean."""
    panel.reset_stats()
    for action, data in (
        ("get_services", {"refresh": Decimal("sNaN")}),
        ("add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "track": Decimal("sNaN")}),
    ):
        result = await outcome(call(hass, action, data))
        err = _assert_translated(result)
        assert err.translation_key == "invalid_field"
        assert err.translation_placeholders is not None
        assert err.translation_placeholders["reason"] == "must be true or false"
    assert sum(panel.counts.values()) == 0


def _comments(lines: int, width: int) -> str:
    """`lines` comment lines of `width` characters each, joined by newlines."""
    return "\n".join(f"{number:0{width}d}" for number in range(lines))


@pytest.mark.parametrize(
    ("comments", "key", "reason"),
    [
        (_comments(5_000, 199), "quantity_out_of_range", None),  # 1 MB, over the service max
        ([_comments(1, 99)] * MAX_LIST_LINES, "quantity_out_of_range", None),  # 1 MB list
        (_comments(MAX_LIST_LINES + 1, 5), "invalid_field", f"more than {MAX_LIST_LINES}"),
        ("x" * (MAX_LIST_CHARS + 1), "invalid_field", f"longer than {MAX_LIST_CHARS}"),
        (["x" * 1_000_000] * 3, "invalid_field", f"longer than {MAX_LIST_CHARS}"),
    ],
    ids=["1MB-text", "1MB-list", "too-many-lines", "too-long-text", "too-long-list"],
)
async def test_huge_comments_refused_unsent(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    panel: FakePanel,
    comments: object,
    key: str,
    reason: str | None,
) -> None:
    """Megabytes of comments are checked without blocking the loop and refused unsent:
    over the service's maximum (500 lines), or beyond 10 000 lines / 2 000 000 characters."""
    panel.reset_stats()

    result, watch = await _watched_call(
        hass, "add_order", {"service": SERVICE_CUSTOM_COMMENTS, "link": LINK, "comments": comments}
    )

    err = _assert_translated(result)
    assert err.translation_key == key
    if reason is not None:
        assert err.translation_placeholders is not None
        assert err.translation_placeholders["field"] == "comments"
        assert reason in err.translation_placeholders["reason"]
    assert panel.counts["add"] == 0
    watch.assert_responsive()


async def test_1mb_comments_accepted_and_sent_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, panel: FakePanel
) -> None:
    """10 000 comments (1 MB) for a service that takes that many: one request, the order
    placed and tracked, the loop never blocked."""
    panel.catalogue["70"] = Service(
        id="70",
        name="Bulk Custom Comments",
        type=ServiceType.CUSTOM_COMMENTS,
        category="Instagram Comments",
        rate=Decimal("0.01"),
        min=1,
        max=MAX_LIST_LINES,
    )
    comments = _comments(MAX_LIST_LINES, 99)
    assert len(comments) == 1_000_000 - 1
    panel.reset_stats()

    response, watch = await _watched_call(
        hass, "add_order", {"service": "70", "link": LINK, "comments": comments}
    )

    assert isinstance(response, dict), repr(response)
    order_id = response["order"]
    assert isinstance(order_id, str)
    assert panel.counts["add"] == 1
    assert panel.orders[order_id].quantity == MAX_LIST_LINES
    assert response["estimated_cost"] == 0.1
    assert order_id in runtime(loaded_entry).tracker.orders
    watch.assert_responsive()
    await hass.async_block_till_done()


@pytest.mark.parametrize("length", [100_000, MAX_TEXT_LENGTH + 1])
async def test_long_link_refused_unsent(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, panel: FakePanel, length: int
) -> None:
    """A 100 kB link (anything over 2 000 characters) is refused before sending."""
    panel.reset_stats()
    link = f"{LINK}/{'a' * length}"

    result, watch = await _watched_call(
        hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": link, "quantity": 100}
    )

    err = _assert_translated(result)
    assert err.translation_key == "invalid_field"
    assert err.translation_placeholders == {
        "field": "link",
        "reason": f"is longer than {MAX_TEXT_LENGTH} characters",
    }
    assert panel.counts["add"] == 0
    watch.assert_responsive()
