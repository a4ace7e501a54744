"""Bad input (issue 7): any field value or form input ends well, huge input never freezes.

Three parts:

1. Hypothesis over the field values of every action but `add_order` (which
   tests/test_services_property.py covers): a call ends in a response or a translated
   `smm_panel` error; a refusal before sending sends nothing to the panel.
2. Hypothesis over the config flow (user, reauth_confirm, reconfigure) and the options form:
   any input ends in an entry created or updated, the form shown again with a translated
   error, or Home Assistant's schema refusal (`InvalidData`); a refused URL sends nothing.
3. Huge input: 10 000 ids are sent 100 per request and 10 001 are refused unsent; megabyte
   comment lists, a 100 kB link, a megabyte API key. A watcher task on the event loop
   measures the longest stretch the loop was blocked while each call ran.

Every exception text produced here, and every form as the frontend receives it, is checked
for the API key (the conftest canary).

Not covered: option values that are Python ints beyond a float's range (10**400). They cannot
arrive from the frontend or the REST API (orjson reads such numbers as floats or refuses
them); from Python code they crash Home Assistant's own NumberSelector with OverflowError,
in every integration that uses it.

Hypothesis drives synchronous tests (it cannot run coroutines itself); each example runs on
Home Assistant's event loop with `loop.run_until_complete`, as in test_services_property.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
import contextlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
import gc
import itertools
import json
import math
from pathlib import Path
import random
import time
from typing import Any
from unittest.mock import patch
from urllib.parse import urlsplit

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.data_entry_flow import FlowResultType, InvalidData, UnknownFlow
from homeassistant.exceptions import HomeAssistantError
from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.smm_panel.action_fields import MAX_ID_LENGTH, MAX_IDS
from custom_components.smm_panel.api import Balance, SmmConnectionError, SmmPanelClient
from custom_components.smm_panel.config_flow import MAX_API_KEY_LENGTH
from custom_components.smm_panel.const import (
    CONF_FINISHED_ORDER_RETENTION,
    CONF_LOW_BALANCE_THRESHOLD,
    CONF_MAX_ORDER_COST,
    CONF_SCAN_INTERVAL,
    DOMAIN,
    MAX_FINISHED_ORDER_RETENTION,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from custom_components.smm_panel.ordering import MAX_LIST_CHARS, MAX_LIST_LINES, MAX_TEXT_LENGTH
from tests.conftest import API_KEY
from tests.fake_panel import (
    SERVICE_CUSTOM_COMMENTS,
    SERVICE_FOLLOWERS,
    FakePanel,
    Service,
    ServiceType,
)
from tests.flow_json import frontend_json
from tests.leaks import exception_texts
from tests.services_common import ENTRY_ID, LINK, PANEL_ACTION, call, runtime

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / DOMAIN / "translations"
EN = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))
EXCEPTION_KEYS: frozenset[str] = frozenset(EN["exceptions"])
CONFIG_ERRORS: frozenset[str] = frozenset(EN["config"]["error"])
CONFIG_ABORTS: frozenset[str] = frozenset(EN["config"]["abort"])

BATCH = 100
"""Ids per request (CONTRACT.md §4)."""
LOOP_TICK = 0.005
"""How often the watcher task wakes up, in seconds."""
MAX_LOOP_BLOCK = 0.5
"""The longest the event loop may be blocked by one call: a generous behaviour bound (a
loaded two-core machine included), not a benchmark. A call that freezes the loop on a huge
input (quadratic work, a synchronous encode of megabytes) blocks it for seconds."""


def _examples(count: int) -> settings:
    """Hypothesis settings of these tests: reproducible, no deadline, `count` examples."""
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# The translation keys of refusals made before anything is sent.
REFUSED_UNSENT = frozenset({"entry_not_found", "entry_not_loaded", "invalid_field", "no_ids"})

# The ids the fresh fake panel gives the orders and the refill the action test seeds.
ACTIVE_ORDER = "23501"
DONE_ORDER = "23502"
REFILL = "1"
NOT_LOADED_ENTRY = "01JSMMPANELNOTLOADED000000"
OTHER_DOMAIN_ENTRY = "01JSMMPANELOTHERDOMAIN0000"
OTHER_ACCOUNT_KEY = "another-account-key"


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The test entry set up on the real clock (no `freezer`: the loop watcher reads it)."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    return config_entry


# -- helpers -----------------------------------------------------------------------------


_SEEDS = itertools.count()


def _reseed_random() -> None:
    """Give each example its own sequence of the `random` module.

    Hypothesis seeds `random` alike for every example, and Home Assistant draws its entity
    registry ids from it (`random_uuid_hex`): an entity made in one example and one made in
    the next would share an id, a collision only these tests could produce.
    """
    random.seed(f"bad-input-{next(_SEEDS)}")


def _assert_no_key(err: BaseException) -> None:
    leaks = [text for text in exception_texts(err) if API_KEY in text]
    assert not leaks, leaks[:1]


def _assert_translated(err: object) -> HomeAssistantError:
    """A translated error of this integration whose key is in translations/en.json."""
    assert isinstance(err, HomeAssistantError), repr(err)
    assert err.translation_domain == DOMAIN, repr(err)
    assert err.translation_key in EXCEPTION_KEYS, repr(err)
    _assert_no_key(err)
    return err


@dataclass(slots=True)
class LoopWatch:
    """The longest stretch the loop worked without waking a task sleeping `LOOP_TICK` at a time.

    Measured in the loop thread's CPU time, not wall time: on a loaded machine the process is
    also descheduled for a while now and then, which blocks nothing of ours.
    """

    longest: float = 0.0
    ticks: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def _run(self) -> None:
        last = time.thread_time()
        while not self._stop.is_set():
            await asyncio.sleep(LOOP_TICK)
            now = time.thread_time()
            self.longest = max(self.longest, now - last)
            self.ticks += 1
            last = now

    async def measure[T](self, work: Awaitable[T]) -> T:
        """Await `work` while the watcher runs alongside it on the loop."""
        # The test process's heap (every earlier test's leftovers) is not ours to walk: a
        # full collection of it can take most of a second under coverage, in any test.
        gc.collect()
        gc.freeze()
        watcher = asyncio.create_task(self._run())
        await asyncio.sleep(0)  # the watcher takes its first timestamp
        try:
            return await work
        finally:
            self._stop.set()
            await watcher
            gc.unfreeze()

    def assert_responsive(self) -> None:
        assert self.ticks > 0
        assert self.longest < MAX_LOOP_BLOCK, f"event loop blocked for {self.longest:.3f} s"


async def _outcome[T](work: Awaitable[T]) -> T | Exception:
    """The result of `work`, or the exception it raised."""
    try:
        return await work
    except Exception as err:  # noqa: BLE001 - the tests judge every exception
        return err


async def _watched_call(
    hass: HomeAssistant, action: str, data: dict[str, Any]
) -> tuple[ServiceResponse | Exception, LoopWatch]:
    """Call an action under a loop watch: its response or exception, and the watch."""
    watch = LoopWatch()
    result = await watch.measure(_outcome(call(hass, action, data)))
    return result, watch


# -- 1. every action's fields ------------------------------------------------------------


def _mostly[T](
    likely: st.SearchStrategy[T], unlikely: st.SearchStrategy[T]
) -> st.SearchStrategy[T]:
    """`likely` three times in four (a plain `one_of` weighs each of its branches alike)."""
    return st.sampled_from((True, True, True, False)).flatmap(
        lambda pick: likely if pick else unlikely
    )


NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=0, max_value=30_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    st.text(max_size=16),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)
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
IDS = _mostly(
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
    data["config_entry_id"] = draw(_mostly(st.just(ENTRY_ID), ODD_ENTRY_IDS))
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
        _reseed_random()
        await reset()
        result = await _outcome(
            hass.services.async_call(DOMAIN, action, data, blocking=True, return_response=True)
        )
        entry_id = data["config_entry_id"]
        # The one schema refusal (documented in services.py): a `config_entry_id` that
        # cv.string cannot read as text. Every other value is the handler's to judge.
        if entry_id is None or isinstance(entry_id, list | dict):
            assert isinstance(result, vol.MultipleInvalid), repr(result)
            assert [error.path for error in result.errors] == [["config_entry_id"]]
            _assert_no_key(result)
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


# -- 2. the config flow and the options form ---------------------------------------------

FLOW_FIELDS: dict[str, tuple[str, ...]] = {
    "user": (CONF_URL, CONF_API_KEY),
    "reauth_confirm": (CONF_API_KEY,),
    "reconfigure": (CONF_URL, CONF_API_KEY),
}
URL_ERRORS = frozenset({"invalid_url", "insecure_url"})
PANEL_ANSWERED = frozenset({"invalid_auth", "cannot_connect", "invalid_response"})
OLD_KEY = "old-key"
PORT = "{port}"
"""Replaced by the fake panel's port in every URL an example uses."""

NOT_TEXT = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    st.lists(st.text(max_size=4), max_size=2),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=1),
)
PADDING = st.sampled_from(["", "", " ", "\t", "\n", " \u00a0", "\u200b"])
SCHEMES = st.sampled_from(
    ["https", "http", "HTTPS", "Http", "ftp", "file", "javascript", "", "h ttps", "httpss"]
)
SEPARATORS = st.sampled_from(["://", "://", "://", ":/", ":", "//", ":///", ":\\\\"])
CREDENTIALS = st.sampled_from(
    ["", "", "", "user@", "user:pw@", f"user:{API_KEY}@", "@", ":@", "a@b@"]
)
HOSTS = st.one_of(
    st.sampled_from(
        [
            "127.0.0.1",
            "localhost",
            "LOCALHOST",
            "[::1]",
            "[::1",
            "::1",
            "smmpllus.com",
            "SMMPLLUS.com.",
            "bücher.example",
            "xn--bcher-kva.example",
            "exa mple.com",
            "-bad.com",
            "bad-.com",
            "a..b",
            f"{'a' * 64}.com",
            ".".join(["a" * 63] * 5),
            "192.168.1.10",
            "999.1.1.1",
            "[fe80::1%25eth0]",
            "[v1.x]",
            "ex_ample.com",
            "ex%41mple.com",
            "*.example",
            "\u0661\u0662\u0667.\u0660.\u0660.\u0661",  # 127.0.0.1 in Arabic-Indic digits
            "",
        ]
    ),
    st.text(max_size=10),
)
PORTS = st.sampled_from(
    ["", "", f":{PORT}", f":{PORT}", ":443", ":0", ":65535", ":65536", ":99999", ":abc", ":",
     ":-1", ":+80", ":\uff18\uff10", "::1"]
)  # fmt: skip
PATHS = st.one_of(
    st.sampled_from(["", "/", "/api/v2", "/api/v2", "/api/v2/", "/API/V2", "/api v2", "/ä", "//"]),
    st.text(max_size=10).map(lambda text: f"/{text}"),
)
TAILS = st.sampled_from(["", "", "", "?", f"?key={API_KEY}", "#top", "?a=b#c", "/#"])


@st.composite
def built_urls(draw: st.DrawFn) -> str:
    """A URL assembled from likely and unlikely parts."""
    parts = (PADDING, SCHEMES, SEPARATORS, CREDENTIALS, HOSTS, PORTS, PATHS, TAILS, PADDING)
    return "".join(draw(part) for part in parts)


PANEL_URLS = st.builds(
    "{}{}://127.0.0.1:{}/api/v2{}{}".format,
    PADDING,
    st.sampled_from(["http", "HTTP", "Http"]),
    st.just(PORT),
    st.sampled_from(["", "/", "//"]),
    PADDING,
)
LONG_URLS = st.sampled_from(
    [
        f"https://{'a' * 3000}.com/api/v2",
        f"https://{'a.' * 1500}com/api/v2",
        f"https://smmpllus.com/{'p' * 10_000}",
        f"http://127.0.0.1:{PORT}/api/v2/{'p' * 10_000}",
        f"http://127.0.0.1:{PORT}/api/v2?{'q' * 10_000}",
    ]
)
PLAUSIBLE_URLS = st.builds(
    "{}://{}{}{}{}".format,
    st.sampled_from(["https", "http"]),
    st.sampled_from(
        ["smmpllus.com", "localhost", "[::1]", "127.0.0.1", "192.168.1.10", "bücher.example"]
    ),
    st.sampled_from(["", ":8080", f":{PORT}"]),
    st.sampled_from(["/api/v2", "", "/"]),
    st.sampled_from(["", "", "", "?key=1", "#x"]),
)
URLS = _mostly(
    st.one_of(PANEL_URLS, PLAUSIBLE_URLS),
    st.one_of(built_urls(), st.text(max_size=30), LONG_URLS, NOT_TEXT),
)
KEYS = _mostly(
    st.sampled_from(
        [API_KEY, API_KEY, f" {API_KEY}\n", API_KEY.upper(), OLD_KEY, OTHER_ACCOUNT_KEY, "", " \t"]
    ),
    st.one_of(
        st.text(max_size=20),
        st.text(min_size=100, max_size=2_000),
        st.sampled_from(["k" * MAX_API_KEY_LENGTH, "ключ" * MAX_API_KEY_LENGTH]),
        NOT_TEXT,
    ),
)


@st.composite
def flow_inputs(draw: st.DrawFn, step: str) -> dict[str, Any]:
    """A form submission of `step`: its fields (any of them missing), rarely an extra one."""
    optional: dict[str, st.SearchStrategy[Any]] = {CONF_API_KEY: KEYS}
    if CONF_URL in FLOW_FIELDS[step]:
        optional[CONF_URL] = URLS
    if draw(st.sampled_from((False, False, False, False, False, True))):
        optional["extra"] = SCALARS
    user_input = draw(st.fixed_dictionaries({}, optional=optional))
    # Mostly complete: a missing field is one refusal, not the subject of every example.
    if draw(st.sampled_from((True, True, True, False))):
        for name in FLOW_FIELDS[step]:
            user_input.setdefault(name, draw(optional[name]))
    return user_input


_PANEL_URL = f"http://127.0.0.1:{PORT}/api/v2"
_URL_CASES: tuple[dict[str, Any], ...] = (
    # One of each outcome, whatever the search finds (Hypothesis versions differ).
    {CONF_URL: "http://smmpllus.com/api/v2", CONF_API_KEY: API_KEY},
    {CONF_URL: f"https://user:{API_KEY}@smmpllus.com/api/v2", CONF_API_KEY: API_KEY},
    {CONF_URL: "https://smmpllus.com/api/v2", CONF_API_KEY: API_KEY},
    {CONF_URL: _PANEL_URL, CONF_API_KEY: OTHER_ACCOUNT_KEY},
    {CONF_URL: _PANEL_URL, CONF_API_KEY: "wrong-key"},
    {CONF_URL: _PANEL_URL, CONF_API_KEY: f" {API_KEY} "},
    {CONF_URL: ["not", "text"], CONF_API_KEY: API_KEY},
)
FLOW_EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "user": _URL_CASES,
    "reconfigure": _URL_CASES,
    "reauth_confirm": (
        {CONF_API_KEY: API_KEY},
        {CONF_API_KEY: OTHER_ACCOUNT_KEY},
        {CONF_API_KEY: "wrong-key"},
        {CONF_API_KEY: None},
    ),
}


def _shown(hass: HomeAssistant, result: ConfigFlowResult, *, options: bool = False) -> None:
    """The form as Home Assistant's flow view sends it to the frontend: it converts (else
    the dialog fails to open), and nothing in it shows the API key (a refused URL is
    offered back without the credentials or query that may hold it)."""
    shown = frontend_json(hass, result, options=options)
    assert API_KEY not in shown


@pytest.fixture
async def flow_entries(hass: HomeAssistant, panel_url: str) -> AsyncIterator[MockConfigEntry]:
    """The entry reauth and reconfigure change, plus another account on the same panel.

    The integration's setup and unload are stood in for (the flows are the subject).
    """
    with (
        patch("custom_components.smm_panel.async_setup_entry", return_value=True),
        patch("custom_components.smm_panel.async_unload_entry", return_value=True),
    ):
        MockConfigEntry(
            domain=DOMAIN,
            title="127.0.0.1",
            data={CONF_URL: panel_url, CONF_API_KEY: OTHER_ACCOUNT_KEY},
        ).add_to_hass(hass)
        entry = MockConfigEntry(
            domain=DOMAIN, title="127.0.0.1", data={CONF_URL: panel_url, CONF_API_KEY: OLD_KEY}
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        yield entry
        for loaded in hass.config_entries.async_entries(DOMAIN):
            if loaded.state is ConfigEntryState.LOADED:
                assert await hass.config_entries.async_unload(loaded.entry_id)


@pytest.fixture
def balance_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URL of every connection test a flow makes.

    Tests to 127.0.0.1 really go out (to the fake panel, or to a closed port); any other
    host is answered as unreachable, so no example ever touches the network.
    """
    calls: list[str] = []
    real_balance = SmmPanelClient.balance

    async def balance(self: SmmPanelClient) -> Balance:
        calls.append(self.url)
        if urlsplit(self.url).hostname == "127.0.0.1":
            return await real_balance(self)
        raise SmmConnectionError(f"{self.host} is not reachable from the tests")

    monkeypatch.setattr(SmmPanelClient, "balance", balance)
    return calls


def _is_schema_refusal(step: str, user_input: dict[str, Any]) -> bool:
    """Whether the form's schema refuses the input: an unknown or missing field, or not text."""
    fields = FLOW_FIELDS[step]
    required = fields if step != "user" else (CONF_API_KEY,)
    return (
        any(name not in fields for name in user_input)
        or any(name not in user_input for name in required)
        or any(not isinstance(value, str) for value in user_input.values())
    )


@pytest.mark.parametrize(
    ("step", "examples"), [("user", 250), ("reauth_confirm", 100), ("reconfigure", 200)]
)
def test_config_flow_never_fails_unexpectedly(
    hass: HomeAssistant,
    panel: FakePanel,
    panel_url: str,
    flow_entries: MockConfigEntry,
    balance_calls: list[str],
    step: str,
    examples: int,
) -> None:
    """Any input: an entry created or updated, the form again with a translated error, an
    abort of the contract, or the schema's refusal. A refused URL contacts nothing."""
    loop = hass.loop
    entry = flow_entries
    original = dict(entry.data)
    port = str(urlsplit(panel_url).port)
    fixed = {other.entry_id for other in hass.config_entries.async_entries(DOMAIN)}
    # The keys whose entry (on the panel's URL) a submission may collide with.
    known_keys = {OLD_KEY, OTHER_ACCOUNT_KEY} if step == "user" else {OTHER_ACCOUNT_KEY}
    outcomes: set[str] = set()

    async def start() -> ConfigFlowResult:
        form: ConfigFlowResult
        if step == "user":
            form = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_USER}
            )
        elif step == "reauth_confirm":
            form = await entry.start_reauth_flow(hass)
        else:
            form = await entry.start_reconfigure_flow(hass)
        return form

    async def reset() -> None:
        for other in hass.config_entries.async_entries(DOMAIN):
            if other.entry_id not in fixed:  # created by an earlier example
                await hass.config_entries.async_remove(other.entry_id)
        hass.config_entries.async_update_entry(entry, data=original, title="127.0.0.1")
        await hass.async_block_till_done()
        panel.reset_stats()
        balance_calls.clear()

    async def attempt(raw_input: dict[str, Any]) -> None:
        _reseed_random()
        await reset()
        user_input = {
            name: value.replace(PORT, port) if isinstance(value, str) else value
            for name, value in raw_input.items()
        }
        form = await start()
        assert form["type"] is FlowResultType.FORM
        assert form["step_id"] == step
        _shown(hass, form)
        result = await _outcome(
            hass.config_entries.flow.async_configure(form["flow_id"], user_input)
        )
        try:
            judge(user_input, result)
        finally:
            with contextlib.suppress(UnknownFlow):  # finished flows are gone already
                hass.config_entries.flow.async_abort(form["flow_id"])

    def judge(user_input: dict[str, Any], result: ConfigFlowResult | Exception) -> None:
        if _is_schema_refusal(step, user_input):
            assert isinstance(result, InvalidData), repr(result)
            assert set(result.schema_errors) <= {*FLOW_FIELDS[step], "base"}, result.schema_errors
            _assert_no_key(result)
            assert not balance_calls
            assert sum(panel.counts.values()) == 0
            outcomes.add("schema")
            return
        assert not isinstance(result, Exception), repr(result)
        key = user_input[CONF_API_KEY].strip()
        sent = len(balance_calls)
        if result["type"] is FlowResultType.FORM:
            _shown(hass, result)
            assert result["step_id"] == step
            errors = result["errors"]
            assert errors is not None
            assert set(errors) == {"base"}, errors
            error = errors["base"]
            assert error in CONFIG_ERRORS
            assert error != "unknown", "an unexpected exception in the connection test"
            if error in URL_ERRORS or not key or len(key) > MAX_API_KEY_LENGTH:
                assert error in URL_ERRORS or error == "invalid_auth"
                assert sent == 0, balance_calls
                assert sum(panel.counts.values()) == 0
            else:
                assert error in PANEL_ANSWERED
                assert 1 <= sent <= 2, balance_calls  # a connection error is retried once
                if error == "invalid_auth":
                    assert panel.counts["balance"] == 1
                    assert key != API_KEY
            outcomes.add(error)
            return
        if result["type"] is FlowResultType.ABORT:
            reason = result["reason"]
            assert reason in CONFIG_ABORTS
            if reason == "already_configured":
                assert key in known_keys
                assert sent == 0
            else:
                assert reason == f"{step.removesuffix('_confirm')}_successful", reason
                _assert_panel_data(entry.data, panel, panel_url)
                assert sent == 1
            outcomes.add(reason)
            return
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert step == "user"
        assert result["title"] == "127.0.0.1"
        _assert_panel_data(result["data"], panel, panel_url)
        assert sent == 1
        outcomes.add("created")

    @_examples(examples)
    @given(raw_input=flow_inputs(step))
    def check(raw_input: dict[str, Any]) -> None:
        loop.run_until_complete(attempt(raw_input))

    for raw_input in FLOW_EXAMPLES[step]:
        check = example(raw_input=raw_input)(check)
    check()
    expected = {"schema", "invalid_url", "insecure_url", "invalid_auth", "cannot_connect"}
    if step == "reauth_confirm":
        expected = {"schema", "invalid_auth", "reauth_successful", "already_configured"}
    elif step == "reconfigure":
        expected |= {"reconfigure_successful", "already_configured"}
    else:
        expected |= {"created", "already_configured"}
    assert expected <= outcomes, outcomes


def _assert_panel_data(data: Any, panel: FakePanel, panel_url: str) -> None:
    """Entry data that can only come from a successful test against the fake panel."""
    assert dict(data) == {CONF_URL: panel_url, CONF_API_KEY: API_KEY}
    assert panel.counts["balance"] == 1


OPTION_RANGES: dict[str, tuple[float, float]] = {
    CONF_SCAN_INTERVAL: (MIN_SCAN_INTERVAL, MAX_SCAN_INTERVAL),
    CONF_LOW_BALANCE_THRESHOLD: (0, math.inf),
    CONF_MAX_ORDER_COST: (0, math.inf),
    CONF_FINISHED_ORDER_RETENTION: (0, MAX_FINISHED_ORDER_RETENTION),
}
WHOLE_OPTIONS = frozenset({CONF_SCAN_INTERVAL, CONF_FINISHED_ORDER_RETENTION})
OPTION_DEFAULTS: dict[str, float] = {
    CONF_SCAN_INTERVAL: 5,
    CONF_LOW_BALANCE_THRESHOLD: 0.0,
    CONF_MAX_ORDER_COST: 0.0,
    CONF_FINISHED_ORDER_RETENTION: 24,
}
OPTION_JUNK = st.one_of(
    # Integers as large as JSON brings them: orjson (the decoder of the frontend's websocket
    # and of the REST API) reads larger ones as floats or refuses them. An int beyond a
    # float's range can only come from Python code, and Home Assistant's own NumberSelector
    # then raises OverflowError, in every integration.
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e300),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["-1", "-0", "nan", "NaN", "inf", "-inf", "1e400", "0x10", "", " ", "five",
         "Infinity", "5 minutes", "\u0661\u0662"]
    ),
    st.text(max_size=6),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)  # fmt: skip
OPTION_VALUES = _mostly(
    st.one_of(
        st.integers(min_value=-5, max_value=1_500),
        st.floats(min_value=-2, max_value=1_500),
        st.sampled_from(["5", " 5 ", "0.5", "1e3", "1_000", "720", "1440", "1441"]),
    ),
    OPTION_JUNK,
)


@st.composite
def option_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Any of the four options with any values; rarely an unknown field too."""
    optional = dict.fromkeys(OPTION_RANGES, OPTION_VALUES)
    user_input: dict[str, Any] = draw(st.fixed_dictionaries({}, optional=optional))
    if draw(st.sampled_from((False, False, False, False, False, True))):
        user_input["extra"] = 1
    return user_input


def _option_number(name: str, value: object) -> float | None:
    """The number an option value stands for, or None when the form must refuse it.

    The oracle: what Python reads as a finite float within the contract's range (§2).
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    low, high = OPTION_RANGES[name]
    return number if math.isfinite(number) and low <= number <= high else None


def test_options_form_never_fails_unexpectedly(
    hass: HomeAssistant, flow_entries: MockConfigEntry, panel: FakePanel
) -> None:
    """Any values: saved exactly when all are numbers within the contract's ranges (whole
    numbers truncated), else the schema refuses precisely the bad fields; nothing is sent."""
    loop = hass.loop
    entry = flow_entries
    outcomes: set[str] = set()

    async def attempt(user_input: dict[str, Any]) -> None:
        _reseed_random()
        hass.config_entries.async_update_entry(entry, options={})
        panel.reset_stats()
        form = await hass.config_entries.options.async_init(entry.entry_id)
        assert form["type"] is FlowResultType.FORM
        _shown(hass, form, options=True)
        result = await _outcome(
            hass.config_entries.options.async_configure(form["flow_id"], user_input)
        )
        numbers = {
            name: _option_number(name, value)
            for name, value in user_input.items()
            if name in OPTION_RANGES
        }
        # The schema names each bad option; an unknown field is reported under "base".
        bad = {name for name, number in numbers.items() if number is None}
        bad |= {"base"} if "extra" in user_input else set()
        assert sum(panel.counts.values()) == 0
        if bad:
            assert isinstance(result, InvalidData), (user_input, result)
            assert set(result.schema_errors) == bad, result.schema_errors
            assert entry.options == {}
            hass.config_entries.options.async_abort(form["flow_id"])
            outcomes.add("schema")
            return
        assert not isinstance(result, Exception), repr(result)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        expected = {**OPTION_DEFAULTS, **{name: n for name, n in numbers.items() if n is not None}}
        for name in WHOLE_OPTIONS:
            expected[name] = int(expected[name])
            assert isinstance(entry.options[name], int)
        assert entry.options == expected
        outcomes.add("saved")

    @_examples(300)
    @given(user_input=option_inputs())
    @example(user_input={CONF_SCAN_INTERVAL: "1440", CONF_MAX_ORDER_COST: 1e308})
    @example(user_input={CONF_LOW_BALANCE_THRESHOLD: "nan", CONF_FINISHED_ORDER_RETENTION: 721})
    def check(user_input: dict[str, Any]) -> None:
        loop.run_until_complete(attempt(user_input))

    check()
    assert outcomes == {"schema", "saved"}


# -- 3. huge input -----------------------------------------------------------------------

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
        result = await _outcome(call(hass, action, data))
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


@pytest.mark.parametrize(
    ("api_key", "sent"),
    [
        ("k" * 1_000_000, 0),
        ("ключ" * 250_000, 0),
        ("k" * (MAX_API_KEY_LENGTH + 1), 0),
        ("k" * MAX_API_KEY_LENGTH, 1),
    ],
    ids=["1MB-ascii", "1MB-cyrillic", "over-limit", "at-limit"],
)
async def test_huge_api_key_refused_unsent(
    hass: HomeAssistant,
    flow_entries: MockConfigEntry,
    panel: FakePanel,
    panel_url: str,
    api_key: str,
    sent: int,
) -> None:
    """A megabyte API key is refused as invalid_auth without being sent (regression: it was
    posted to the panel; a non-ASCII one outgrew the web server's body limit and was shown as
    invalid_response, pointing at the URL). A key at the limit is still checked with the
    panel. The form comes back at once and the loop is never blocked."""
    panel.reset_stats()
    flows = (
        ("user", {CONF_URL: panel_url, CONF_API_KEY: api_key}),
        ("reconfigure", {CONF_URL: panel_url, CONF_API_KEY: api_key}),
        ("reauth_confirm", {CONF_API_KEY: api_key}),
    )
    for step, user_input in flows:
        if step == "user":
            form = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_USER}
            )
        elif step == "reconfigure":
            form = await flow_entries.start_reconfigure_flow(hass)
        else:
            form = await flow_entries.start_reauth_flow(hass)
        watch = LoopWatch()
        result = await watch.measure(
            hass.config_entries.flow.async_configure(form["flow_id"], user_input)
        )
        assert result["type"] is FlowResultType.FORM, result
        assert result["step_id"] == step
        assert result["errors"] == {"base": "invalid_auth"}
        _shown(hass, result)
        watch.assert_responsive()
        hass.config_entries.flow.async_abort(form["flow_id"])
    assert panel.counts["balance"] == sent * len(flows)
    assert flow_entries.data[CONF_API_KEY] == OLD_KEY


async def test_loop_watch_sees_a_blocked_loop() -> None:
    """The instrument itself: a call that blocks the loop is caught (else the bound above
    could never fail)."""

    async def blocking() -> None:
        started = time.thread_time()
        while time.thread_time() - started < MAX_LOOP_BLOCK + 0.05:  # busy on purpose
            pass

    watch = LoopWatch()
    await watch.measure(blocking())
    assert watch.longest >= MAX_LOOP_BLOCK
    with pytest.raises(AssertionError, match="event loop blocked"):
        watch.assert_responsive()
