"""Every action, single and bulk, over real HTTP against the fake panel (PROTOCOL.md §2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from custom_components.smm_panel.api import (
    Balance,
    CancelRequested,
    ItemError,
    OrderState,
    OrderStatus,
    PlacedOrder,
    RefillCreated,
    RefillState,
    RefillStatus,
    Service,
    SmmInvalidResponseError,
    SmmPanelClient,
    SmmPanelError,
)
from custom_components.smm_panel.api.answers import MISSING_FROM_ANSWER
from tests.fake_panel import (
    CANCEL_DELAY_SECONDS,
    CATALOGUE,
    DEFAULT_BALANCE,
    PENDING_SECONDS,
    REFILL_PENDING_SECONDS,
    REFILL_WORK_SECONDS,
    SERVICE_CUSTOM_COMMENTS,
    SERVICE_DISABLED,
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_PACKAGE,
    SERVICE_SUBSCRIPTIONS,
    FakePanel,
    Fault,
)

from .conftest import bulk_method

LINK = "https://instagram.com/p/Cx1"


def catalogue_as_client_sees_it() -> list[Service]:
    """The listed (enabled) fake catalogue, as the client should read it."""
    return [
        Service(
            service_id=s.id,
            name=s.name,
            type=s.type.value,
            category=s.category,
            rate=s.rate,
            min=s.min,
            max=s.max,
            refill=s.refill,
            cancel=s.cancel,
            dripfeed=s.dripfeed,
            description=s.description,
        )
        for s in CATALOGUE
        if s.enabled
    ]


# -- balance ----------------------------------------------------------------------------------


async def test_balance(client: SmmPanelClient, panel: FakePanel) -> None:
    """`balance` is read exactly, as Decimal, with its currency; one POST, no extra fields."""
    balance = await client.balance()
    assert balance == Balance(amount=Decimal("100.84292"), currency="USD")
    assert str(balance.amount) == "100.84292"
    assert panel.counts == Counter({"balance": 1})
    (record,) = panel.requests
    assert record.method == "POST"
    assert dict(record.fields) == {"action": "balance"}


async def test_balance_follows_the_panel(client: SmmPanelClient, panel: FakePanel) -> None:
    """A changed balance and currency are what the client reports."""
    panel.balance = Decimal("0.00001")
    panel.currency = "EUR"
    assert await client.balance() == Balance(amount=Decimal("0.00001"), currency="EUR")


# -- services ---------------------------------------------------------------------------------


async def test_services(client: SmmPanelClient, panel: FakePanel) -> None:
    """The whole listed catalogue, every field, disabled services left out by the panel."""
    services = await client.services()
    assert services == catalogue_as_client_sees_it()
    assert SERVICE_DISABLED not in {s.service_id for s in services}
    assert all(type(s.rate) is Decimal for s in services)
    assert str(services[0].rate) == "0.90"
    assert panel.counts == Counter({"services": 1})


# -- add --------------------------------------------------------------------------------------


async def test_add(client: SmmPanelClient, panel: FakePanel) -> None:
    """`add` sends the service and fields once and returns the new order id as a string."""
    placed = await client.add(SERVICE_FOLLOWERS, {"link": LINK, "quantity": 1000})
    assert placed == PlacedOrder(order_id="23501", warning=None)
    order_id = placed.order_id
    order = panel.orders[order_id]
    assert (order.service.id, order.link, order.quantity) == (SERVICE_FOLLOWERS, LINK, 1000)
    assert panel.balance == DEFAULT_BALANCE - Decimal("0.9")
    assert panel.counts == Counter({"add": 1})
    assert dict(panel.requests[0].fields) == {
        "action": "add",
        "service": SERVICE_FOLLOWERS,
        "link": LINK,
        "quantity": "1000",
    }


async def test_add_field_values_are_sent_as_text(client: SmmPanelClient, panel: FakePanel) -> None:
    """Int, Decimal and str field values all go as text; drip-feed runs x quantity."""
    placed = await client.add(
        SERVICE_LIKES_DRIPFEED,
        {"link": LINK, "quantity": Decimal(100), "runs": 5, "interval": "10"},
    )
    order_id = placed.order_id
    assert panel.orders[order_id].quantity == 500
    fields = panel.requests[0].fields
    assert (fields["quantity"], fields["runs"], fields["interval"]) == ("100", "5", "10")


async def test_add_list_and_package_types(client: SmmPanelClient, panel: FakePanel) -> None:
    """Multi-line list fields arrive intact (the panel counts the lines); packages work too."""
    comments = "\n".join(f"Nice {n}" for n in range(6))
    placed = await client.add(SERVICE_CUSTOM_COMMENTS, {"link": LINK, "comments": comments})
    assert panel.orders[placed.order_id].quantity == 6
    assert panel.requests[0].fields["comments"] == comments
    package = await client.add(SERVICE_PACKAGE, {"link": LINK})
    assert panel.orders[package.order_id].charge == Decimal("4.99")
    subscription = await client.add(
        SERVICE_SUBSCRIPTIONS,
        {"username": "someone", "min": 50, "max": 100, "delay": 30, "expiry": "31/12/2030"},
    )
    assert panel.orders[subscription.order_id].quantity == 100


async def test_add_cannot_be_turned_into_another_action(
    client: SmmPanelClient, panel: FakePanel
) -> None:
    """Fields named key, action or service never override the client's own."""
    placed = await client.add(
        SERVICE_FOLLOWERS,
        {"link": LINK, "quantity": 100, "action": "cancel", "key": "other", "service": "4"},
    )
    assert panel.orders[placed.order_id].service.id == SERVICE_FOLLOWERS
    assert panel.counts == Counter({"add": 1})
    assert panel.requests[0].fields["service"] == SERVICE_FOLLOWERS


@pytest.mark.parametrize("error_status_codes", [False, True])
@pytest.mark.parametrize(
    ("service_id", "fields", "message"),
    [
        ("777", {"link": LINK, "quantity": 100}, "Incorrect service ID"),
        (SERVICE_DISABLED, {"link": LINK, "quantity": 100}, "Disabled service ID"),
        (SERVICE_FOLLOWERS, {"link": LINK, "quantity": 10}, "Quantity less than minimal 50"),
        (
            SERVICE_FOLLOWERS,
            {"link": LINK, "quantity": 20000},
            "Quantity more than maximum 10000",
        ),
        (SERVICE_FOLLOWERS, {"link": "not a link", "quantity": 100}, "Incorrect link"),
        (SERVICE_FOLLOWERS, {"quantity": 100}, "Link cannot be blank."),
    ],
)
async def test_add_refused(
    client: SmmPanelClient,
    panel: FakePanel,
    error_status_codes: bool,
    service_id: str,
    fields: dict[str, str | int],
    message: str,
) -> None:
    """A refused order raises SmmPanelError with the panel's own text (HTTP 200 or 4xx)."""
    panel.quirks.error_status_codes = error_status_codes
    with pytest.raises(SmmPanelError) as caught:
        await client.add(service_id, fields)
    assert caught.value.panel_message == message
    assert str(caught.value) == message
    assert panel.orders == {}
    assert panel.counts == Counter({"add": 1})


@pytest.mark.parametrize("error_status_codes", [False, True])
async def test_add_without_funds(
    client: SmmPanelClient, panel: FakePanel, error_status_codes: bool
) -> None:
    """ "Not enough funds on balance" (HTTP 402 on strict panels) is a panel error."""
    panel.quirks.error_status_codes = error_status_codes
    panel.balance = Decimal("0.01")
    with pytest.raises(SmmPanelError, match=r"^Not enough funds on balance$"):
        await client.add(SERVICE_FOLLOWERS, {"link": LINK, "quantity": 1000})
    assert panel.orders == {}


async def test_add_duplicate_link(client: SmmPanelClient, panel: FakePanel) -> None:
    """The panel's duplicate-link refusal comes through verbatim."""
    panel.create_order(SERVICE_FOLLOWERS, LINK, 100)
    with pytest.raises(SmmPanelError) as caught:
        await client.add(SERVICE_FOLLOWERS, {"link": LINK, "quantity": 100})
    assert caught.value.panel_message.startswith("You have active order with this link.")


# -- status -----------------------------------------------------------------------------------


async def test_status(client: SmmPanelClient, panel: FakePanel) -> None:
    """One order's status, every field read, money exact."""
    order_id = panel.create_order(
        SERVICE_FOLLOWERS, LINK, 1000, status="In progress", remains=157, start_count=3572,
        charge="0.27819",
    )  # fmt: skip
    status = await client.status(order_id)
    assert status == OrderStatus(
        order_id=order_id,
        state=OrderState.IN_PROGRESS,
        raw_status="In progress",
        charge=Decimal("0.27819"),
        start_count=3572,
        remains=157,
        currency="USD",
    )
    assert str(status.charge) == "0.27819"
    assert dict(panel.requests[0].fields) == {"action": "status", "order": order_id}


async def test_status_follows_the_lifecycle(client: SmmPanelClient, panel: FakePanel) -> None:
    """Pending → In progress → Completed, as the panel's clock moves."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, LINK, 1000)
    pending = await client.status(order_id)
    assert (pending.state, pending.start_count, pending.remains) == (OrderState.PENDING, 0, 1000)
    panel.advance(PENDING_SECONDS + 120)
    running = await client.status(order_id)
    assert running.state is OrderState.IN_PROGRESS
    assert running.remains is not None
    assert 0 < running.remains < 1000
    assert running.start_count == panel.orders[order_id].start_count
    panel.advance(3600)
    done = await client.status(order_id)
    assert (done.state, done.remains, done.state.finished) == (OrderState.COMPLETED, 0, True)


@pytest.mark.parametrize("error_status_codes", [False, True])
@pytest.mark.parametrize(
    ("method", "item_id", "message"),
    [("status", "424242", "Incorrect order ID"), ("refill_status", "999", "Refill not found")],
)
async def test_status_of_unknown_id(
    client: SmmPanelClient,
    panel: FakePanel,
    error_status_codes: bool,
    method: str,
    item_id: str,
    message: str,
) -> None:
    """An unknown order or refill: the single form raises the panel's text (HTTP 200 or 404)."""
    panel.quirks.error_status_codes = error_status_codes
    call = {"status": client.status, "refill_status": client.refill_status}[method]
    with pytest.raises(SmmPanelError, match=rf"^{message}$"):
        await call(item_id)


async def test_status_many(client: SmmPanelClient, panel: FakePanel) -> None:
    """Bulk status: one request, every id answered, unknown ids kept as ItemError."""
    partial = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 1000, status="Partial",
                                 remains=250, start_count=10)  # fmt: skip
    pending = panel.create_order(SERVICE_FOLLOWERS, "https://x/2", 100)
    result = await client.status_many([partial, pending, "424242", f" {pending} ", "", partial])
    assert set(result) == {partial, pending, "424242"}
    first = result[partial]
    assert isinstance(first, OrderStatus)
    assert (first.state, first.remains, first.start_count) == (OrderState.PARTIAL, 250, 10)
    assert first.charge == Decimal("0.9") - Decimal("0.225")
    second = result[pending]
    assert isinstance(second, OrderStatus)
    assert second.state is OrderState.PENDING
    assert result["424242"] == ItemError(item_id="424242", error="Incorrect order ID")
    assert panel.counts == Counter({"status": 1})
    assert panel.requests[0].fields["orders"] == f"{partial},{pending},424242"


async def test_status_many_of_nothing_sends_nothing(
    client: SmmPanelClient, panel: FakePanel
) -> None:
    """No ids (or only blanks): an empty answer and no request at all."""
    assert await client.status_many([]) == {}
    assert await client.refill_status_many(["", "  "]) == {}
    assert await client.refill_many([]) == {}
    assert await client.cancel_many(iter([])) == {}
    assert panel.counts == Counter()


async def test_ids_missing_from_a_bulk_answer(client: SmmPanelClient, panel: FakePanel) -> None:
    """Ids the panel leaves out of a bulk answer come back as ItemError, never dropped."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, LINK, 100, status="Completed")
    answer = {order_id: {"status": "Completed", "charge": "0.09", "remains": "0"}}
    panel.inject(Fault.WRONG_SHAPE, action="status", body=answer)
    result = await client.status_many([order_id, "5", "6"])
    assert isinstance(result[order_id], OrderStatus)
    assert result["5"] == ItemError(item_id="5", error=MISSING_FROM_ANSWER)
    assert result["6"] == ItemError(item_id="6", error=MISSING_FROM_ANSWER)
    panel.inject(Fault.WRONG_SHAPE, action="refill", body=[{"order": order_id, "refill": "9"}])
    assert await client.refill_many([order_id, "5"]) == {
        order_id: RefillCreated(order_id=order_id, refill_id="9"),
        "5": ItemError(item_id="5", error=MISSING_FROM_ANSWER),
    }


@pytest.mark.parametrize("body", [[], {}, {"foo": 1}, [{"order": "77", "status": "Completed"}]])
@pytest.mark.parametrize("action", ["status", "refill", "refill_status", "cancel"])
async def test_bulk_answer_naming_none_of_the_ids(
    client: SmmPanelClient, panel: FakePanel, action: str, body: object
) -> None:
    """An answer about none of the ids asked for fails as a whole, not as an error per id.

    Otherwise three such answers (a maintenance page's JSON, say) would finish every order.
    """
    panel.inject(Fault.WRONG_SHAPE, action=action, body=body, times=2)
    with pytest.raises(SmmInvalidResponseError, match="none of the ids"):
        await bulk_method(client, action)(["5", "6"])


# -- refill -----------------------------------------------------------------------------------


async def test_refill(client: SmmPanelClient, panel: FakePanel) -> None:
    """A refill of a completed order on a refill service returns the refill id."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, LINK, 100, status="Completed")
    refill_id = await client.refill(order_id)
    assert refill_id == "1"
    assert panel.refills[refill_id].order_id == order_id
    assert dict(panel.requests[0].fields) == {"action": "refill", "order": order_id}


@pytest.mark.parametrize(
    ("service_id", "status", "message"),
    [
        (SERVICE_LIKES_DRIPFEED, "Completed", "Order not eligible for refill."),
        (SERVICE_FOLLOWERS, "In progress", "Order not eligible for refill."),
        (None, None, "Incorrect order ID"),
    ],
)
async def test_refill_refused(
    client: SmmPanelClient,
    panel: FakePanel,
    service_id: str | None,
    status: str | None,
    message: str,
) -> None:
    """A refused refill raises SmmPanelError with the panel's text."""
    order_id = "424242"
    if service_id is not None:
        order_id = panel.create_order(service_id, LINK, 100, status=status)
    with pytest.raises(SmmPanelError) as caught:
        await client.refill(order_id)
    assert caught.value.panel_message == message
    assert panel.refills == {}


async def test_refill_many(client: SmmPanelClient, panel: FakePanel) -> None:
    """Bulk refill: created refills and per-order refusals side by side, keyed by order."""
    done = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100, status="Completed")
    partial = panel.create_order(SERVICE_FOLLOWERS, "https://x/2", 100, status="Partial")
    no_refill = panel.create_order(SERVICE_LIKES_DRIPFEED, "https://x/3", 100, status="Completed")
    result = await client.refill_many([done, partial, no_refill, "424242", done])
    assert result == {
        done: RefillCreated(order_id=done, refill_id="1"),
        partial: RefillCreated(order_id=partial, refill_id="2"),
        no_refill: ItemError(item_id=no_refill, error="Order not eligible for refill."),
        "424242": ItemError(item_id="424242", error="Incorrect order ID"),
    }
    assert set(panel.refills) == {"1", "2"}
    assert panel.counts == Counter({"refill": 1})


# -- refill_status ----------------------------------------------------------------------------


async def test_refill_status(client: SmmPanelClient, panel: FakePanel) -> None:
    """A refill's status through its lifecycle: Pending, In progress, Completed."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, LINK, 100, status="Completed")
    refill_id = panel.create_refill(order_id)
    seen = [await client.refill_status(refill_id)]
    panel.advance(REFILL_PENDING_SECONDS)
    seen.append(await client.refill_status(refill_id))
    panel.advance(REFILL_WORK_SECONDS)
    seen.append(await client.refill_status(refill_id))
    assert seen == [
        RefillStatus(refill_id=refill_id, state=RefillState.PENDING, raw_status="Pending"),
        RefillStatus(refill_id=refill_id, state=RefillState.IN_PROGRESS, raw_status="In progress"),
        RefillStatus(refill_id=refill_id, state=RefillState.COMPLETED, raw_status="Completed"),
    ]
    assert [s.state.finished for s in seen] == [False, False, True]
    assert dict(panel.requests[0].fields) == {"action": "refill_status", "refill": refill_id}


async def test_refill_status_many(client: SmmPanelClient, panel: FakePanel) -> None:
    """Bulk refill status, per-refill errors kept as ItemError."""
    done = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100, status="Completed")
    rejecting = panel.create_order(SERVICE_FOLLOWERS, "https://x/reject", 100, status="Completed")
    first = panel.create_refill(done)
    second = panel.create_refill(rejecting, age=3600)
    third = panel.create_refill(done, status="Cancelled")
    result = await client.refill_status_many([first, second, third, "999", " "])
    assert result == {
        first: RefillStatus(refill_id=first, state=RefillState.PENDING, raw_status="Pending"),
        second: RefillStatus(refill_id=second, state=RefillState.REJECTED, raw_status="Rejected"),
        third: RefillStatus(refill_id=third, state=RefillState.CANCELED, raw_status="Cancelled"),
        "999": ItemError(item_id="999", error="Refill not found"),
    }
    assert panel.counts == Counter({"refill_status": 1})
    assert panel.requests[0].fields["refills"] == f"{first},{second},{third},999"


# -- cancel -----------------------------------------------------------------------------------


async def test_cancel_many(client: SmmPanelClient, panel: FakePanel) -> None:
    """Bulk cancel: accepted requests and refusals side by side; the order changes later."""
    cancelable = panel.create_order(SERVICE_FOLLOWERS, "https://x/1", 100)
    not_cancelable = panel.create_order(SERVICE_LIKES_DRIPFEED, "https://x/2", 100)
    finished = panel.create_order(SERVICE_FOLLOWERS, "https://x/3", 100, status="Completed")
    result = await client.cancel_many([cancelable, not_cancelable, finished, "424242"])
    assert result == {
        cancelable: CancelRequested(order_id=cancelable),
        not_cancelable: ItemError(item_id=not_cancelable, error="Cannot cancel"),
        finished: ItemError(item_id=finished, error="Cannot cancel"),
        "424242": ItemError(item_id="424242", error="Incorrect order ID"),
    }
    assert panel.requests[0].fields["orders"] == f"{cancelable},{not_cancelable},{finished},424242"
    assert (await client.status(cancelable)).state is OrderState.PENDING
    panel.advance(CANCEL_DELAY_SECONDS)
    assert (await client.status(cancelable)).state is OrderState.CANCELED


# -- answers of the wrong shape for one action ------------------------------------------------


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("balance", {"foo": 1}),
        ("balance", {"balance": "Unknown", "currency": "USD"}),
        ("balance", [{"balance": "1.00"}]),
        ("services", {"foo": 1}),
        ("services", {"services": {"1": {}}}),
        ("services", "Followers"),
        ("status", {"foo": 1}),
        ("status", ["Completed"]),
        ("status", {"status": ""}),
        ("refill", {"foo": 1}),
        ("refill", {"refill": True}),
        ("refill", []),
        ("refill_status", {"foo": 1}),
        ("refill_status", {"status": ""}),
        ("refill_status", {"status": {"status": {"status": "Completed"}}}),
    ],
)
async def test_single_forms_reject_wrong_shapes(
    client: SmmPanelClient, panel: FakePanel, action: str, body: object
) -> None:
    """JSON that does not answer the question asked is SmmInvalidResponseError."""
    panel.inject(Fault.WRONG_SHAPE, action=action, body=body)
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "balance": client.balance,
        "services": client.services,
        "status": lambda: client.status("1"),
        "refill": lambda: client.refill("1"),
        "refill_status": lambda: client.refill_status("1"),
    }
    with pytest.raises(SmmInvalidResponseError):
        await calls[action]()
    assert panel.counts == Counter({action: 1})


@pytest.mark.parametrize("body", ["text", 42, None, True])
@pytest.mark.parametrize("action", ["status", "refill", "refill_status", "cancel"])
async def test_bulk_forms_reject_scalars(
    client: SmmPanelClient, panel: FakePanel, action: str, body: object
) -> None:
    """A bulk answer that is neither an object nor a list is SmmInvalidResponseError."""
    panel.inject(Fault.WRONG_SHAPE, action=action, body=body)
    with pytest.raises(SmmInvalidResponseError):
        await bulk_method(client, action)(["1", "2"])
