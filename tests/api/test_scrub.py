"""The key scrubber of scrub.py: every form of the key, everywhere in decoded JSON."""

from __future__ import annotations

from decimal import Decimal
import html
import json
import re
from urllib.parse import quote, quote_plus, urlencode

import pytest

from custom_components.smm_panel.api import REDACTED
from custom_components.smm_panel.api.scrub import Scrubber, key_forms

from .conftest import CANARY_KEY

AWKWARD_KEYS = [
    CANARY_KEY,
    "a+b/c=d&e f",
    "ключ-ÿ-🔑-key",
    "<k\"e'y>&amp;",
    "with\\back\\slash",
    "%2B-already-encoded",
    "0123456789",
]


def encodings(key: str) -> list[str]:
    """Every way a panel has been seen, or could plausibly be expected, to echo the key."""
    return [
        key,
        quote_plus(key),
        quote(key, safe=""),
        quote(key),
        re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), quote_plus(key)),
        urlencode({"key": key}).removeprefix("key="),
        html.escape(key),
        json.dumps(key)[1:-1],
        json.dumps(key)[1:-1].replace("/", "\\/"),
        json.dumps(key, ensure_ascii=False)[1:-1],
    ]


def test_empty_key_scrubs_nothing() -> None:
    """No key, no forms: every text and tree comes back untouched (and the same object)."""
    assert key_forms("") == frozenset()
    scrub = Scrubber("")
    tree: object = {"error": "", "x": ["", 1]}
    assert scrub.tree(tree) is tree
    assert tree == {"error": "", "x": ["", 1]}
    assert scrub.text("anything") == "anything"


@pytest.mark.parametrize("key", AWKWARD_KEYS)
def test_every_encoding_is_replaced(key: str) -> None:
    """Plain, form-encoded (as aiohttp sends it), percent-, HTML- and JSON-escaped forms."""
    scrub = Scrubber(key)
    for form in encodings(key):
        assert form in key_forms(key)
        scrubbed = scrub.text(f"Incorrect request: key={form}&action=balance")
        assert scrubbed == f"Incorrect request: key={REDACTED}&action=balance"


def test_longest_form_wins() -> None:
    """Where a short form is a prefix of a longer one, the whole longer form goes."""
    key = "ab+"
    scrub = Scrubber(key)
    assert (
        scrub.text("ab%2B|ab%2b|ab+|ab%2B%2B") == f"{REDACTED}|{REDACTED}|{REDACTED}|{REDACTED}%2B"
    )


def test_text_without_the_key_is_untouched() -> None:
    """Nothing else changes: not similar texts, not the marker's own characters."""
    scrub = Scrubber(CANARY_KEY)
    for text in ("", "Invalid API key", CANARY_KEY[:-1], "**", "Ünïcode 🙂"):
        assert scrub.text(text) == text


def test_tree_scrubs_strings_keys_and_numbers_in_place() -> None:
    """Every string, object key and number holding the key, at any level; the rest intact."""
    key = "4242"
    scrub = Scrubber(key)
    tree: dict[str, object] = {
        "error": f"key={key}",
        key: {"nested": [f"x{key}x", {"deeper": key}], "count": 142420},
        "list": [[[key]], 7, Decimal("0.4242"), None, True, 1.5],
        "ok": "fine",
    }
    result = scrub.tree(tree)
    assert result is tree
    assert tree == {
        "error": f"key={REDACTED}",
        REDACTED: {"nested": [f"x{REDACTED}x", {"deeper": REDACTED}], "count": f"1{REDACTED}0"},
        "list": [[[REDACTED]], 7, f"0.{REDACTED}", None, True, 1.5],
        "ok": "fine",
    }


def test_tree_of_a_scalar() -> None:
    """A bare string or number answer is scrubbed too; other scalars pass."""
    scrub = Scrubber("99")
    assert scrub.tree("a99b") == f"a{REDACTED}b"
    assert scrub.tree(1990) == f"1{REDACTED}0"
    assert scrub.tree(17) == 17
    assert scrub.tree(None) is None
    assert scrub.tree(True) is True


def test_colliding_object_keys_merge() -> None:
    """Two keys that scrub to the same name keep one entry (as JSON's duplicate keys do)."""
    scrub = Scrubber("k1")
    tree = scrub.tree({"k1": 1, REDACTED: 2, "x": {"k1": [1], REDACTED: [2]}})
    assert tree == {REDACTED: 2, "x": {REDACTED: [2]}}


def test_deep_nesting_is_iterative() -> None:
    """JSON nested far beyond the recursion limit is scrubbed without recursion."""
    scrub = Scrubber(CANARY_KEY)
    depth = 50_000
    tree: object = CANARY_KEY
    for level in range(depth):
        tree = [tree] if level % 2 else {CANARY_KEY: tree}
    scrub.tree(tree)
    node = tree
    for level in reversed(range(depth)):
        if level % 2:
            assert isinstance(node, list)
            node = node[0]
        else:
            assert isinstance(node, dict)
            assert list(node) == [REDACTED]
            node = node[REDACTED]
    assert node == REDACTED


def test_repr_never_shows_the_key() -> None:
    """The scrubber holds the key's forms but never prints them."""
    assert repr(Scrubber(CANARY_KEY)) == "Scrubber()"
