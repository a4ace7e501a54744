"""Names and defaults of the product contract (CONTRACT.md); users' automations depend on them."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "smm_panel"
LOGGER = logging.getLogger(__package__)

DEFAULT_URL: Final = "https://smmpllus.com/api/v2"
MANUFACTURER: Final = "SMM panel"

CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_LOW_BALANCE_THRESHOLD: Final = "low_balance_threshold"
CONF_MAX_ORDER_COST: Final = "max_order_cost"
CONF_FINISHED_ORDER_RETENTION: Final = "finished_order_retention"

DEFAULT_SCAN_INTERVAL: Final = 5  # minutes
MIN_SCAN_INTERVAL: Final = 1
MAX_SCAN_INTERVAL: Final = 1440
DEFAULT_LOW_BALANCE_THRESHOLD: Final = 0.0
DEFAULT_MAX_ORDER_COST: Final = 0.0
DEFAULT_FINISHED_ORDER_RETENTION: Final = 24  # hours
MAX_FINISHED_ORDER_RETENTION: Final = 720

EVENT_ORDER_PLACED: Final = f"{DOMAIN}_order_placed"
EVENT_ORDER_STATUS_CHANGED: Final = f"{DOMAIN}_order_status_changed"
EVENT_REFILL_STATUS_CHANGED: Final = f"{DOMAIN}_refill_status_changed"
EVENT_CATALOGUE_CHANGED: Final = f"{DOMAIN}_catalogue_changed"
SIGNAL_REFILLS_REQUESTED: Final = f"{DOMAIN}_refills_requested_{{}}"
"""Dispatcher signal (format with the entry id): refills an action created, as
(refill id, order id) pairs; the refill_update event entity announces them."""

CATALOGUE_MAX_AGE: Final = timedelta(hours=24)
MAX_CONSECUTIVE_ITEM_ERRORS: Final = 3  # an order failing this often counts as finished
LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "::1", "localhost"})
