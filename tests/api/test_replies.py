"""What replies.py reads from an HTTP reply besides its JSON: back-off delays, Cloudflare."""

from __future__ import annotations

import time

import pytest

from custom_components.smm_panel.api import replies

from .conftest import CANARY_KEY


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"retry-after": "30"}, 30.0, 30.0),
        ({"x-ratelimit-reset": "45"}, 45.0, 45.0),
        ({"x-ratelimit-reset": "-3"}, 0.0, 0.0),
        ({"x-ratelimit-reset": "999999999"}, 999999999.0, 999999999.0),
        ({"retry-after": "30", "x-ratelimit-reset": "45"}, 30.0, 30.0),
        ({"retry-after": "soon", "x-ratelimit-reset": "45"}, 45.0, 45.0),
        ({"retry-after": "soon", "x-ratelimit-reset": "never"}, None, None),
        ({"x-ratelimit-reset": "1000000000"}, 0.0, 0.0),
        ({}, None, None),
    ],
)
def test_retry_after_headers(
    headers: dict[str, str], low: float | None, high: float | None
) -> None:
    """Retry-After first; else X-RateLimit-Reset, a unix time (or, when small, seconds)."""
    delay = replies.retry_after(headers)
    if low is None:
        assert delay is None
    else:
        assert delay is not None
        assert low <= delay <= (high if high is not None else low)


@pytest.mark.parametrize("offset", [0, 60, 3600])
def test_rate_limit_reset_as_unix_time(offset: int) -> None:
    """A reset at a unix time is the seconds from now until then."""
    reset = int(time.time()) + offset
    delay = replies.retry_after({"x-ratelimit-reset": str(reset)})
    assert delay is not None
    assert max(offset - 2, 0) <= delay <= offset


CHALLENGE_BODIES = [
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
    "<html><title>Just a moment…</title></html>".encode(),
    b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>',
    b"<html><body>window._cf_chl_opt={}</body></html>",
    b"<title>Attention Required! | Cloudflare</title>",
    b"<h2>Checking your browser before accessing panel.example.</h2>",
]


@pytest.mark.parametrize("body", CHALLENGE_BODIES)
def test_challenge_pages(body: bytes) -> None:
    """Challenge and block pages are recognised by their body, headers or not."""
    assert replies.cloudflare({}, body) == replies.CHALLENGE
    assert "Cloudflare" in replies.CHALLENGE
    assert "automated clients" in replies.CHALLENGE


def test_challenge_by_header() -> None:
    """`cf-mitigated: challenge` marks a challenge whatever the body."""
    assert replies.cloudflare({"cf-mitigated": "challenge"}, b"") == replies.CHALLENGE


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"server": "cloudflare"}, b"<html>403 Forbidden</html>"),
        ({"server": "CloudFlare-nginx"}, b""),
        ({"cf-ray": "8a1b2c3d4e5f-FRA"}, b"<html>error</html>"),
        ({}, b"<html><body>Error 522 - Connection timed out - Cloudflare</body></html>"),
    ],
)
def test_other_cloudflare_pages(headers: dict[str, str], body: bytes) -> None:
    """A page Cloudflare served that is not a challenge is named as Cloudflare's too."""
    assert replies.cloudflare(headers, body) == replies.CLOUDFLARE_PAGE


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, b"<html><body>502 Bad Gateway</body><center>nginx</center></html>"),
        ({"server": "nginx"}, b"<html>Maintenance</html>"),
        ({}, b""),
    ],
)
def test_not_cloudflare(headers: dict[str, str], body: bytes) -> None:
    """Other pages are not blamed on Cloudflare."""
    assert replies.cloudflare(headers, body) is None


def test_the_names_never_quote_the_body() -> None:
    """Whatever the page says (the key, even), the name of it is one of two fixed texts."""
    body = b"<title>Just a moment...</title>" + CANARY_KEY.encode()
    assert replies.cloudflare({"server": "cloudflare"}, body) in (
        replies.CHALLENGE,
        replies.CLOUDFLARE_PAGE,
    )
