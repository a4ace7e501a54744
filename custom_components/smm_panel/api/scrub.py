"""Replacing the API key in everything a panel sent, before any of it leaves the client.

Panels echo requests back ("Incorrect request: key=…&action=balance", an HTML page quoting
the form, a status text holding the query string). The client holds the key, so the client
removes it: every decoded answer goes through `Scrubber.tree` in the transport before any
parsing, so no model, error text or exception can carry it.
"""

from __future__ import annotations

from decimal import Decimal
import html
import json
import re
from urllib.parse import quote, quote_plus

REDACTED = "**REDACTED**"
"""What every occurrence of the key, in any of its encodings, is replaced by."""

_PERCENT_ESCAPE = re.compile(r"%[0-9A-F]{2}")


def key_forms(secret: str) -> frozenset[str]:
    """Every way the key can come back in a panel's text; none for an empty key.

    Plain; form-encoded as aiohttp sends it (`urlencode`, i.e. `quote_plus`); percent-encoded
    with `quote` (with and without `/` kept), in upper- and lowercase hex; HTML-escaped;
    JSON-escaped (with `\\/` and `\\u` escape variants), for texts that quote a body.
    """
    if not secret:
        return frozenset()
    forms = {secret, html.escape(secret), html.escape(secret, quote=False)}
    forms |= {quote_plus(secret), quote(secret, safe=""), quote(secret)}
    for ascii_only in (True, False):
        escaped = json.dumps(secret, ensure_ascii=ascii_only)[1:-1]
        forms |= {escaped, escaped.replace("/", "\\/")}
    forms |= {_PERCENT_ESCAPE.sub(lambda m: m.group().lower(), form) for form in forms}
    return frozenset(forms)


class Scrubber:
    """Replaces one secret, in all its forms, by REDACTED in texts and decoded JSON."""

    __slots__ = ("_pattern",)

    def __init__(self, secret: str) -> None:
        """Compile the secret's forms, longest first (so a longer form wins at a position)."""
        forms = sorted(key_forms(secret), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, forms))) if forms else None

    def __repr__(self) -> str:
        return "Scrubber()"

    def text(self, value: str) -> str:
        """`value` with every form of the secret replaced."""
        if self._pattern is None:
            return value
        return self._pattern.sub(REDACTED, value)

    def tree(self, value: object) -> object:
        """Decoded JSON with the secret replaced in every string, object key and number.

        Containers are scrubbed in place, iteratively (JSON may nest thousands deep). A number
        whose digits hold the secret becomes the scrubbed text of those digits.
        """
        if self._pattern is None:
            return value
        if not isinstance(value, list | dict):
            return self._leaf(value)
        pending: list[list[object] | dict[str, object]] = [value]
        while pending:
            node = pending.pop()
            if isinstance(node, list):
                for index, item in enumerate(node):
                    if isinstance(item, list | dict):
                        pending.append(item)
                    else:
                        node[index] = self._leaf(item)
                continue
            items = list(node.items())
            node.clear()
            for name, item in items:
                if isinstance(item, list | dict):
                    pending.append(item)
                    node[self.text(name)] = item
                else:
                    node[self.text(name)] = self._leaf(item)
        return value

    def _leaf(self, value: object) -> object:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            digits = str(value)
            scrubbed = self.text(digits)
            return value if scrubbed == digits else scrubbed
        return value
