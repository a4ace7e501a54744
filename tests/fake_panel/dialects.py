"""Named personalities of the fake panel: :class:`Quirks` presets of real panel software.

PROTOCOL.md §8 lists what real panel scripts do differently from the documented template; each
dialect here switches on the quirks of one family, so a client can be run against all of them::

    panel = FakePanel(key, quirks=dialect("smartpanel"))
    panel = FakePanel(key, quirks=dialect("laravel", echo_key=True))   # + the hostile echo

Every call returns fresh :class:`Quirks`, free to be changed further by the test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from . import errors
from .quirks import Quirks

SMARTPANEL_KEY_TEXT = "API is Disable for this user or User Not Found! Contact the Support   "
"""SmartPanel's answer to a wrong key: it never says "key" (and is padded with spaces)."""

SMARTPANEL_TEXTS: Mapping[str, str] = MappingProxyType(
    {
        errors.INVALID_KEY: SMARTPANEL_KEY_TEXT,
        errors.INCORRECT_SERVICE: "Service ID does not exists",
        errors.DISABLED_SERVICE: "Service ID does not exists",
        errors.QUANTITY_TOO_LOW: "Quantity must to be greater than or equal to minimum amount {}",
        errors.QUANTITY_TOO_HIGH: "Quantity less than maximum {}",
        errors.INCORRECT_LINK: "Invalid Link",
        errors.NO_DRIPFEED: "This services does not support Dripfeed feature!",
        errors.REFILL_DISABLED: "Refill is disabled for this service",
        errors.ORDER_NOT_COMPLETED: "The order is not completed",
        errors.REFILL_TOO_SOON: "Your last refill was requested less than 24 hours ago",
    }
)
"""SmartPanel's wording of the template's refusals (PROTOCOL.md §8, last row)."""

DRIFTED_TEXTS: Mapping[str, str] = MappingProxyType(
    {
        errors.INVALID_KEY: "Incorrect API key",
        errors.INCORRECT_LINK: "Bad link",
        errors.NOT_ENOUGH_FUNDS: "neworder.error.not_enough_funds",
        errors.DUPLICATE_LINK: "neworder.error.link_duplicate",
        errors.REFILL_NOT_FOUND: "Refill Request Not found",
    }
)
"""The variants of PROTOCOL.md §5 seen on copies of the template."""


def template() -> Quirks:
    """The documented API v2 (PROTOCOL.md §2) exactly: every quirk at its default."""
    return Quirks()


def smartpanel() -> Quirks:
    """PHP SmartPanel-style scripts, read from their server code.

    ``"status": "success"`` beside add / balance / refill answers and errors as ``{"status":
    "error", "message": …}``; the wrong-key text "API is Disable for this user or User Not
    Found! …" padded with spaces and its own refusal texts (``Service ID does not exists``,
    ``Quantity must to be greater than or equal to minimum amount N``, ``Quantity less than
    maximum N``, ``Invalid Link``, ``This services does not support Dripfeed feature!``, ``Refill
    is disabled for this service``, ``The order is not completed``); an empty catalogue as
    ``{"status": "success", "data": "Empty Data"}``; pretty-printed JSON sent as text/html;
    bare-string per-item status errors; a single refill in the bulk list shape; refill statuses
    nested one level; cancel errors at row level; status objects with an extra ``order``,
    charges as numbers with 11 decimals, lower-case statuses, no currency and ``remains:
    "Unknown"`` while pending; subscriptions ``Active`` and drip-feed parents with their child
    orders; the balance through ``number_format`` (``"1,234.56"``).
    """
    return Quirks(
        status_success=True,
        status_message_errors=True,
        error_texts=dict(SMARTPANEL_TEXTS),
        empty_catalogue_as_text=True,
        pretty_json=True,
        json_as_html=True,
        bare_item_errors=True,
        single_refill_bulk_shape=True,
        nested_refill_status=True,
        cancel_row_errors=True,
        status_extras=True,
        lowercase_statuses=True,
        status_without_currency=True,
        remains_unknown=True,
        subscription_active=True,
        thousands_separators=True,
    )


def laravel() -> Quirks:
    """Panels rebuilt on Laravel, from their published API documentation.

    REST-style codes: ``add`` answers 201 Created, its refusals 422 with the JSON error body,
    other errors 4xx (401 for a key, 404 for an unknown id); errors as ``{"status": "error",
    "message": …}``; a wrong key is "User not found"; the throttle middleware's 429 carries
    ``X-RateLimit-Reset`` (unix time) instead of ``Retry-After``; a bulk ``status`` is a list
    in the order asked, without ids; subscriptions report ``Active`` with expiry, posts and
    child orders, drip-feed parents their runs and child orders.
    """
    return Quirks(
        created_status=True,
        error_status_codes=True,
        status_message_errors=True,
        error_texts={errors.INVALID_KEY: "User not found"},
        rate_limit_reset_header=True,
        status_list_without_ids=True,
        subscription_active=True,
    )


def minimal() -> Quirks:
    """Small scripts implementing only add, status, services and balance.

    Every other action (refill, refill_status, cancel, anything unknown) answers ``This action is
    Invalid``; a wrong key is the lower-case ``invalid API key``; rate limiting answers HTTP 200
    ``{"error": "Rate limit exceeded. Slow down."}``.
    """
    return Quirks(
        minimal_actions=True,
        error_texts={errors.INVALID_KEY: "invalid API key"},
        rate_limit_as_200=True,
    )


def drifted() -> Quirks:
    """A copy of the template that drifted in every value quirk of PROTOCOL.md §5-§6.

    Amounts and counts as JSON numbers but ids as strings, ``Cancelled`` and ``In Progress``,
    service flags as 1 / 0 with false ones left out, the list wrapped in ``{"services": …}``
    with lower-case types, JSON labelled text/html, and the error variants ``Incorrect API
    key``, ``Bad link``, ``neworder.error.not_enough_funds``, ``neworder.error.link_duplicate``,
    ``Refill Request Not found``.
    """
    return Quirks(
        numbers_as_strings=False,
        ids_as_strings=True,
        cancelled_spelling=True,
        in_progress_text="In Progress",
        booleans_as_ints=True,
        omit_false_flags=True,
        wrapped_services=True,
        lowercase_types=True,
        json_as_html=True,
        error_texts=dict(DRIFTED_TEXTS),
    )


def strict() -> Quirks:
    """An API rewrite with HTTP error codes and opaque ids (PROTOCOL.md §1, §6).

    Errors come with 4xx codes and the JSON body (401 key, 402 funds, 404 unknown id, 400 / 422
    others), the key text is ``Invalid api key.``, and new orders and refills get opaque string
    ids (``ord_5bd``, ``ref_1``).
    """
    return Quirks(
        error_status_codes=True,
        string_ids=True,
        error_texts={errors.INVALID_KEY: "Invalid api key."},
    )


DIALECTS: Mapping[str, Callable[[], Quirks]] = MappingProxyType(
    {
        "template": template,
        "smartpanel": smartpanel,
        "laravel": laravel,
        "minimal": minimal,
        "drifted": drifted,
        "strict": strict,
    }
)
"""Each dialect's name and the function building its quirks (see their docstrings)."""

DIALECT_NAMES: tuple[str, ...] = tuple(DIALECTS)
"""The dialect names in a fixed order, for parametrized tests and the command line."""


def dialect(name: str, *, echo_key: bool = False) -> Quirks:
    """Fresh quirks of the dialect ``name``; ``echo_key`` adds the hostile panel's echo."""
    build = DIALECTS.get(name)
    if build is None:
        raise ValueError(f"unknown dialect {name!r}; known: {', '.join(DIALECT_NAMES)}")
    quirks = build()
    quirks.echo_key = echo_key
    return quirks
