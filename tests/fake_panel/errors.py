"""The panel's own error texts and the HTTP status each would get on a strict panel."""

from __future__ import annotations

from http import HTTPStatus

INVALID_KEY = "Invalid API key"
INCORRECT_REQUEST = "Incorrect request"
INCORRECT_ORDER = "Incorrect order ID"
INCORRECT_SERVICE = "Incorrect service ID"
DISABLED_SERVICE = "Disabled service ID"
NOT_ENOUGH_FUNDS = "Not enough funds on balance"
QUANTITY_TOO_LOW = "Quantity less than minimal {}"
QUANTITY_TOO_HIGH = "Quantity more than maximum {}"
INCORRECT_LINK = "Incorrect link"
DUPLICATE_LINK = "You have active order with this link. Please wait until order being completed."
NOT_REFILLABLE = "Order not eligible for refill."
REFILL_NOT_FOUND = "Refill not found"
CANNOT_CANCEL = "Cannot cancel"
TOO_MANY_REQUESTS = "Too many requests. Please try again later."
RATE_LIMIT_EXCEEDED = "Rate limit exceeded. Slow down."
ACTION_INVALID = "This action is Invalid"

NO_DRIPFEED = "no_dripfeed"
"""Reason: runs / interval sent to a service without drip-feed (template: Incorrect request)."""
REFILL_DISABLED = "refill_disabled"
"""Reason: refill asked of a service without refill."""
ORDER_NOT_COMPLETED = "order_not_completed"
"""Reason: refill asked of an order that is neither Completed nor Partial."""
REFILL_TOO_SOON = "refill_too_soon"
"""Reason: refill asked while the order's last refill is unfinished."""


def blank(label: str) -> str:
    """Text for a missing required field, as the panel software (Yii) words it."""
    return f"{label} cannot be blank."


def invalid(label: str) -> str:
    """Text for a field with an unacceptable value."""
    return f"{label} is invalid."


class PanelError(Exception):
    """A refusal the panel answers with ``{"error": text}``.

    ``reason`` names refusals that share a template text, so ``Quirks.error_texts`` can word
    them apart (a dialect's ``Refill is disabled for this service`` vs ``The order is not
    completed``, both ``Order not eligible for refill.`` in the template).
    """

    def __init__(
        self,
        text: str,
        status: HTTPStatus = HTTPStatus.UNPROCESSABLE_ENTITY,
        *,
        reason: str | None = None,
    ) -> None:
        """Keep the text and the status a strict panel would send with it."""
        super().__init__(text)
        self.text = text
        self.status = status
        self.reason = reason


def key_error() -> PanelError:
    """The answer to a missing or wrong API key."""
    return PanelError(INVALID_KEY, HTTPStatus.UNAUTHORIZED)


def bad_request() -> PanelError:
    """The generic refusal (unknown action, malformed or oversized id list)."""
    return PanelError(INCORRECT_REQUEST, HTTPStatus.BAD_REQUEST)


def not_found(text: str) -> PanelError:
    """An unknown order or refill id in a single-id form."""
    return PanelError(text, HTTPStatus.NOT_FOUND)
