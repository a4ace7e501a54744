"""Async client for the SMM panel API v2.

Pure Python on aiohttp: no Home Assistant imports, so it can become a PyPI library.
"""

from .client import DEFAULT_TIMEOUT, MAX_BATCH, MAX_IN_FLIGHT, SmmPanelClient
from .exceptions import (
    SmmAuthError,
    SmmConnectionError,
    SmmError,
    SmmInvalidResponseError,
    SmmOrderOutcomeUnknownError,
    SmmPanelError,
    SmmRateLimitedError,
    most_telling,
)
from .models import (
    Balance,
    CancelRequested,
    CancelResult,
    ItemError,
    OrderStatus,
    OrderStatusResult,
    PlacedOrder,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    Service,
)
from .scrub import REDACTED
from .status import OrderState, RefillState, parse_order_state, parse_refill_state

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_BATCH",
    "MAX_IN_FLIGHT",
    "REDACTED",
    "Balance",
    "CancelRequested",
    "CancelResult",
    "ItemError",
    "OrderState",
    "OrderStatus",
    "OrderStatusResult",
    "PlacedOrder",
    "RefillCreated",
    "RefillResult",
    "RefillState",
    "RefillStatus",
    "RefillStatusResult",
    "Service",
    "SmmAuthError",
    "SmmConnectionError",
    "SmmError",
    "SmmInvalidResponseError",
    "SmmOrderOutcomeUnknownError",
    "SmmPanelClient",
    "SmmPanelError",
    "SmmRateLimitedError",
    "most_telling",
    "parse_order_state",
    "parse_refill_state",
]
