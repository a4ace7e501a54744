"""Order field values shared by the `add_order` rule tests (test_ordering, test_order_fields).

`VALID` holds one valid value for each order field, `SENT` the same value as it is sent to
the panel.
"""

from __future__ import annotations

from typing import Final

# One valid value per field, and how it is sent.
VALID: Final[dict[str, object]] = {
    "link": " https://example.com/p/1 ",
    "quantity": 100,
    "runs": 3,
    "interval": 15,
    "comments": "Nice!\nGreat",
    "usernames": ["alice", "bob"],
    "hashtags": "#one\n#two",
    "hashtag": "#tag",
    "username": "alice",
    "media": "https://example.com/m/1",
    "answer_number": 2,
    "groups": "group_a\ngroup_b",
    "keywords": ["smm panel", "home assistant"],
    "min": 100,
    "max": 200,
    "posts": 5,
    "old_posts": 2,
    "delay": 30,
    "expiry": "31/12/2030",
    "country": "US",
    "device": 1,
    "type_of_traffic": 3,
    "google_keyword": "smm",
    "referring_url": "https://ref.example.com",
}
SENT: Final[dict[str, str]] = {
    "link": "https://example.com/p/1",
    "quantity": "100",
    "runs": "3",
    "interval": "15",
    "comments": "Nice!\nGreat",
    "usernames": "alice\nbob",
    "hashtags": "#one\n#two",
    "hashtag": "#tag",
    "username": "alice",
    "media": "https://example.com/m/1",
    "answer_number": "2",
    "groups": "group_a\ngroup_b",
    "keywords": "smm panel\nhome assistant",
    "min": "100",
    "max": "200",
    "posts": "5",
    "old_posts": "2",
    "delay": "30",
    "expiry": "31/12/2030",
    "country": "US",
    "device": "1",
    "type_of_traffic": "3",
    "google_keyword": "smm",
    "referring_url": "https://ref.example.com",
}
