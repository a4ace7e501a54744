"""Fixtures of the reliability tests: a short client timeout for the latency faults."""

from __future__ import annotations

from functools import partial

import pytest

from custom_components.smm_panel.api import SmmPanelClient

CLIENT_TIMEOUT = 0.3
"""Seconds; the integration's 30 s default cannot be waited for here."""
SLOW = CLIENT_TIMEOUT * 2
"""A latency fault this long outlasts the client timeout."""


@pytest.fixture
def short_client_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the entry's client with a short timeout (only the timeout value changes).

    Only for the tests that inject latency: elsewhere a slow moment of a loaded machine would
    turn into a `cannot_connect` the test did not expect.
    """
    monkeypatch.setattr(
        "custom_components.smm_panel.SmmPanelClient",
        partial(SmmPanelClient, timeout=CLIENT_TIMEOUT),
    )
