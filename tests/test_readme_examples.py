"""Every ```yaml block of README.md, run in a test Home Assistant against the fake panel.

So that an example that no longer works fails CI: action calls run as scripts and must answer
what their `# {...}` comment shows; automations are set up as written and run from what
really triggers them (an order changing status at the fake panel, a poll, the clock); cards
must name card types, options, entities and attributes that exist; the logger block must set
the level. The entry is titled smmpllus.com, so the README's entity ids exist as written; only
the placeholder entry id is replaced by the entry's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.core import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.smm_panel.const import DOMAIN
from tests.conftest import API_KEY
from tests.fake_panel import (
    DELIVERY_SECONDS,
    PENDING_SECONDS,
    SERVICE_FOLLOWERS,
    SERVICE_PREMIUM,
    SERVICE_TIKTOK_FOLLOWERS,
    FakePanel,
    start_fake_panel,
)
from tests.polling_helpers import (
    ENTRY_ID,
    fire_poll,
    seed_storage,
    setup_entry,
    state_of,
    tracked_order,
)
from tests.readme_blocks import (
    LINK,
    Bench,
    Block,
    KeptLogging,
    actions_in,
    check_card,
    documented_response,
    long_term_statistics,
    params,
    readme_blocks,
    readme_entry,
    run_as_script,
    shape,
    track_named_orders,
)
from tests.services_common import call

pytestmark = pytest.mark.usefixtures("runs_cleanly")  # tests/conftest.py

BLOCKS = readme_blocks()
TITLE = "smmpllus.com"
"""The title (and device name) a user adding smmpllus.com gets: the README's entity ids."""
START = "2025-05-01T12:00:00+00:00"
"""A fixed day without a DST change, so that the time triggers' 02:00 and 09:00 exist."""
PARTIAL_LINK = "https://instagram.com/my_partial_account"  # "partial": the fake panel ends it so


@pytest.fixture
def config_entry(running_panel: Any) -> MockConfigEntry:
    """The entry for smmpllus.com (the fake panel)."""
    return readme_entry(running_panel.url, TITLE, ENTRY_ID)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """The custom integration; before it, for a test that asks for one, the recorder (which
    must start before the test instance: so the other tests stay without it)."""
    if "recorder_mock" in request.fixturenames:
        request.getfixturevalue("recorder_mock")
    request.getfixturevalue("enable_custom_integrations")


def test_every_block_is_tested() -> None:
    """Each block is of a kind a test below runs, has a unique name, and every arrangement
    and scenario here belongs to a block that still exists."""
    assert BLOCKS
    assert [block.test_id for block in BLOCKS if block.kind == "unknown"] == []
    names = [block.test_id for block in BLOCKS]
    assert len(names) == len(set(names)), names
    actions = {block.name for block in BLOCKS if block.kind == "action"}
    assert set(ARRANGEMENTS) <= actions
    aliases = {
        automation["alias"]
        for block in BLOCKS
        if block.kind == "automation"
        for automation in block.load()["automation"]
    }
    assert set(SCENARIOS) == aliases


# -- action calls ------------------------------------------------------------------------


def _refill(panel: FakePanel, _storage: dict[str, Any]) -> None:
    panel.number_next(order=1, refill=55)  # order 1 is refillable, order 3 does not exist
    panel.create_order(SERVICE_FOLLOWERS, LINK, 1000, status="Completed")


def _cancel(panel: FakePanel, _storage: dict[str, Any]) -> None:
    panel.number_next(order=2)  # order 2 can be cancelled, order 9 does not exist
    panel.create_order(SERVICE_FOLLOWERS, LINK, 1000)


def _order_status(panel: FakePanel, _storage: dict[str, Any]) -> None:
    # 0.33 booked, 157 of 1000 refunded: the panel reports a charge of 0.27819.
    panel.create_order(
        SERVICE_FOLLOWERS, LINK, 1000, status="Partial", remains=157, start_count=3572,
        charge="0.33",
    )  # fmt: skip


def _refill_status(panel: FakePanel, _storage: dict[str, Any]) -> None:
    panel.number_next(refill=55)
    panel.create_refill(panel.create_order(SERVICE_FOLLOWERS, LINK), status="Completed")


def _services(panel: FakePanel, _storage: dict[str, Any]) -> None:
    # Only the generic service the example shows (the API documentation's own example).
    followers = replace(panel.catalogue["1"], name="Followers", category="First Category")
    panel.catalogue = {"1": followers}


def _track(panel: FakePanel, _storage: dict[str, Any]) -> None:
    panel.number_next(order=1)  # orders 1 and 2 exist, 10 does not
    panel.create_order(SERVICE_FOLLOWERS, LINK)
    panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/2")


def _untrack(panel: FakePanel, storage: dict[str, Any]) -> None:
    _track(panel, storage)
    seed_storage(storage, [tracked_order("1")])


ARRANGEMENTS: dict[str, Callable[[FakePanel, dict[str, Any]], object]] = {
    "smm_panel.add_order": lambda _panel, _storage: None,  # a new account's first order: 23501
    "smm_panel.refill_orders": _refill,
    "smm_panel.cancel_orders": _cancel,
    "smm_panel.get_order_status": _order_status,
    "smm_panel.get_refill_status": _refill_status,
    "smm_panel.get_services": _services,
    # Without the premium service, the example's one result (not a second, dearer one):
    "smm_panel.find_services": lambda panel, _storage: panel.catalogue.pop(SERVICE_PREMIUM),
    "smm_panel.track_orders": _track,
    "smm_panel.untrack_orders": _untrack,
}
"""The fake panel's state (and the stored tracking) that makes an example's ids real."""


@pytest.mark.parametrize("block", params("action"))
async def test_action_example(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    block: Block,
) -> None:
    """The call succeeds and answers the documented response: exactly, where the panel is
    arranged for the example's ids; its keys (and its items' keys) in any case."""
    arrange = ARRANGEMENTS.get(block.name)
    if arrange is not None:
        arrange(panel, hass_storage)
    freezer.move_to(START)
    await setup_entry(hass, config_entry)

    response = await run_as_script(hass, block.load(ENTRY_ID))

    documented = documented_response(block, ENTRY_ID)
    assert shape(response) == shape(documented)
    if arrange is not None:
        assert response == documented


# -- automations ---------------------------------------------------------------------------


async def order_finished(bench: Bench) -> None:
    """Two orders end in one poll, completed and partial: a notification for each."""
    done, partial = await bench.place(), await bench.place(link=PARTIAL_LINK)
    await bench.poll()
    await bench.poll(PENDING_SECONDS + 60)  # in progress: not a status it waits for
    assert bench.notifications == []
    await bench.poll(DELIVERY_SECONDS)
    assert sorted(bench.notifications) == [
        f"Order {done} is completed (0 remaining).",
        f"Order {partial} is partial (250 remaining).",
    ]


async def auto_refill(bench: Bench) -> None:
    """Two orders end partial in one poll: the refillable one is refilled at the panel, the
    panel's refusal of the other is notified."""
    refillable = await bench.place(link=PARTIAL_LINK)
    await bench.place(SERVICE_TIKTOK_FOLLOWERS, "https://www.tiktok.com/@my_partial_account")
    await bench.poll()
    await bench.poll(PENDING_SECONDS + DELIVERY_SECONDS)
    assert bench.panel.counts["refill"] == 2
    assert [refill.order_id for refill in bench.panel.refills.values()] == [refillable]
    assert bench.notifications == ["Refill refused: Order not eligible for refill."]


async def balance_low(bench: Bench) -> None:
    """The balance falls below the threshold (10): one notification, not one per poll, with
    the poll's balance (the balance sensor is written before the low-balance sensor)."""
    await bench.poll()
    assert bench.notifications == []
    bench.panel.balance = "4.5"
    await bench.poll()
    assert state_of(bench.hass, "binary_sensor.smmpllus_com_low_balance").state == "on"
    bench.panel.balance = "3"
    await bench.poll()
    assert bench.notifications == ["SMM panel balance is 4.50000 (below 10.0)."]


async def nightly_views(bench: Bench) -> None:
    """At 02:00 with more than 5 in the account: 1000 views ordered, the logbook says so;
    the next night with 5 left: nothing."""
    await bench.at(2)
    (order,) = bench.panel.orders.values()
    assert (order.id, order.service.id, order.link, order.quantity) == (
        "23501", "3", "https://youtube.com/watch?v=my_video", 1000
    )  # fmt: skip
    assert bench.logged() == [("SMM", "Ordered 23501 for 1.2 USD")]
    bench.panel.balance = "5"
    await bench.poll()
    await bench.at(2)
    assert len(bench.panel.orders) == 1
    assert len(bench.logbook) == 1


async def cheapest_panel(bench: Bench) -> None:
    """At 09:00 the followers are ordered from the cheaper of two panels."""
    cheaper = FakePanel(API_KEY)
    cheaper.catalogue[SERVICE_FOLLOWERS] = replace(
        cheaper.catalogue[SERVICE_FOLLOWERS], rate=Decimal("0.50")
    )
    async with start_fake_panel(cheaper) as running:
        other = readme_entry(running.url, "cheaper.example", "01JSMMPANELCHEAPERENTRY000")
        await setup_entry(bench.hass, other)
        await bench.at(9)
        assert await bench.hass.config_entries.async_unload(other.entry_id)
    assert bench.panel.orders == {}
    (order,) = cheaper.orders.values()
    assert (order.service.id, order.link, order.quantity) == (SERVICE_FOLLOWERS, LINK, 1000)
    assert bench.logged() == [("SMM", f"Ordered {order.id} on cheaper.example for 0.5 USD")]


SCENARIOS: dict[str, Callable[[Bench], Awaitable[None]]] = {
    "SMM order finished": order_finished,
    "SMM auto-refill partial orders": auto_refill,
    "SMM balance low": balance_low,
    "SMM nightly views": nightly_views,
    "SMM daily followers from the cheapest panel": cheapest_panel,
}
"""What makes each README automation run, and what it must have done."""


@pytest.mark.parametrize("block", params("automation"))
async def test_automation_example(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    block: Block,
) -> None:
    """The block, set up as it stands, loads; each automation runs and does what it says."""
    freezer.move_to(START)
    await setup_entry(hass, config_entry)
    automations = block.load(ENTRY_ID)["automation"]
    bench = Bench(hass, freezer, panel)
    await bench.provide(actions_in(automations))
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    loaded = {
        state.attributes.get("friendly_name"): state.state
        for state in hass.states.async_all("automation")
    }
    try:
        for automation in automations:
            assert loaded.get(automation["alias"]) == "on", automation["alias"]  # it validated
            await SCENARIOS[automation["alias"]](bench)
    finally:  # off: their time triggers' timers end with the test
        await hass.services.async_call("automation", "turn_off", {"entity_id": "all"})
        await hass.async_block_till_done()


# -- dashboard cards -----------------------------------------------------------------------


@pytest.mark.parametrize("block", params("card", card="statistics-graph", other=True))
async def test_card_example(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    block: Block,
) -> None:
    """A card the frontend has, its options, entities and attributes those of the entry."""
    card = block.load(ENTRY_ID)
    freezer.move_to(START)
    await setup_entry(hass, config_entry)
    await track_named_orders(hass, panel, card)
    await fire_poll(hass, freezer)
    panel.advance(PENDING_SECONDS + DELIVERY_SECONDS)
    await fire_poll(hass, freezer)

    check_card(hass, card)


@pytest.mark.parametrize("block", params("card", card="statistics-graph"))
async def test_statistics_card_example(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    block: Block,
) -> None:
    """The graph's entities have long-term statistics of the graph's period and types (the
    recorder compiles them from an order's spend)."""
    card = block.load(ENTRY_ID)
    freezer.move_to(START)
    await setup_entry(hass, config_entry)
    check_card(hass, card)
    await call(hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 1000})
    await async_wait_recording_done(hass)
    freezer.move_to("2025-05-01T13:01:00+00:00")
    do_adhoc_statistics(hass, start=dt_util.parse_datetime("2025-05-01T12:55:00+00:00"))
    await async_wait_recording_done(hass)

    found = await long_term_statistics(hass, "2025-05-01T00:00:00+00:00", card)
    for entity_id in card["entities"]:
        (row,) = found[entity_id]
        spent = {stat: row[stat] for stat in card["stat_types"]}
        assert spent == {stat: pytest.approx(0.9) for stat in card["stat_types"]}


# -- the logger block ----------------------------------------------------------------------


@pytest.mark.parametrize("block", params("logger"))
async def test_logger_example(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    block: Block,
) -> None:
    """The logger integration takes the block; the integration then logs at that level."""
    config = block.load()
    levels = {name: str(level).upper() for name, level in config["logger"]["logs"].items()}
    kept = KeptLogging(list(levels))
    try:
        for name in levels:  # quieter first, as a default configuration would have it
            logging.getLogger(name).setLevel(logging.WARNING)
        assert await async_setup_component(hass, "logger", config)
        for name, level in levels.items():
            assert logging.getLogger(name).getEffectiveLevel() == logging.getLevelName(level)
        freezer.move_to(START)
        caplog.clear()
        await setup_entry(hass, config_entry)
        assert any(
            record.name.startswith(f"custom_components.{DOMAIN}")
            and record.levelname == levels[f"custom_components.{DOMAIN}"]
            for record in caplog.records
        )
    finally:
        kept.restore()
