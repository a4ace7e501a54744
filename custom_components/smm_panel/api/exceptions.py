"""One exception hierarchy for everything that can go wrong talking to a panel.

No message or attribute here ever contains the API key: messages are built from the panel's
host, HTTP status codes and the panel's own texts, and those texts were scrubbed of the key
(scrub.py) before any exception saw them.
"""

from __future__ import annotations

__all__ = [
    "SmmAuthError",
    "SmmConnectionError",
    "SmmError",
    "SmmInvalidResponseError",
    "SmmOrderOutcomeUnknownError",
    "SmmPanelError",
    "SmmRateLimitedError",
    "most_telling",
]


class SmmError(Exception):
    """Base class of every error the client raises."""


class SmmConnectionError(SmmError):
    """The panel could not be reached: network failure, timeout or HTTP 5xx."""


class SmmRateLimitedError(SmmConnectionError):
    """The panel is rate limiting: HTTP 429, or a rate-limit text such as "Too many requests".

    `retry_after` is in seconds when the panel said so (`Retry-After` or `X-RateLimit-Reset`).
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SmmAuthError(SmmError):
    """The panel rejected the API key, or refused the account behind it.

    `panel_message` is None for a plain key rejection (any wording); for an account-level
    refusal ("Account suspended", a JSON error with HTTP 401/403) it is the panel's text,
    to be shown to the user.
    """

    def __init__(self, message: str, *, panel_message: str | None = None) -> None:
        super().__init__(message)
        self.panel_message = panel_message


class SmmInvalidResponseError(SmmError):
    """The answer is not this API: HTML, malformed JSON or JSON of the wrong shape."""


class SmmPanelError(SmmError):
    """The panel answered with an error text for a reason other than the key or the account."""

    def __init__(self, panel_message: str) -> None:
        super().__init__(panel_message)
        self.panel_message = panel_message


class SmmOrderOutcomeUnknownError(SmmError):
    """An `add` may have reached the panel but no usable answer came back: never retry blindly."""


def most_telling(errors: list[BaseException]) -> BaseException:
    """Of errors from requests run together, the one to raise.

    Anything that is not an SmmError (a cancellation, a bug) surfaces first; then a rejected
    key, which the user must act on; otherwise the first.
    """
    return next(
        (e for e in errors if not isinstance(e, SmmError)),
        next((e for e in errors if isinstance(e, SmmAuthError)), errors[0]),
    )
