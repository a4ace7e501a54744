"""Switchable panel quirks (PROTOCOL.md §1, §2, §4-§6, §8), mutable on a running panel."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Quirks:
    """How this panel drifts from the documented template; defaults follow the docs."""

    numbers_as_strings: bool = True
    """Rates, limits, charges, counts and the balance as strings (``"0.90"``), else JSON numbers."""
    ids_as_strings: bool = False
    """Numeric order / refill / service ids answered as strings (``"23501"``) everywhere."""
    string_ids: bool = False
    """New orders and refills get opaque ids such as ``ord_5bd`` / ``ref_1``."""
    cancelled_spelling: bool = False
    """``Cancelled`` instead of ``Canceled`` for orders and refills."""
    in_progress_text: str = "In progress"
    """How the panel spells In progress (``In Progress``, ``inprogress``, …)."""
    lowercase_statuses: bool = False
    """Every status in lower case (``completed``)."""
    remains_unknown: bool = False
    """Pending orders report ``remains`` as ``"Unknown"``."""
    missing_currency: bool = False
    """No ``currency`` key in status and balance answers."""
    wrapped_services: bool = False
    """The service list is wrapped: ``{"services": [...]}``."""
    service_extras: bool = True
    """Services carry ``dripfeed`` and ``description``."""
    booleans_as_ints: bool = False
    """Service ``refill`` / ``cancel`` / ``dripfeed`` flags as ``1`` / ``0``."""
    omit_false_flags: bool = False
    """Service flags that are false are left out instead of sent."""
    lowercase_types: bool = False
    """Service types in lower case (``custom comments``)."""
    json_as_html: bool = False
    """JSON answers carry ``Content-Type: text/html``."""
    error_status_codes: bool = False
    """Errors use 4xx codes (401 key, 402 funds, 404 unknown id, 400/422 others) with the body."""
    error_texts: dict[str, str] = field(default_factory=dict)
    """Error texts swapped for variants, e.g. ``{"Invalid API key": "Incorrect API key"}``.

    A key may be a text, a template whose ``{}`` matches the number in a text (``"Quantity less
    than minimal {}"``, the value's ``{}`` gets it) or a reason of ``errors`` (``no_dripfeed``,
    ``refill_disabled``, ``order_not_completed``, ``refill_too_soon``) naming a refusal whose
    template text it shares with others.
    """
    status_without_currency: bool = False
    """No ``currency`` key in status objects only (the balance keeps it)."""
    status_success: bool = False
    """``"status": "success"`` beside the usual fields of add, balance and single refill answers."""
    status_message_errors: bool = False
    """Top-level errors as ``{"status": "error", "message": text}``; per-item errors keep shape."""
    created_status: bool = False
    """``add`` answers 201 when it places an order and 422 when it refuses one (beats 400/402)."""
    empty_catalogue_as_text: bool = False
    """An empty service list is answered ``{"status": "success", "data": "Empty Data"}``."""
    pretty_json: bool = False
    """JSON bodies pretty-printed as PHP's ``JSON_PRETTY_PRINT`` writes them (4-space indent)."""
    bare_item_errors: bool = False
    """Per-item errors of a bulk ``status`` as a bare string: ``{"502": "Incorrect order ID"}``."""
    status_list_without_ids: bool = False
    """Bulk ``status`` as a JSON list of status objects without ids, in the order asked."""
    single_refill_bulk_shape: bool = False
    """A single ``refill`` (``order``) answered in bulk shape: ``[{"order": 1, "refill": 2}]``."""
    nested_refill_status: bool = False
    """Refill statuses nested one level: ``{"status": {"status": "Completed"}}`` (single, bulk)."""
    cancel_row_errors: bool = False
    """Refused cancel rows as ``{"order": 102, "error": text}``, not under ``cancel``."""
    status_extras: bool = False
    """Status objects carry ``order`` and the charge as a JSON number with 11 decimals."""
    subscription_active: bool = False
    """Running subscriptions are ``Active`` (+ expiry, posts, orders); drip-feeds: runs, orders."""
    rate_limit_as_200: bool = False
    """The RATE_LIMITED fault answers HTTP 200 ``{"error": "Rate limit exceeded. Slow down."}``."""
    rate_limit_reset_header: bool = False
    """The RATE_LIMITED fault's 429 carries ``X-RateLimit-Reset`` (unix time), not Retry-After."""
    minimal_actions: bool = False
    """Only add, status, services and balance exist; others answer ``This action is Invalid``."""
    thousands_separators: bool = False
    """The balance as PHP's ``number_format`` writes it: ``"1,234.56"`` (always a string)."""
    echo_key: bool = False
    """Every text quotes the request back, API key included (the secrets canary's hostile panel)."""
