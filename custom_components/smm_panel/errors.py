"""The one mapping of the client's errors to translated Home Assistant errors.

The client scrubs the API key from every text it received before raising, so the panel's
text can be shown as it is; nothing here needs to know the key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    SmmAuthError,
    SmmError,
    SmmInvalidResponseError,
    SmmOrderOutcomeUnknownError,
    SmmPanelError,
    SmmRateLimitedError,
)
from .const import DOMAIN


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """A translated error about the caller's input."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def invalid_field(name: str, reason: str) -> ServiceValidationError:
    """A field's value that no panel could take."""
    return validation_error("invalid_field", field=name, reason=reason)


@contextmanager
def translated_errors(hass: HomeAssistant, entry: ConfigEntry, host: str) -> Iterator[None]:
    """Turn the client's errors into translated Home Assistant errors (see `translate`)."""
    try:
        yield
    except SmmError as err:
        raise translate(hass, entry, host, err) from err


def translate(
    hass: HomeAssistant, entry: ConfigEntry, host: str, err: SmmError
) -> HomeAssistantError:
    """The action error for a client error from `host`; a rejected key or account starts
    reauth of `entry`."""
    if isinstance(err, SmmPanelError):
        return validation_error("panel_error", message=err.panel_message)
    if isinstance(err, SmmAuthError):
        entry.async_start_reauth(hass)
        if err.panel_message is not None:
            return _error("account_refused", host=host, message=err.panel_message)
        return _error("invalid_auth", host=host)
    if isinstance(err, SmmOrderOutcomeUnknownError):
        return _error("order_outcome_unknown", host=host)
    if isinstance(err, SmmRateLimitedError):
        return _error("rate_limited")
    if isinstance(err, SmmInvalidResponseError):
        return _error("invalid_response", error=str(err))
    # What is left is a connection error (or the bare base class, read the same way).
    return _error("cannot_connect", error=str(err))


def _error(key: str, **placeholders: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )
