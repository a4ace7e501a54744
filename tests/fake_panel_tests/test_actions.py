"""Every action of PROTOCOL.md §2 over real HTTP, including the panel's refusals."""

from __future__ import annotations

from decimal import Decimal

import aiohttp
import pytest

from tests.fake_panel import (
    CATALOGUE,
    DEFAULT_BALANCE,
    SERVICE_COMMENT_LIKES,
    SERVICE_COMMENT_REPLIES,
    SERVICE_CUSTOM_COMMENTS,
    SERVICE_CUSTOM_COMMENTS_PACKAGE,
    SERVICE_DISABLED,
    SERVICE_FOLLOWERS,
    SERVICE_INVITES,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_MENTIONS,
    SERVICE_MENTIONS_CUSTOM_LIST,
    SERVICE_MENTIONS_HASHTAG,
    SERVICE_MENTIONS_HASHTAGS,
    SERVICE_MENTIONS_MEDIA_LIKERS,
    SERVICE_MENTIONS_USER_FOLLOWERS,
    SERVICE_PACKAGE,
    SERVICE_POLL,
    SERVICE_PREMIUM,
    SERVICE_SEO,
    SERVICE_SUBSCRIPTIONS,
    SERVICE_TIKTOK_FOLLOWERS,
    SERVICE_VIEWS,
    SERVICE_WEB_TRAFFIC,
    FakePanel,
    RunningFakePanel,
    ServiceType,
)

from .conftest import KEY, Api

LINK = "https://instagram.com/p/abc"
FIVE_LINES = "great\nnice\nwow\ncool\nlove it"

# service, fields, units, charge
ADDS: list[tuple[str, dict[str, str], int, str]] = [
    (SERVICE_FOLLOWERS, {"link": LINK, "quantity": "500"}, 500, "0.45"),
    (SERVICE_PACKAGE, {"link": LINK}, 1, "4.99"),
    (SERVICE_SEO, {"link": LINK, "quantity": "1000", "keywords": "smm\npanel"}, 1000, "3"),
    (SERVICE_CUSTOM_COMMENTS, {"link": LINK, "comments": FIVE_LINES}, 5, "0.06"),
    (SERVICE_CUSTOM_COMMENTS_PACKAGE, {"link": LINK, "comments": "a\nb\nc"}, 3, "2.50"),
    (SERVICE_MENTIONS, {"link": LINK, "quantity": "100", "usernames": "a\nb"}, 100, "0.6"),
    (
        SERVICE_MENTIONS_HASHTAGS,
        {"link": LINK, "quantity": "100", "usernames": "a\nb", "hashtags": "#x\n#y"},
        100,
        "0.8",
    ),
    (SERVICE_MENTIONS_CUSTOM_LIST, {"link": LINK, "usernames": "\n".join("abcdefghij")}, 10, "0.1"),
    (SERVICE_MENTIONS_HASHTAG, {"link": LINK, "quantity": "100", "hashtag": "#smm"}, 100, "0.7"),
    (
        SERVICE_MENTIONS_USER_FOLLOWERS,
        {"link": LINK, "quantity": "100", "username": "someone"},
        100,
        "0.75",
    ),
    (
        SERVICE_MENTIONS_MEDIA_LIKERS,
        {"link": LINK, "quantity": "100", "media": "https://instagram.com/p/x"},
        100,
        "0.75",
    ),
    (SERVICE_COMMENT_LIKES, {"link": LINK, "quantity": "100", "username": "who"}, 100, "0.32"),
    (
        SERVICE_COMMENT_REPLIES,
        {"link": LINK, "username": "who", "comments": FIVE_LINES},
        5,
        "0.075",
    ),
    (SERVICE_POLL, {"link": LINK, "quantity": "100", "answer_number": "2"}, 100, "0.18"),
    (SERVICE_INVITES, {"link": LINK, "quantity": "100", "groups": "g1\ng2"}, 100, "0.9"),
    (
        SERVICE_SUBSCRIPTIONS,
        {
            "username": "someone",
            "min": "100",
            "max": "200",
            "delay": "30",
            "posts": "5",
            "old_posts": "2",
            "expiry": "31/12/2030",
        },
        1000,
        "0.2",
    ),
    (
        SERVICE_WEB_TRAFFIC,
        {
            "link": "https://example.com",
            "quantity": "1000",
            "country": "US",
            "device": "1",
            "type_of_traffic": "1",
            "google_keyword": "smm panel",
        },
        1000,
        "0.5",
    ),
    (
        SERVICE_LIKES_DRIPFEED,
        {"link": LINK, "quantity": "1000", "runs": "3", "interval": "10"},
        3000,
        "0.45",
    ),
]


async def test_services_lists_every_type(api: Api) -> None:
    """The list has one service of every §3 type, in the documented shape."""
    services = await api.call("services")
    assert {s["type"] for s in services} == {t.value for t in ServiceType}
    first = services[0]
    assert first == {
        "service": 1,
        "name": "Instagram Followers [Refill 30D]",
        "type": "Default",
        "category": "Instagram Followers",
        "rate": "0.90",
        "min": "50",
        "max": "10000",
        "refill": True,
        "cancel": True,
        "dripfeed": False,
        "description": first["description"],
    }
    listed = {str(s["service"]) for s in services}
    assert SERVICE_DISABLED not in listed
    assert listed == {s.id for s in CATALOGUE if s.enabled}


@pytest.mark.parametrize(("service", "fields", "units", "charge"), ADDS)
async def test_add_each_type_charges(
    api: Api, fake: FakePanel, service: str, fields: dict[str, str], units: int, charge: str
) -> None:
    """Each type is accepted with its fields and charged its price."""
    before = fake.balance
    answer = await api.call("add", service=service, **fields)
    assert isinstance(answer["order"], int)
    order = fake.orders[str(answer["order"])]
    assert order.quantity == units
    assert order.charge == Decimal(charge)
    assert fake.balance == before - Decimal(charge)
    status = await api.call("status", order=str(answer["order"]))
    assert status["charge"] == f"{Decimal(charge):.5f}"
    assert status["remains"] == str(units)


def _missing_cases() -> list[tuple[str, dict[str, str], str]]:
    """Every required field of every type left out, with the refusal the panel gives."""
    labels = {"answer_number": "Answer number", "type_of_traffic": "Type of traffic"}
    cases = []
    for service, fields, _units, _charge in ADDS:
        for name in fields:
            if name in {"posts", "old_posts", "expiry", "runs", "interval", "google_keyword"}:
                continue
            rest = {k: v for k, v in fields.items() if k != name}
            svc = next(s for s in CATALOGUE if s.id == service)
            if name == "quantity":
                text = f"Quantity less than minimal {svc.min}"
            else:
                text = f"{labels.get(name, name.capitalize())} cannot be blank."
            cases.append((service, rest, text))
    return cases


def refused(service: str, text: str, **fields: str) -> tuple[str, dict[str, str], str]:
    """An order of 100 to ``LINK`` with ``fields`` added or changed, refused with ``text``."""
    return service, {"link": LINK, "quantity": "100"} | fields, text


def traffic(text: str, **fields: str) -> tuple[str, dict[str, str], str]:
    """A web traffic order (1000 visits from the US) with ``fields``, refused with ``text``."""
    return refused(SERVICE_WEB_TRAFFIC, text, quantity="1000", country="US", **fields)


def subscription(text: str, **fields: str) -> tuple[str, dict[str, str], str]:
    """A subscription order of user ``u`` with ``fields``, refused with ``text``."""
    return SERVICE_SUBSCRIPTIONS, {"username": "u"} | fields, text


@pytest.mark.parametrize(
    ("service", "fields", "text"),
    [
        *_missing_cases(),
        refused("12345", "Incorrect service ID"),
        refused("", "Incorrect service ID"),
        refused(SERVICE_DISABLED, "Disabled service ID"),
        refused(SERVICE_FOLLOWERS, "Quantity less than minimal 50", quantity="49"),
        refused(SERVICE_FOLLOWERS, "Quantity more than maximum 10000", quantity="10001"),
        refused(SERVICE_FOLLOWERS, "Quantity less than minimal 50", quantity="many"),
        refused(SERVICE_FOLLOWERS, "Incorrect link", link="not a link"),
        (
            SERVICE_CUSTOM_COMMENTS,
            {"link": LINK, "comments": "a\nb"},
            "Quantity less than minimal 5",
        ),
        refused(SERVICE_PREMIUM, "Not enough funds on balance", quantity="1000"),
        refused(SERVICE_FOLLOWERS, "Incorrect request", runs="2", interval="5"),
        refused(SERVICE_LIKES_DRIPFEED, "Interval cannot be blank.", runs="2"),
        refused(SERVICE_LIKES_DRIPFEED, "Runs cannot be blank.", interval="2"),
        refused(SERVICE_LIKES_DRIPFEED, "Runs is invalid.", runs="1", interval="2"),
        refused(SERVICE_POLL, "Answer number is invalid.", answer_number="0"),
        traffic("Device is invalid.", device="6", type_of_traffic="3"),
        traffic("Type of traffic is invalid.", device="1", type_of_traffic="4"),
        traffic("Referring url cannot be blank.", device="1", type_of_traffic="2"),
        subscription("Quantity less than minimal 50", min="10", max="100", delay="0"),
        subscription("Quantity more than maximum 5000", min="100", max="9000", delay="0"),
        subscription("Max is invalid.", min="300", max="200", delay="0"),
        subscription("Delay is invalid.", min="100", max="200", delay="7"),
        subscription("Expiry is invalid.", min="100", max="200", delay="5", expiry="2030-12-31"),
        subscription("Expiry is invalid.", min="100", max="200", delay="5", expiry="31/02/2030"),
        subscription("Posts is invalid.", min="100", max="200", delay="5", posts="0"),
    ],
)
async def test_add_refusals(
    api: Api, fake: FakePanel, service: str, fields: dict[str, str], text: str
) -> None:
    """Refused orders (a required field left out, a bad value) are neither created nor charged."""
    assert await api.call("add", service=service, **fields) == {"error": text}
    assert not fake.orders
    assert fake.balance == DEFAULT_BALANCE


async def test_add_exact_balance_then_broke(api: Api, fake: FakePanel) -> None:
    """An order costing exactly the balance goes through; the next one does not."""
    fake.balance = Decimal("0.45")
    assert "order" in await api.call("add", service=SERVICE_FOLLOWERS, link=LINK, quantity="500")
    assert fake.balance == 0
    answer = await api.call("add", service=SERVICE_FOLLOWERS, link=LINK + "2", quantity="50")
    assert answer == {"error": "Not enough funds on balance"}


async def test_duplicate_link_only_while_active(api: Api, fake: FakePanel) -> None:
    """Same service and link is refused while the first order runs, allowed afterwards."""
    first = await api.call("add", service=SERVICE_FOLLOWERS, link=LINK, quantity="100")
    again = await api.call("add", service=SERVICE_FOLLOWERS, link=LINK, quantity="100")
    assert again == {
        "error": "You have active order with this link. Please wait until order being completed."
    }
    other_service = await api.call(
        "add", service=SERVICE_TIKTOK_FOLLOWERS, link=LINK, quantity="10"
    )
    assert "order" in other_service
    fake.advance(300)
    assert (await api.call("status", order=str(first["order"])))["status"] == "Completed"
    assert "order" in await api.call("add", service=SERVICE_FOLLOWERS, link=LINK, quantity="100")


async def test_status_single_and_bulk(api: Api, fake: FakePanel) -> None:
    """``order`` answers one object; ``orders`` an object keyed by the ids as sent."""
    first = fake.create_order(SERVICE_FOLLOWERS, LINK, 1000)
    second = fake.create_order(
        SERVICE_VIEWS, "https://youtu.be/x", 5000, status="Partial", remains=157, start_count=3572
    )
    assert await api.call("status", order=first) == {
        "charge": "0.90000",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "USD",
    }
    bulk = await api.call("status", orders=f"{first}, {second},999,abc")
    assert list(bulk) == [first, second, "999", "abc"]
    assert bulk[second] == {
        "charge": "5.81160",
        "start_count": "3572",
        "status": "Partial",
        "remains": "157",
        "currency": "USD",
    }
    assert bulk["999"] == bulk["abc"] == {"error": "Incorrect order ID"}
    assert await api.call("status", order="999") == {"error": "Incorrect order ID"}
    assert await api.call("status") == {"error": "Incorrect request"}


@pytest.mark.parametrize("action", ["status", "refill", "cancel"])
async def test_bulk_limit_is_100(api: Api, fake: FakePanel, action: str) -> None:
    """100 ids are served; 101 (or none) are refused as a whole."""
    ids = [fake.create_order(SERVICE_FOLLOWERS, f"{LINK}/{n}") for n in range(101)]
    answer = await api.call(action, orders=",".join(ids[:100]))
    assert len(answer) == 100
    assert await api.call(action, orders=",".join(ids)) == {"error": "Incorrect request"}
    assert await api.call(action, orders=" , ") == {"error": "Incorrect request"}


async def test_refill_status_bulk_limit(api: Api, fake: FakePanel) -> None:
    """``refills`` takes at most 100 ids too."""
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, status="Completed")
    refills = [fake.create_refill(order) for _ in range(101)]
    assert len(await api.call("refill_status", refills=",".join(refills[:100]))) == 100
    answer = await api.call("refill_status", refills=",".join(refills))
    assert answer == {"error": "Incorrect request"}


async def test_refill_single_and_bulk(api: Api, fake: FakePanel) -> None:
    """Refill only refillable, Completed/Partial orders without a refill running."""
    done = fake.create_order(SERVICE_FOLLOWERS, LINK, status="Completed")
    partial = fake.create_order(SERVICE_FOLLOWERS, LINK + "/2", status="Partial")
    running = fake.create_order(SERVICE_FOLLOWERS, LINK + "/3")
    no_refill = fake.create_order(SERVICE_TIKTOK_FOLLOWERS, LINK, status="Completed")
    assert await api.call("refill", order=done) == {"refill": "1"}
    assert await api.call("refill", order=done) == {"error": "Order not eligible for refill."}
    assert await api.call("refill", order="42") == {"error": "Incorrect order ID"}
    bulk = await api.call("refill", orders=f"{partial},{running},{no_refill},42")
    assert bulk == [
        {"order": int(partial), "refill": 2},
        {"order": int(running), "refill": {"error": "Order not eligible for refill."}},
        {"order": int(no_refill), "refill": {"error": "Order not eligible for refill."}},
        {"order": 42, "refill": {"error": "Incorrect order ID"}},
    ]
    assert await api.call("refill") == {"error": "Incorrect request"}


async def test_refill_status_single_and_bulk(api: Api, fake: FakePanel) -> None:
    """``refill`` answers one status; ``refills`` a list with per-item errors."""
    order = fake.create_order(SERVICE_FOLLOWERS, LINK, status="Completed")
    refill = fake.create_refill(order)
    assert await api.call("refill_status", refill=refill) == {"status": "Pending"}
    assert await api.call("refill_status", refill="77") == {"error": "Refill not found"}
    assert await api.call("refill_status", refills=f"{refill},77") == [
        {"refill": int(refill), "status": "Pending"},
        {"refill": 77, "status": {"error": "Refill not found"}},
    ]
    assert await api.call("refill_status") == {"error": "Incorrect request"}


async def test_cancel(api: Api, fake: FakePanel) -> None:
    """Cancel is accepted once for cancelable unfinished orders, refused otherwise."""
    active = fake.create_order(SERVICE_FOLLOWERS, LINK)
    done = fake.create_order(SERVICE_FOLLOWERS, LINK + "/2", status="Completed")
    not_cancelable = fake.create_order(SERVICE_LIKES_DRIPFEED, LINK, 100)
    answer = await api.call("cancel", orders=f"{active},{done},{not_cancelable},7,{active}")
    assert answer == [
        {"order": int(active), "cancel": 1},
        {"order": int(done), "cancel": {"error": "Cannot cancel"}},
        {"order": int(not_cancelable), "cancel": {"error": "Cannot cancel"}},
        {"order": 7, "cancel": {"error": "Incorrect order ID"}},
        {"order": int(active), "cancel": {"error": "Cannot cancel"}},
    ]
    assert await api.call("cancel", order=active) == {"error": "Incorrect request"}


async def test_balance(api: Api, fake: FakePanel) -> None:
    """The documented balance answer; a settable balance."""
    assert await api.call("balance") == {"balance": "100.84292", "currency": "USD"}
    fake.balance = "7.5"
    fake.currency = "EUR"
    assert await api.call("balance") == {"balance": "7.50000", "currency": "EUR"}


@pytest.mark.parametrize("key", ["", "wrong", KEY.upper()])
async def test_bad_key_refused_for_every_action(api: Api, fake: FakePanel, key: str) -> None:
    """Any action with a wrong or missing key is refused and has no effect."""
    for action in ("services", "add", "status", "refill", "refill_status", "cancel", "balance"):
        answer = await api.call(action, key=key, service="1", link=LINK, quantity="100")
        assert answer == {"error": "Invalid API key"}
    assert not fake.orders


async def test_key_changes_mid_life(api: Api, fake: FakePanel) -> None:
    """Revoking the key on the panel makes the next request fail."""
    assert "balance" in await api.call("balance")
    fake.key = "rotated"
    assert await api.call("balance") == {"error": "Invalid API key"}


async def test_unknown_action(api: Api) -> None:
    """Unknown or missing actions get the generic refusal."""
    assert await api.call("withdraw") == {"error": "Incorrect request"}
    assert await api.call("") == {"error": "Incorrect request"}


async def test_get_query_works_too(
    served: RunningFakePanel, session: aiohttp.ClientSession
) -> None:
    """Panels accept GET as well (the client never uses it)."""
    async with session.get(served.url, params={"key": KEY, "action": "balance"}) as response:
        assert await response.json() == {"balance": "100.84292", "currency": "USD"}


async def test_other_paths_are_404(
    served: RunningFakePanel, session: aiohttp.ClientSession
) -> None:
    """Only /api/v2 is the API."""
    async with session.post(served.url.replace("/api/v2", "/api/v1"), data={}) as response:
        assert response.status == 404


async def test_json_is_written_like_php(api: Api) -> None:
    """Compact JSON with escaped slashes, as PHP's json_encode writes it."""
    from tests.fake_panel.app import encode

    assert (await api.post("balance")).text == '{"balance":"100.84292","currency":"USD"}'
    assert encode({"link": "https://x.y/p"}) == '{"link":"https:\\/\\/x.y\\/p"}'
