"""Switchable panel quirks (PROTOCOL.md §1, §2, §4-§6), mutable on a running panel."""

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
    """Error texts swapped for variants, e.g. ``{"Invalid API key": "Incorrect API key"}``."""
