"""Each switchable quirk changes the answers the way PROTOCOL.md §1, §2 and §6 describe."""

from __future__ import annotations

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel

from .conftest import Api

LINK = "https://instagram.com/someone"


async def test_numbers_as_numbers(api: Api, fake: FakePanel) -> None:
    """With numbers_as_strings off, amounts and counts are JSON numbers."""
    fake.quirks.numbers_as_strings = False
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, 1000, status="Partial", remains=157)
    assert await api.call("status", order=order) == {
        "charge": 0.75870,
        "start_count": fake.orders[order].start_count,
        "status": "Partial",
        "remains": 157,
        "currency": "USD",
    }
    assert await api.call("balance") == {"balance": 100.84292, "currency": "USD"}
    service = (await api.call("services"))[0]
    assert (service["rate"], service["min"], service["max"]) == (0.9, 50, 10000)


async def test_ids_as_strings(api: Api, fake: FakePanel) -> None:
    """Numeric ids answered as strings everywhere."""
    fake.quirks.ids_as_strings = True
    answer = await api.call("add", service=SERVICE_FOLLOWERS, link=LINK, quantity="100")
    assert answer == {"order": "23501"}
    fake.set_order_status("23501", "Completed")
    assert await api.call("refill", orders="23501") == [{"order": "23501", "refill": "1"}]
    assert await api.call("cancel", orders="23501") == [
        {"order": "23501", "cancel": {"error": "Cannot cancel"}}
    ]
    assert (await api.call("services"))[0]["service"] == "1"


async def test_string_ids(api: Api, fake: FakePanel) -> None:
    """Opaque ids for new orders and refills, usable in every form."""
    fake.quirks.string_ids = True
    order = (await api.call("add", service=SERVICE_FOLLOWERS, link=LINK, quantity="100"))["order"]
    assert isinstance(order, str)
    assert order.startswith("ord_")
    assert not order.isdigit()
    assert list(await api.call("status", orders=order)) == [order]
    fake.set_order_status(order, "Completed")
    refill = (await api.call("refill", orders=order))[0]["refill"]
    assert isinstance(refill, str)
    assert refill.startswith("ref_")
    assert await api.call("refill_status", refills=refill) == [
        {"refill": refill, "status": "Pending"}
    ]


async def test_status_spellings(api: Api, fake: FakePanel) -> None:
    """Cancelled spelling, In progress variants and lower-case statuses."""
    canceled = fake.create_order(SERVICE_FOLLOWERS, LINK, status="Canceled")
    running = fake.create_order(SERVICE_FOLLOWERS, LINK + "/2", age=100)
    fake.quirks.cancelled_spelling = True
    fake.quirks.in_progress_text = "In Progress"
    bulk = await api.call("status", orders=f"{canceled},{running}")
    assert (bulk[canceled]["status"], bulk[running]["status"]) == ("Cancelled", "In Progress")
    fake.quirks.in_progress_text = "inprogress"
    assert (await api.call("status", order=running))["status"] == "inprogress"
    fake.quirks.lowercase_statuses = True
    assert (await api.call("status", order=canceled))["status"] == "cancelled"


async def test_remains_unknown_and_missing_currency(api: Api, fake: FakePanel) -> None:
    """Pending remains "Unknown"; no currency key at all."""
    fake.quirks.remains_unknown = True
    fake.quirks.missing_currency = True
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, 100)
    answer = await api.call("status", order=order)
    assert answer["remains"] == "Unknown"
    assert "currency" not in answer
    assert await api.call("balance") == {"balance": "100.84292"}


async def test_service_list_variants(api: Api, fake: FakePanel) -> None:
    """Wrapped list, flags as ints, false flags left out, no extras, lower-case types."""
    fake.quirks.wrapped_services = True
    fake.quirks.booleans_as_ints = True
    wrapped = await api.call("services")
    assert list(wrapped) == ["services"]
    first = wrapped["services"][0]
    assert (first["refill"], first["cancel"], first["dripfeed"]) == (1, 1, 0)
    fake.quirks.wrapped_services = False
    fake.quirks.booleans_as_ints = False
    fake.quirks.omit_false_flags = True
    fake.quirks.service_extras = False
    fake.quirks.lowercase_types = True
    second = (await api.call("services"))[1]
    assert set(second) == {"service", "name", "type", "category", "rate", "min", "max"}
    assert second["type"] == "default"


async def test_json_as_html(api: Api, fake: FakePanel) -> None:
    """JSON labelled text/html, still valid JSON."""
    fake.quirks.json_as_html = True
    reply = await api.post("balance")
    assert reply.content_type == "text/html"
    assert reply.json == {"balance": "100.84292", "currency": "USD"}


async def test_error_status_codes(api: Api, fake: FakePanel) -> None:
    """Strict panels send 4xx with the JSON error body; bulk items stay 200."""
    fake.quirks.error_status_codes = True
    expected = [
        (await api.post("balance", key="bad"), 401, "Invalid API key"),
        (await api.post("nope"), 400, "Incorrect request"),
        (await api.post("status", order="1"), 404, "Incorrect order ID"),
        (await api.post("refill_status", refill="1"), 404, "Refill not found"),
        (await api.post("add", service="999"), 400, "Incorrect service ID"),
        (
            await api.post("add", service="21", link=LINK, quantity="1000"),
            402,
            "Not enough funds on balance",
        ),
        (await api.post("add", service="1", link=LINK, quantity="1"), 422, None),
    ]
    for reply, status, text in expected:
        assert reply.status == status
        assert reply.content_type == "application/json"
        if text is not None:
            assert reply.json == {"error": text}
    bulk = await api.post("status", orders="1,2")
    assert bulk.status == 200


async def test_error_text_variants(api: Api, fake: FakePanel) -> None:
    """A panel's own wording of an error."""
    fake.quirks.error_texts = {
        "Invalid API key": "Incorrect API key",
        "Not enough funds on balance": "neworder.error.not_enough_funds",
    }
    assert await api.call("balance", key="x") == {"error": "Incorrect API key"}
    answer = await api.call("add", service="21", link=LINK, quantity="1000")
    assert answer == {"error": "neworder.error.not_enough_funds"}
