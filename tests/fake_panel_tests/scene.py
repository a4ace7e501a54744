"""One fixed scene asked every action, so each dialect's answers can be compared to a table.

The scene (ids are stable because orders are created in this order):

- 23501 subscription of 3 posts (max 200), 120 s old: In progress, 1 child order started;
- 23502 followers, pinned In progress (remains 157, start count 3572, charge 0.27819);
- 23503 followers, Pending;
- 23504 followers, Completed, refill 1 of it Completed;
- 23505 TikTok followers (cancel-able, no refill), Pending;
- 23506 drip-feed likes, 3 runs x 100, half delivered: In progress, 2 child orders;
- the balance is 1234.56789 before the subscription's 0.12 is charged.
"""

from __future__ import annotations

from typing import Any

from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_SUBSCRIPTIONS,
    SERVICE_TIKTOK_FOLLOWERS,
    FakePanel,
)

from .conftest import Api, Reply

SUBSCRIPTION = {"username": "someone", "min": "100", "max": "200", "delay": "0", "posts": "3",
                "expiry": "31/12/2030"}  # fmt: skip
FOLLOWERS = {"service": SERVICE_FOLLOWERS, "link": "https://x/new"}

REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("balance", "balance", {}),
    ("wrong_key", "balance", {"key": "wrong"}),
    ("unknown_action", "nope", {}),
    ("services", "services", {}),
    ("status", "status", {"order": "{run}"}),
    ("status_unknown", "status", {"order": "424242"}),
    ("status_bulk", "status", {"orders": "{sub},{run},{pending},{drip},424242"}),
    ("refill", "refill", {"order": "{done}"}),
    ("refill_bulk", "refill", {"orders": "{done},{pending},{tiktok},424242"}),
    ("refill_status", "refill_status", {"refill": "{r1}"}),
    ("refill_status_bulk", "refill_status", {"refills": "{r1},{newest_refill},999"}),
    ("cancel", "cancel", {"orders": "{tiktok},{done},424242"}),
    ("add", "add", {**FOLLOWERS, "quantity": "100"}),
    ("add_low", "add", {**FOLLOWERS, "quantity": "1"}),
    ("add_high", "add", {**FOLLOWERS, "quantity": "20000"}),
    ("add_dripfeed", "add", {**FOLLOWERS, "quantity": "100", "runs": "2", "interval": "5"}),
    ("add_link", "add", {**FOLLOWERS, "link": "not a link", "quantity": "100"}),
    ("add_service", "add", {"service": "999", "link": "https://x/y", "quantity": "100"}),
]
"""Label, action and fields of every request of the scene, in the order they are sent.

``{name}`` in a field stands for the id of a scene object (see :func:`set_scene`);
``{newest_refill}`` for the refill created last (by the ``refill`` request).
"""


def set_scene(fake: FakePanel) -> dict[str, str]:
    """Create the orders and the refill of the scene; their ids by name."""
    fake.balance = "1234.56789"
    ids = {"sub": fake.place_order(SERVICE_SUBSCRIPTIONS, SUBSCRIPTION).id}
    fake.advance(120)
    ids["run"] = fake.create_order(SERVICE_FOLLOWERS, "https://x/run", 1000,
                                   status="In progress", remains=157, start_count=3572,
                                   charge="0.27819")  # fmt: skip
    ids["pending"] = fake.create_order(SERVICE_FOLLOWERS, "https://x/pending", 100)
    ids["done"] = fake.create_order(SERVICE_FOLLOWERS, "https://x/done", 100, status="Completed")
    ids["r1"] = fake.create_refill(ids["done"], status="Completed")
    ids["tiktok"] = fake.create_order(SERVICE_TIKTOK_FOLLOWERS, "https://x/tiktok", 100)
    ids["drip"] = fake.create_order(SERVICE_LIKES_DRIPFEED, "https://x/drip", 100, runs=3,
                                    interval=10, age=60 + 720)  # fmt: skip
    return ids


def shortened(label: str, body: Any) -> Any:
    """The services list cut to its first entry; every other body as it is."""
    if label != "services":
        return body
    if isinstance(body, dict) and isinstance(body.get("services"), list):
        return {"services": body["services"][:1]}
    return body[:1] if isinstance(body, list) else body


async def run_scene(api: Api, fake: FakePanel) -> dict[str, Reply]:
    """Set the scene and send every request of it; the replies by label."""
    ids = set_scene(fake)
    replies: dict[str, Reply] = {}
    for label, action, fields in REQUESTS:
        ids["newest_refill"] = list(fake.refills)[-1]
        replies[label] = await api.post(
            action, **{name: value.format(**ids) for name, value in fields.items()}
        )
    return replies


async def answers(api: Api, fake: FakePanel) -> dict[str, tuple[int, Any]]:
    """The scene's HTTP status and decoded (shortened) body by label."""
    replies = await run_scene(api, fake)
    return {label: (r.status, shortened(label, r.json)) for label, r in replies.items()}
