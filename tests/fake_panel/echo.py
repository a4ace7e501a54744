"""The hostile panel of the secrets canary (``Quirks.echo_key``): texts quote the request back.

Some panel scripts put the request they received, API key included, into error texts and error
pages (``Incorrect request: key=…&action=balance``). A client must scrub its key, plain and
URL-encoded, from every text it received; this is what such a panel sends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode


@dataclass(frozen=True, slots=True)
class Echo:
    """The key as received and the request quoted as a form string, plain and URL-encoded."""

    key: str
    encoded_key: str
    plain: str
    encoded: str

    @classmethod
    def of(cls, fields: Mapping[str, str]) -> Echo:
        """Quote ``fields`` (key first, then the rest as received; a missing key is empty)."""
        key = fields.get("key", "")
        ordered = {"key": key, **{name: value for name, value in fields.items() if name != "key"}}
        plain = "&".join(f"{name}={value}" for name, value in ordered.items())
        return cls(key, quote_plus(key), plain, urlencode(ordered))

    def page(self, html: str) -> str:
        """An HTML page that shows the request in its title and its body."""
        titled = html.replace("</title>", f" ({self.plain})</title>", 1)
        shown = f"<body>\n<p>Request: {self.plain}</p><!-- {self.encoded} -->"
        return titled.replace("<body>", shown, 1)
