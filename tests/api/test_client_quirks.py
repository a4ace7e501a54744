"""Every panel quirk (PROTOCOL.md §1, §4 to §6) read the same way over real HTTP."""

from __future__ import annotations

from dataclasses import fields, replace
from decimal import Decimal

import aiohttp
import pytest

from custom_components.smm_panel.api import (
    REDACTED,
    Balance,
    CancelRequested,
    ItemError,
    OrderState,
    OrderStatus,
    PlacedOrder,
    RefillCreated,
    RefillState,
    RefillStatus,
    SmmAuthError,
    SmmError,
    SmmPanelClient,
    SmmPanelError,
)
from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_TIKTOK_FOLLOWERS,
    FakePanel,
    Quirks,
    start_fake_panel,
)

from .conftest import CANARY_KEY, assert_no_key_in_exception

QUIRK_VARIANTS: list[tuple[str, object]] = [
    ("numbers_as_strings", False),
    ("ids_as_strings", True),
    ("string_ids", True),
    ("cancelled_spelling", True),
    ("in_progress_text", "In Progress"),
    ("in_progress_text", "inprogress"),
    ("in_progress_text", "in_progress"),
    ("lowercase_statuses", True),
    ("remains_unknown", True),
    ("missing_currency", True),
    ("wrapped_services", True),
    ("service_extras", False),
    ("booleans_as_ints", True),
    ("omit_false_flags", True),
    ("lowercase_types", True),
    ("json_as_html", True),
    ("error_status_codes", True),
    ("status_without_currency", True),
    ("status_success", True),
    ("status_message_errors", True),
    ("created_status", True),
    ("empty_catalogue_as_text", True),
    ("pretty_json", True),
    ("bare_item_errors", True),
    ("status_list_without_ids", True),
    ("single_refill_bulk_shape", True),
    ("nested_refill_status", True),
    ("cancel_row_errors", True),
    ("status_extras", True),
    ("subscription_active", True),
    ("rate_limit_as_200", True),
    ("rate_limit_reset_header", True),
    (
        "error_texts",
        {
            "Incorrect order ID": "Order not found",
            "Refill not found": "Refill Request Not found",
            "Cannot cancel": "neworder.error.cannot_cancel",
        },
    ),
]
ALL_QUIRKS = Quirks(**dict(QUIRK_VARIANTS))  # type: ignore[arg-type]
CHANGING_QUIRKS = {"minimal_actions", "thousands_separators", "echo_key"}
"""Quirks that change what a client may read (refused actions, rounded money, redacted texts):
each has its own test below instead of the digest."""


def test_every_quirk_is_covered() -> None:
    """A quirk added to the fake panel must be added here too."""
    assert {name for name, _ in QUIRK_VARIANTS} | CHANGING_QUIRKS == {
        f.name for f in fields(Quirks)
    }
    assert all(getattr(Quirks(), name) != value for name, value in QUIRK_VARIANTS)


async def digest(client: SmmPanelClient, panel: FakePanel) -> list[object]:
    """Every action on a fixed scene, reduced to what must not depend on the panel's quirks.

    Ids are replaced by labels (opaque ids differ), statuses by their normalised state,
    error texts by a marker (their wording is a quirk); money and counts stay exact.
    """
    o1 = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 1000, status="In progress",
                            remains=157, start_count=3572, charge="0.27819")  # fmt: skip
    o2 = panel.create_order(SERVICE_FOLLOWERS, "https://x/2", 100, status="Canceled")
    o3 = panel.create_order(SERVICE_TIKTOK_FOLLOWERS, "https://x/3", 100)
    o4 = panel.create_order(SERVICE_FOLLOWERS, "https://x/4", 100, status="Completed")
    o5 = panel.create_order(SERVICE_FOLLOWERS, "https://x/5", 100, status="Partial", remains=30)
    o6 = panel.create_order(SERVICE_LIKES_DRIPFEED, "https://x/6", 100, status="Completed")
    r1 = panel.create_refill(o4, status="Completed")
    r2 = panel.create_refill(o2, age=90)
    labels = {o1: "o1", o2: "o2", o3: "o3", o4: "o4", o5: "o5", o6: "o6", r1: "r1", r2: "r2"}
    labels |= {unknown: unknown for unknown in ("424242", "999")}

    def label(item_id: str) -> str:
        return labels.get(item_id, "new")

    def reduce(value: object) -> object:
        if isinstance(value, ItemError):
            return ("item-error", label(value.item_id))
        if isinstance(value, OrderStatus):
            remains = None if value.state is OrderState.PENDING else value.remains
            return (label(value.order_id), value.state, value.charge, value.start_count, remains)
        if isinstance(value, RefillStatus):
            return (label(value.refill_id), value.state)
        if isinstance(value, RefillCreated):
            return (label(value.order_id), "refill", label(value.refill_id))
        if isinstance(value, CancelRequested):
            return (label(value.order_id), "cancel requested")
        if isinstance(value, dict):
            return sorted((label(k), reduce(v)) for k, v in value.items())
        return value

    out: list[object] = []
    balance = await client.balance()
    out.append(balance.amount)
    out.extend(
        (s.service_id, s.name, s.type.casefold(), s.category, s.rate, s.min, s.max, s.refill,
         s.cancel)
        for s in await client.services()
    )  # fmt: skip
    out.append(reduce(await client.status(o1)))
    out.append(reduce(await client.status_many([o1, o2, o3, o4, o5, "424242"])))
    out.append(reduce(await client.refill_status(r1)))
    out.append(reduce(await client.refill_status_many([r1, r2, "999"])))
    out.append(reduce(await client.refill_many([o4, o6, "424242"])))
    out.append(reduce(await client.cancel_many([o3, o4, "424242"])))
    out.append(label(await client.refill(o5)))
    for failing in (client.status("424242"), client.refill(o6), client.refill_status("999")):
        try:
            await failing
        except SmmError as err:
            out.append(type(err))
    placed = await client.add(SERVICE_FOLLOWERS, {"link": "https://x/7", "quantity": 50})
    out.append((label(placed.order_id), placed.warning))
    out.append((await client.balance()).amount)
    return out


@pytest.fixture
async def baseline(socket_enabled: None) -> list[object]:
    """The digest of a panel without quirks (its own panel and server)."""
    reference = FakePanel(key=CANARY_KEY)
    async with start_fake_panel(reference) as running, aiohttp.ClientSession() as session:
        return await digest(SmmPanelClient(running.url, CANARY_KEY, session), reference)


@pytest.mark.parametrize(
    "quirks",
    [pytest.param(replace(Quirks(), **{name: value}), id=f"{name}={value}")  # type: ignore[arg-type]
     for name, value in QUIRK_VARIANTS]
    + [pytest.param(ALL_QUIRKS, id="all-quirks")],
)  # fmt: skip
async def test_quirks_do_not_change_what_the_client_reads(
    client: SmmPanelClient, panel: FakePanel, baseline: list[object], quirks: Quirks
) -> None:
    """Each quirk alone, and all at once: every action reads the same values as without."""
    panel.quirks = quirks
    assert await digest(client, panel) == baseline


async def test_baseline_digest_is_meaningful(baseline: list[object]) -> None:
    """The reference digest really holds results, errors and exact money (not just Nones)."""
    assert baseline[0] == Decimal("100.84292")
    assert (SERVICE_FOLLOWERS, "Instagram Followers [Refill 30D]", "default",
            "Instagram Followers", Decimal("0.90"), 50, 10000, True, True) in baseline  # fmt: skip
    assert ("o1", OrderState.IN_PROGRESS, Decimal("0.27819"), 3572, 157) in baseline
    assert [SmmPanelError, SmmPanelError, SmmPanelError] == [
        item for item in baseline if isinstance(item, type)
    ]
    assert baseline[-1] == Decimal("100.84292") - Decimal("0.045")


# -- the values a quirk legitimately changes --------------------------------------------------


async def test_string_ids(client: SmmPanelClient, panel: FakePanel) -> None:
    """Opaque order and refill ids are kept as the panel's strings everywhere."""
    panel.quirks.string_ids = True
    placed = await client.add(SERVICE_FOLLOWERS, {"link": "https://x/1", "quantity": 100})
    assert placed == PlacedOrder(order_id="ord_5bcd")
    order_id = placed.order_id
    assert (await client.status(order_id)).order_id == "ord_5bcd"
    panel.set_order_status(order_id, "Completed")
    assert await client.refill(order_id) == "ref_1"
    assert await client.refill_status_many(["ref_1"]) == {
        "ref_1": RefillStatus(refill_id="ref_1", state=RefillState.PENDING, raw_status="Pending")
    }
    second = panel.create_order(SERVICE_FOLLOWERS, "https://x/2", 100, status="Completed")
    assert await client.refill_many([second]) == {
        second: RefillCreated(order_id=second, refill_id="ref_2")
    }
    assert await client.cancel_many([order_id]) == {
        order_id: ItemError(item_id=order_id, error="Cannot cancel")
    }


async def test_numeric_ids_as_strings(client: SmmPanelClient, panel: FakePanel) -> None:
    """Ids sent as strings ("23501") read exactly like ids sent as numbers."""
    panel.quirks.ids_as_strings = True
    placed = await client.add(SERVICE_FOLLOWERS, {"link": "https://x/1", "quantity": 100})
    assert placed == PlacedOrder(order_id="23501")
    services = await client.services()
    assert services[0].service_id == SERVICE_FOLLOWERS


@pytest.mark.parametrize("numbers_as_strings", [True, False])
async def test_money_stays_exact(
    client: SmmPanelClient, panel: FakePanel, numbers_as_strings: bool
) -> None:
    """Money as "0.27819" or as the JSON number 0.27819 becomes Decimal("0.27819") exactly."""
    panel.quirks.numbers_as_strings = numbers_as_strings
    panel.balance = Decimal("1234.56789")
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 1000, status="In progress",
                                  remains=157, charge="0.27819")  # fmt: skip
    status = await client.status(order_id)
    assert status.charge == Decimal("0.27819")
    assert str(status.charge) == "0.27819"
    balance = await client.balance()
    assert str(balance.amount) == "1234.56789"
    rates = {s.service_id: s.rate for s in await client.services()}
    assert rates[SERVICE_FOLLOWERS] == Decimal("0.9")


async def test_remains_unknown(client: SmmPanelClient, panel: FakePanel) -> None:
    """`remains: "Unknown"` on a pending order reads as None, the rest intact."""
    panel.quirks.remains_unknown = True
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100)
    status = await client.status(order_id)
    assert (status.state, status.remains, status.start_count) == (OrderState.PENDING, None, 0)
    assert status.charge == Decimal("0.09")


async def test_missing_currency(client: SmmPanelClient, panel: FakePanel) -> None:
    """No `currency` key: None in balance and status, not an error."""
    panel.quirks.missing_currency = True
    assert await client.balance() == Balance(amount=Decimal("100.84292"), currency=None)
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100)
    assert (await client.status(order_id)).currency is None
    (item,) = (await client.status_many([order_id])).values()
    assert isinstance(item, OrderStatus)
    assert item.currency is None


@pytest.mark.parametrize(
    ("quirk", "value", "raw"),
    [
        ("cancelled_spelling", True, "Cancelled"),
        ("lowercase_statuses", True, "canceled"),
    ],
)
async def test_canceled_spellings(
    client: SmmPanelClient, panel: FakePanel, quirk: str, value: bool, raw: str
) -> None:
    """Canceled / Cancelled / canceled: one state, the panel's text kept in raw_status."""
    setattr(panel.quirks, quirk, value)
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100, status="Canceled")
    status = await client.status(order_id)
    assert (status.state, status.raw_status) == (OrderState.CANCELED, raw)


@pytest.mark.parametrize("spelling", ["In progress", "In Progress", "inprogress", "IN PROGRESS"])
async def test_in_progress_spellings(
    client: SmmPanelClient, panel: FakePanel, spelling: str
) -> None:
    """Every spelling of In progress is IN_PROGRESS for orders and refills."""
    panel.quirks.in_progress_text = spelling
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100, age=90)
    refill_id = panel.create_refill(order_id, age=90)
    status = await client.status(order_id)
    assert (status.state, status.raw_status) == (OrderState.IN_PROGRESS, spelling)
    refill = await client.refill_status(refill_id)
    assert (refill.state, refill.raw_status) == (RefillState.IN_PROGRESS, spelling)


async def test_service_flags_and_extras(client: SmmPanelClient, panel: FakePanel) -> None:
    """Flags as 0/1 or left out when false; no dripfeed/description keys: all read alike."""
    panel.quirks.booleans_as_ints = True
    as_ints = await client.services()
    panel.quirks.booleans_as_ints = False
    panel.quirks.omit_false_flags = True
    omitted = await client.services()
    assert as_ints == omitted
    followers = as_ints[0]
    likes = as_ints[1]
    assert (followers.refill, followers.cancel, followers.dripfeed) == (True, True, False)
    assert (likes.refill, likes.cancel, likes.dripfeed) == (False, False, True)
    panel.quirks.service_extras = False
    bare = await client.services()
    assert {(s.description, s.dripfeed) for s in bare} == {(None, False)}
    description = "Instagram Followers [Refill 30D]. Start 0-1 h. Min 50, max 10000."
    assert followers.description == description


async def test_lowercase_types(client: SmmPanelClient, panel: FakePanel) -> None:
    """Type names keep the panel's case (the ordering rules match them case-insensitively)."""
    panel.quirks.lowercase_types = True
    types = {s.type for s in await client.services()}
    assert "custom comments" in types
    assert all(t == t.lower() for t in types)


async def test_wrapped_services(client: SmmPanelClient, panel: FakePanel) -> None:
    """`{"services": [...]}` reads like the bare list."""
    plain = await client.services()
    panel.quirks.wrapped_services = True
    assert await client.services() == plain
    assert len(plain) == 21


@pytest.mark.parametrize("error_status_codes", [False, True])
async def test_error_text_variants(
    client: SmmPanelClient, panel: FakePanel, error_status_codes: bool
) -> None:
    """A panel's own wording of an error is passed on verbatim, single or per item."""
    panel.quirks.error_status_codes = error_status_codes
    panel.quirks.error_texts = {
        "Incorrect order ID": "Order not found",
        "Refill not found": "Refill Request Not found",
    }
    with pytest.raises(SmmPanelError, match=r"^Order not found$"):
        await client.status("1")
    with pytest.raises(SmmPanelError, match=r"^Refill Request Not found$"):
        await client.refill_status("1")
    assert await client.status_many(["1"]) == {"1": ItemError(item_id="1", error="Order not found")}
    assert await client.refill_status_many(["1"]) == {
        "1": ItemError(item_id="1", error="Refill Request Not found")
    }


@pytest.mark.parametrize(
    "wording", ["Invalid API key", "Incorrect API key", "Invalid api key.", "Wrong API key"]
)
@pytest.mark.parametrize("error_status_codes", [False, True])
async def test_key_error_wordings(
    client: SmmPanelClient, panel: FakePanel, wording: str, error_status_codes: bool
) -> None:
    """Every wording of a rejected key, with HTTP 200 or 401, is SmmAuthError."""
    panel.quirks.error_status_codes = error_status_codes
    panel.quirks.error_texts = {"Invalid API key": wording}
    panel.key = "the-new-key"
    with pytest.raises(SmmAuthError):
        await client.balance()


# -- quirks that change what is read ---------------------------------------------------------


async def test_minimal_actions(client: SmmPanelClient, panel: FakePanel) -> None:
    """A panel with only add/status/services/balance: the rest is its error, per order in bulk."""
    panel.quirks.minimal_actions = True
    order = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100, status="Completed")
    assert (await client.status(order)).state is OrderState.COMPLETED
    assert (await client.balance()).amount == Decimal("100.84292")
    for single in (client.refill(order), client.refill_status("1")):
        with pytest.raises(SmmPanelError, match=r"^This action is Invalid$"):
            await single
    invalid = ItemError(item_id=order, error="This action is Invalid")
    assert await client.refill_many([order]) == {order: invalid}
    assert await client.cancel_many([order]) == {order: invalid}


async def test_thousands_separators(client: SmmPanelClient, panel: FakePanel) -> None:
    """The balance as number_format writes it ("1,234.56") is read exactly."""
    panel.quirks.thousands_separators = True
    panel.balance = Decimal("1234567.89")
    assert await client.balance() == Balance(amount=Decimal("1234567.89"), currency="USD")


async def test_echo_key(client: SmmPanelClient, panel: FakePanel) -> None:
    """A panel quoting the request (key included) everywhere: the client shows only REDACTED."""
    panel.quirks.echo_key = True
    out = repr(await digest(client, panel))
    assert CANARY_KEY not in out
    assert REDACTED in out
    panel.key = "rotated"  # the panel now quotes the refused key the client sent
    with pytest.raises(SmmAuthError) as caught:
        await client.balance()
    assert_no_key_in_exception(caught.value)
