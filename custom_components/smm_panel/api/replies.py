"""What an HTTP reply says besides its JSON: how long to back off, and whether Cloudflare spoke.

Headers come as a mapping of lowercased names. Nothing here returns the body's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import re
import time

from . import parsing

_EPOCH_FLOOR = 1_000_000_000
"""An X-RateLimit-Reset this large is a unix time (2001 on); smaller ones are seconds."""
_CHALLENGE = re.compile(
    rb"just a moment|cf[-_]chl|challenge-platform|checking (if the site connection|your browser)"
    rb"|attention required|cf-browser-verification",
    re.IGNORECASE,
)
_CLOUDFLARE = re.compile(rb"cloudflare", re.IGNORECASE)

CHALLENGE = "with a Cloudflare challenge page; the panel blocks automated clients"
CLOUDFLARE_PAGE = "with a Cloudflare page instead of the panel's answer"


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from `Retry-After` or else `X-RateLimit-Reset`; None if neither reads."""
    delay = _retry_after(headers.get("retry-after"))
    if delay is None:
        delay = _rate_limit_reset(headers.get("x-ratelimit-reset"))
    return delay


def _retry_after(header: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if header is None:
        return None
    seconds = parsing.decimal(header)
    if seconds is not None:
        return max(float(seconds), 0.0)
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _rate_limit_reset(header: str | None) -> float | None:
    """X-RateLimit-Reset: a unix time (as the header's authors mean it) or, if small, seconds."""
    reset = parsing.decimal(header)
    if reset is None:
        return None
    if reset >= _EPOCH_FLOOR:
        return max(float(reset) - time.time(), 0.0)
    return max(float(reset), 0.0)


def cloudflare(headers: Mapping[str, str], body: bytes) -> str | None:
    """How to name a non-JSON reply that came from Cloudflare rather than the panel, or None.

    A challenge or block page ("Just a moment…") is recognised by its body; any other page
    counts as Cloudflare's when the headers say it served it (`Server: cloudflare`, `cf-ray`,
    `cf-mitigated`) or the page names it.
    """
    if _CHALLENGE.search(body) or "cf-mitigated" in headers:
        return CHALLENGE
    served = "cf-ray" in headers or "cloudflare" in headers.get("server", "").casefold()
    if served or _CLOUDFLARE.search(body):
        return CLOUDFLARE_PAGE
    return None
