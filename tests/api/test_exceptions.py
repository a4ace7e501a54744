"""Tests for api/exceptions.py: the exception hierarchy of the panel client.

Every error is an SmmError; a rate limit is a connection error with its delay; an auth or
panel error carries the panel's own message.
"""

from __future__ import annotations

import pytest

from custom_components.smm_panel.api import (
    SmmAuthError,
    SmmConnectionError,
    SmmError,
    SmmOrderOutcomeUnknownError,
    SmmPanelError,
    SmmRateLimitedError,
)


def test_auth_error_panel_message() -> None:
    """Constructible with a message only; the panel's text is an optional keyword."""
    plain = SmmAuthError("The panel rejected the API key")
    assert (str(plain), plain.panel_message) == ("The panel rejected the API key", None)
    account = SmmAuthError("refused", panel_message="Account suspended")
    assert account.panel_message == "Account suspended"
    with pytest.raises(TypeError):
        SmmAuthError("refused", "Account suspended")  # type: ignore[misc]


def test_hierarchy() -> None:
    """Every error is an SmmError; a rate limit is a connection error with its delay."""
    limited = SmmRateLimitedError("slow", 3.0)
    assert isinstance(limited, SmmConnectionError)
    assert limited.retry_after == 3.0
    assert SmmRateLimitedError("slow").retry_after is None
    assert SmmPanelError("Incorrect link").panel_message == "Incorrect link"
    for error in (limited, SmmAuthError("x"), SmmOrderOutcomeUnknownError("x")):
        assert isinstance(error, SmmError)
