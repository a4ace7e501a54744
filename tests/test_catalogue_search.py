"""The `find_services` action (catalogue_search.py): every loaded entry's cached catalogue.

Several entries, each on its own fake panel with its own catalogue and currency: the filters,
quantity and the cost `add_order` would estimate (per unit, Package, Subscriptions, lists),
the sort (currency, rate, title, entry, service id), the limit, no request sent, entries not
loaded or without a catalogue skipped, and bad values refused with a translated error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any, Protocol

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import Context, HomeAssistant, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
import voluptuous as vol

from custom_components.smm_panel.api import Service as ApiService
from custom_components.smm_panel.catalogue_search import DEFAULT_LIMIT, MAX_LIMIT
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.order_fields import MAX_LIST_LINES, MAX_NUMBER
from tests.conftest import API_KEY
from tests.fake_panel import (
    CATALOGUE,
    FakePanel,
    Fault,
    Quirks,
    RunningFakePanel,
    Service,
    ServiceType,
    start_fake_panel,
)
from tests.polling_helpers import setup_entry
from tests.readme_blocks import readme_automation
from tests.services_common import ENTRY_ID, runtime

MAIN = "127.0.0.1"
"""The title of the conftest entry (USD, the fake panel's default catalogue)."""
EURO = "euro-panel.example"
EURO_ID = "01JSMMPANELEUROENTRY000000"
POUND = "pound-panel.example"
POUND_ID = "01JSMMPANELPOUNDENTRY00000"

T = ServiceType
EURO_CATALOGUE = (
    Service("2", "Euro Followers A", T.DEFAULT, "Instagram Followers", Decimal("0.10"), 1, 20000,
            refill=True),
    Service("10", "Euro Followers B", T.DEFAULT, "Instagram Followers", Decimal("0.10"), 100, 5000),
    Service("x9", "Euro Followers C", T.DEFAULT, " instagram FOLLOWERS ", Decimal("0.10"), 10,
            1000, cancel=True),
    Service("3", "Euro Followers Package", T.PACKAGE, "Instagram Packages", Decimal("3.00"), 1,
            10000),
    Service("4", "Euro Auto Likes", T.SUBSCRIPTIONS, "Instagram Auto Likes", Decimal("0.05"), 50,
            5000),
    Service("7", "Euro Comments", T.CUSTOM_COMMENTS, "Instagram Comments", Decimal("5.00"), 10,
            50000),
    Service("8", "Euro Comments Package", T.CUSTOM_COMMENTS_PACKAGE, "Instagram Comments",
            Decimal("2.00"), 1, 20),
)  # fmt: skip
POUND_CATALOGUE = (
    Service("1", "Pound Followers", T.DEFAULT, "Instagram Followers", Decimal("0.50"), 10, 5000),
    Service("2", "Pound Views", T.DEFAULT, "YouTube Views", Decimal("0.01"), 100, 100000),
)
del T
MYSTERY = ApiService(
    service_id="12",
    name="Euro Mystery Boost",
    type="Drip Magic",
    category="Other",
    rate=Decimal("0.10"),
    min=1,
    max=100000,
    refill=False,
    cancel=False,
    dripfeed=False,
)
"""A service of a type `ordering` does not know (set into the euro catalogue by hand)."""


class AddPanel(Protocol):
    """Start another fake panel and set up an entry for it."""

    def __call__(
        self,
        title: str,
        entry_id: str,
        *,
        currency: str = ...,
        catalogue: tuple[Service, ...] = ...,
        quirks: Quirks | None = ...,
        before_setup: Callable[[FakePanel], None] | None = ...,
    ) -> Awaitable[tuple[FakePanel, MockConfigEntry]]: ...


@pytest.fixture
async def add_panel(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> AsyncIterator[AddPanel]:
    """A factory of further entries, each on its own running fake panel."""
    running: list[RunningFakePanel] = []

    async def add(
        title: str,
        entry_id: str,
        *,
        currency: str = "EUR",
        catalogue: tuple[Service, ...] = EURO_CATALOGUE,
        quirks: Quirks | None = None,
        before_setup: Callable[[FakePanel], None] | None = None,
    ) -> tuple[FakePanel, MockConfigEntry]:
        panel = FakePanel(
            key=API_KEY,
            currency=currency,
            catalogue={service.id: service for service in catalogue},
            quirks=quirks,
        )
        running.append(served := await start_fake_panel(panel))
        if before_setup is not None:
            before_setup(panel)
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=title,
            data={CONF_URL: served.url, CONF_API_KEY: API_KEY},
            entry_id=entry_id,
        )
        await setup_entry(hass, entry)
        panel.clear_faults()
        return panel, entry

    yield add
    for served in running:
        await served.close()


@pytest.fixture
async def euro(
    setup_integration: MockConfigEntry, add_panel: AddPanel
) -> tuple[FakePanel, MockConfigEntry]:
    """The conftest entry (USD) plus a euro panel."""
    return await add_panel(EURO, EURO_ID)


async def find(hass: HomeAssistant, **data: Any) -> list[dict[str, Any]]:
    """Call find_services; the services it answers."""
    response = await hass.services.async_call(
        DOMAIN, "find_services", data, blocking=True, return_response=True, context=Context()
    )
    assert response is not None
    services: list[dict[str, Any]] = response["services"]  # type: ignore[assignment]
    assert set(response) == {"services"}
    return services


def picks(services: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(panel, service) of each result, in order."""
    return [(row["panel"], row["service"]) for row in services]


def costs(services: list[dict[str, Any]]) -> dict[str, float | None]:
    """service id -> cost (None where the key is absent)."""
    return {row["service"]: row.get("cost") for row in services}


# -- registration, shape, sort --------------------------------------------------------------


async def test_response_only_and_no_entry_field(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Response only; `config_entry_id` is no field of this action (it searches every entry)."""
    assert hass.services.supports_response(DOMAIN, "find_services") is SupportsResponse.ONLY
    with pytest.raises(vol.Invalid):
        await find(hass, config_entry_id=ENTRY_ID)


async def test_row_shape(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    """Each result names its entry and panel; money is a number; no `cost` without quantity."""
    (row,) = await find(hass, search="REFILL 30d")
    assert row == {
        "config_entry_id": ENTRY_ID,
        "panel": MAIN,
        "service": "1",
        "name": "Instagram Followers [Refill 30D]",
        "type": "Default",
        "category": "Instagram Followers",
        "rate": 0.9,
        "currency": "USD",
        "min": 50,
        "max": 10000,
        "refill": True,
        "cancel": True,
    }


async def test_two_entries_sorted_by_currency_then_rate(
    hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry]
) -> None:
    """EUR before USD; by rate within each; equal rates by service id (numbers, then text)."""
    services = await find(hass, search="followers", limit=MAX_LIMIT)
    assert picks(services) == [
        (EURO, "2"),  # 0.10
        (EURO, "10"),  # 0.10: 10 after 2, as numbers
        (EURO, "x9"),  # 0.10: a non-numeric id after the numeric ones
        (EURO, "3"),  # 3.00
        (MAIN, "1"),  # 0.90
        (MAIN, "4"),  # 2.50
        (MAIN, "5"),  # 4.99 ("… [1K followers + 1K likes]")
        (MAIN, "13"),  # 7.50 ("… [User followers]")
        (MAIN, "21"),  # 250.00
    ]
    assert {row["currency"] for row in services[:4]} == {"EUR"}
    assert {row["config_entry_id"] for row in services[:4]} == {EURO_ID}
    assert {row["currency"] for row in services[4:]} == {"USD"}


async def test_three_entries_of_three_currencies(
    hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry], add_panel: AddPanel
) -> None:
    """Three currencies: each currency's services together, alphabetically, cheapest first."""
    await add_panel(POUND, POUND_ID, currency="GBP", catalogue=POUND_CATALOGUE)
    services = await find(hass, category="Instagram Followers", limit=MAX_LIMIT)
    assert picks(services) == [
        (EURO, "2"),
        (EURO, "10"),
        (EURO, "x9"),
        (POUND, "1"),
        (MAIN, "1"),
        (MAIN, "21"),
    ]
    assert [row["currency"] for row in services] == ["EUR"] * 3 + ["GBP"] + ["USD"] * 2
    assert [row["config_entry_id"] for row in services[2:5]] == [EURO_ID, POUND_ID, ENTRY_ID]
    # Pound Views (0.01 GBP) has the lowest rate of all, but EUR sorts first: rates of
    # different currencies are never compared.
    assert picks(await find(hass, limit=1)) == [(EURO, "4")]


async def test_equal_rates_of_one_currency_by_title(
    hass: HomeAssistant, setup_integration: MockConfigEntry, add_panel: AddPanel
) -> None:
    """The same currency and rate on two panels: by the entries' titles, then entry ids."""
    twin = (
        Service("1", "Twin Followers", ServiceType.DEFAULT, "Twins", Decimal("0.90"), 1, 100000),
    )
    await add_panel("0-first.example", "01JSMMPANELTWINB0000000000", currency="USD", catalogue=twin)
    # Set up C before A: the entry id decides, not the order of setup.
    await add_panel("zz.example", "01JSMMPANELTWINC0000000000", currency="USD", catalogue=twin)
    await add_panel("zz.example", "01JSMMPANELTWINA0000000000", currency="USD", catalogue=twin)
    services = await find(hass, search="followers", quantity=100, limit=4)
    assert [(row["panel"], row["config_entry_id"], row["service"]) for row in services] == [
        ("0-first.example", "01JSMMPANELTWINB0000000000", "1"),
        (MAIN, ENTRY_ID, "1"),
        ("zz.example", "01JSMMPANELTWINA0000000000", "1"),
        ("zz.example", "01JSMMPANELTWINC0000000000", "1"),
    ]
    assert {row["rate"] for row in services} == {0.9}


async def test_unknown_currency_comes_last(
    hass: HomeAssistant, setup_integration: MockConfigEntry, add_panel: AddPanel
) -> None:
    """A panel that names no currency: `currency` is None and its services come after all."""
    await add_panel(
        "nameless.example",
        "01JSMMPANELNOCURRENCY00000",
        catalogue=POUND_CATALOGUE,
        quirks=Quirks(missing_currency=True),
    )
    services = await find(hass, search="Views", limit=MAX_LIMIT)
    assert picks(services) == [(MAIN, "3"), ("nameless.example", "2")]
    assert [row["currency"] for row in services] == ["USD", None]


# -- filters --------------------------------------------------------------------------------


async def test_search_category_and_type(
    hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry]
) -> None:
    """`search` is part of the name, `category` and `type` whole values; all in any case."""
    assert picks(await find(hass, search="  EURO followers ")) == [
        (EURO, "2"),
        (EURO, "10"),
        (EURO, "x9"),
        (EURO, "3"),
    ]
    # The category as listed, stripped, in any case (" instagram FOLLOWERS " matches too).
    assert picks(await find(hass, category="INSTAGRAM followers", search="euro")) == [
        (EURO, "2"),
        (EURO, "10"),
        (EURO, "x9"),
    ]
    assert await find(hass, category="Instagram") == []  # a whole value, not a part
    assert picks(await find(hass, search=30)) == [(MAIN, "1")]  # a number, read as text
    # Types as get_services compares them: any case, "_"/"-" for spaces.
    assert picks(await find(hass, type="custom_COMMENTS")) == [(EURO, "7"), (MAIN, "7")]
    assert picks(await find(hass, type="custom-comments package")) == [(EURO, "8"), (MAIN, "8")]
    assert await find(hass, type="Custom") == []
    # Blank filters are no filters.
    assert len(await find(hass, search=" ", category="", type="  ")) == DEFAULT_LIMIT
    # Filters combine.
    assert picks(await find(hass, type="package", search="starter")) == [(MAIN, "5")]


async def test_refill_filter(hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry]) -> None:
    """`refill: true` keeps only services that offer refill; false is no filter."""
    refillable = await find(hass, refill=True, limit=MAX_LIMIT)
    assert picks(refillable) == [(EURO, "2"), (MAIN, "1"), (MAIN, "3"), (MAIN, "15"), (MAIN, "21")]
    assert all(row["refill"] is True for row in refillable)
    assert picks(await find(hass, refill="on", search="followers")) == [
        (EURO, "2"),
        (MAIN, "1"),
        (MAIN, "21"),
    ]
    everything = await find(hass, refill=False, limit=MAX_LIMIT)
    assert len(everything) == len(EURO_CATALOGUE) + sum(s.enabled for s in CATALOGUE)


# -- quantity and cost ----------------------------------------------------------------------


async def test_quantity_filters_and_prices(
    hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry]
) -> None:
    """Only services whose min-max allows the quantity, each with add_order's estimate."""
    _, entry = euro
    tracker = runtime(entry).tracker
    assert tracker.catalogue is not None
    tracker.async_set_catalogue([*tracker.catalogue.services.values(), MYSTERY], dt_util.utcnow())

    services = await find(hass, search="euro", quantity=1000, limit=MAX_LIMIT)
    assert picks(services) == [
        (EURO, "4"),  # Subscriptions, 0.05
        (EURO, "2"),
        (EURO, "10"),
        (EURO, "12"),
        (EURO, "x9"),
        (EURO, "3"),  # Package, 1-10000
        (EURO, "7"),  # Custom Comments, 10-50000
    ]  # not 8: Custom Comments Package is 1-20
    assert costs(services) == {
        "4": None,  # Subscriptions: priced per post, no `cost` key
        "2": 0.1,  # 0.10 / 1000 x 1000
        "10": 0.1,
        "12": 0.1,  # unknown type: max(rate, rate / 1000 x quantity)
        "x9": 0.1,
        "3": 3.0,  # a Package costs its rate
        "7": 5.0,  # 1000 comments at 5.00 per 1000
    }
    assert "cost" not in services[0]


async def test_costs_are_exact(
    hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry]
) -> None:
    """Computed with Decimal: 0.10 / 1000 x 3 is 0.0003, not the float 0.00030000000000000003."""
    _, entry = euro
    tracker = runtime(entry).tracker
    assert tracker.catalogue is not None
    tracker.async_set_catalogue([*tracker.catalogue.services.values(), MYSTERY], dt_util.utcnow())

    services = await find(hass, search="euro", quantity=3)
    assert costs(services) == {
        "2": 0.0003,
        "12": 0.1,  # unknown type: the rate is the larger reading
        "8": 2.0,  # Custom Comments Package: max(rate, rate / 1000 x lines)
        "3": 3.0,
    }
    assert 0.10 / 1000 * 3 != 0.0003  # what float arithmetic would have answered

    # Large quantities: a list-counted type beyond what add_order takes in a list has no cost.
    services = await find(hass, search="euro", quantity=MAX_LIST_LINES + 1, limit=MAX_LIMIT)
    assert costs(services) == {"2": 1.0001, "12": 1.0001, "7": None}
    services = await find(hass, search="euro", quantity=MAX_LIST_LINES)
    assert costs(services)["7"] == 50.0


async def test_main_catalogue_costs(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Every type of the default catalogue at one quantity: what add_order would estimate."""
    services = await find(hass, quantity="100", limit=MAX_LIMIT)
    # Not 3 (500-1000000), 5 (Package, 1-1), 8 (1-20), 20 (1000-1000000): out of range.
    assert costs(services) == {
        "1": 0.09,
        "2": 0.015,
        "4": 0.25,
        "6": 0.3,
        "7": 1.2,  # Custom Comments: 100 comments at 12.00 per 1000
        "9": 0.6,
        "10": 0.8,
        "11": 1.0,  # Mentions Custom List: 100 usernames at 10.00 per 1000
        "12": 0.7,
        "13": 0.75,
        "14": 0.75,
        "15": 0.32,
        "16": 1.5,  # Comment Replies: 100 replies at 15.00 per 1000
        "17": 0.18,
        "18": 0.9,
        "19": None,  # Subscriptions: no `cost`
        "21": 25.0,
    }


# -- what the search reads --------------------------------------------------------------------


async def test_no_request_is_sent(
    hass: HomeAssistant,
    panel: FakePanel,
    euro: tuple[FakePanel, MockConfigEntry],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The cached catalogues only: no panel sees a request, even for old catalogues."""
    euro_panel, _ = euro
    panel.reset_stats()
    euro_panel.reset_stats()
    freezer.tick(60 * 60 * 48)  # catalogues older than a day are not refreshed by the search
    assert await find(hass, quantity=100, refill=True)
    assert await find(hass)
    assert sum(panel.counts.values()) == 0
    assert sum(euro_panel.counts.values()) == 0


async def test_entries_not_loaded_or_without_catalogue_are_skipped(
    hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry], add_panel: AddPanel
) -> None:
    """An unloaded entry, or one whose catalogue could not be fetched yet, adds nothing."""

    def fail_catalogue(panel: FakePanel) -> None:
        panel.inject(Fault.WRONG_SHAPE, action="services", times=2)

    _, bare = await add_panel(
        POUND, POUND_ID, currency="GBP", catalogue=POUND_CATALOGUE, before_setup=fail_catalogue
    )
    assert runtime(bare).tracker.catalogue is None
    assert {row["panel"] for row in await find(hass, limit=MAX_LIMIT)} == {EURO, MAIN}

    _, entry = euro
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert {row["panel"] for row in await find(hass, limit=MAX_LIMIT)} == {MAIN}

    assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()
    assert await find(hass) == []


async def test_no_entries(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    """With every entry unloaded the answer is an empty list, not an error."""
    assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()
    assert await find(hass, search="followers", quantity=100) == []


# -- limit ------------------------------------------------------------------------------------


async def test_limit(hass: HomeAssistant, euro: tuple[FakePanel, MockConfigEntry]) -> None:
    """20 by default, any of 1-500; the cheapest are the ones kept."""
    everything = await find(hass, limit=MAX_LIMIT)
    assert len(everything) == len(EURO_CATALOGUE) + sum(s.enabled for s in CATALOGUE)
    assert await find(hass) == everything[:DEFAULT_LIMIT]
    assert await find(hass, limit=1) == everything[:1]
    assert await find(hass, limit="3") == everything[:3]
    assert await find(hass, limit=5.0) == everything[:5]


# -- bad values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("limit", 0, "must be between 1 and 500"),
        ("limit", MAX_LIMIT + 1, "must be between 1 and 500"),
        ("limit", -5, "must be between 1 and 500"),
        ("limit", 2.5, "must be a whole number"),
        ("limit", "many", "must be a whole number"),
        ("limit", True, "must be a whole number"),
        ("quantity", 0, "must be at least 1"),
        ("quantity", "-10", "must be at least 1"),
        ("quantity", MAX_NUMBER + 1, f"must not exceed {MAX_NUMBER}"),
        ("quantity", [100], "must be a whole number"),
        ("quantity", "1e3", "must be a whole number"),
        ("refill", "maybe", "must be true or false"),
        ("refill", [True], "must be true or false"),
        ("search", ["followers"], "must be text"),
        ("category", {"name": "x"}, "must be text"),
        ("type", True, "must be text"),
    ],
)
async def test_bad_values_are_refused(
    hass: HomeAssistant,
    panel: FakePanel,
    setup_integration: MockConfigEntry,
    field: str,
    value: object,
    reason: str,
) -> None:
    """A value no search could use: a translated invalid_field naming it; nothing sent."""
    panel.reset_stats()
    with pytest.raises(ServiceValidationError) as err:
        await find(hass, **{field: value})
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "invalid_field"
    assert err.value.translation_placeholders == {"field": field, "reason": reason}
    assert sum(panel.counts.values()) == 0


# -- the README's example ---------------------------------------------------------------------

CHEAPEST_PANEL = "SMM daily followers from the cheapest panel"
"""The README's "order from whichever panel is cheapest today" automation."""


async def test_readme_cheapest_panel_automation(
    hass: HomeAssistant,
    panel: FakePanel,
    euro: tuple[FakePanel, MockConfigEntry],
    add_panel: AddPanel,
) -> None:
    """The README's automation orders on the USD panel with the lowest rate, and only there."""
    cheap = (
        Service("5", "Cheap Followers", ServiceType.DEFAULT, "Instagram Followers",
                Decimal("0.50"), 10, 50000, refill=True),
    )  # fmt: skip
    cheap_panel, cheap_entry = await add_panel(
        "cheap.example", "01JSMMPANELCHEAPENTRY00000", currency="USD", catalogue=cheap
    )
    euro_panel, _ = euro
    logged = async_mock_service(hass, "logbook", "log")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": CHEAPEST_PANEL,
                "triggers": [{"trigger": "event", "event_type": "order_cheapest"}],
                "actions": readme_automation(CHEAPEST_PANEL)["actions"],
            }
        },
    )
    for each in (panel, euro_panel, cheap_panel):
        each.reset_stats()
    hass.bus.async_fire("order_cheapest")
    await hass.async_block_till_done()
    assert cheap_panel.counts["add"] == 1
    assert panel.counts["add"] == euro_panel.counts["add"] == 0  # EUR is cheaper, not USD
    (order,) = cheap_panel.orders.values()
    assert (order.service.id, order.quantity) == ("5", 1000)
    assert list(runtime(cheap_entry).tracker.orders) == [order.id]
    assert [entry.data["message"] for entry in logged] == [
        f"Ordered {order.id} on cheap.example for 0.5 USD"
    ]

    # Tomorrow the cheap panel costs more than the conftest one: the order goes there.
    cheap_panel.catalogue["5"] = replace(cheap[0], rate=Decimal("2.50"))
    await runtime(cheap_entry).coordinator.async_refresh_catalogue()
    cheap_panel.reset_stats()
    hass.bus.async_fire("order_cheapest")
    await hass.async_block_till_done()
    assert (panel.counts["add"], cheap_panel.counts["add"]) == (1, 0)

    # Only a USD offer above the limit is left (2.50 x 1000 / 1000): nothing is ordered.
    assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()
    hass.bus.async_fire("order_cheapest")
    await hass.async_block_till_done()
    assert cheap_panel.counts["add"] == euro_panel.counts["add"] == 0
