"""Injectable transport faults: what can go wrong between a client and a real panel.

Faults wait in a queue and are consumed by the next matching requests; the HTTP layer
(``app``) carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Fault(Enum):
    """A misbehaviour the next matching request(s) will see."""

    LATENCY = "latency"
    """Extra delay before the answer (param ``seconds``, default 1.0); combines with one other."""
    HTTP_500 = "http_500"
    """500 with an HTML error page."""
    HTTP_502 = "http_502"
    """502 Bad Gateway page from the proxy in front of the panel."""
    HTTP_503 = "http_503"
    """503 maintenance page."""
    HTML_PAGE = "html_page"
    """A Cloudflare challenge page, text/html (param ``status``: 403 (default) or 503)."""
    MALFORMED_JSON = "malformed_json"
    """200 with the real answer cut in half (param ``body`` to choose the text)."""
    WRONG_SHAPE = "wrong_shape"
    """200 with valid JSON of an unexpected shape (param ``body``, default ``{"foo": 1}``)."""
    RATE_LIMITED = "rate_limited"
    """429 with a JSON error (param ``retry_after`` seconds adds ``Retry-After``)."""
    DROP_BEFORE = "drop_before"
    """The connection closes before the panel acts: the request has no effect."""
    DROP_AFTER = "drop_after"
    """The panel acts (an ``add`` places and charges), then the connection closes unanswered."""


_PARAMS: dict[Fault, frozenset[str]] = {
    Fault.LATENCY: frozenset({"seconds"}),
    Fault.HTTP_500: frozenset({"process"}),
    Fault.HTTP_502: frozenset({"process"}),
    Fault.HTTP_503: frozenset({"process"}),
    Fault.HTML_PAGE: frozenset({"status", "process"}),
    Fault.MALFORMED_JSON: frozenset({"body", "process"}),
    Fault.WRONG_SHAPE: frozenset({"body", "process"}),
    Fault.RATE_LIMITED: frozenset({"retry_after", "process"}),
    Fault.DROP_BEFORE: frozenset(),
    Fault.DROP_AFTER: frozenset(),
}
"""The parameters each fault accepts; ``process`` says whether the panel acts anyway."""


@dataclass(slots=True)
class InjectedFault:
    """One queued fault and its parameters."""

    fault: Fault
    action: str | None
    remaining: int
    seconds: float = 1.0
    status: int = 403
    retry_after: int | None = None
    body: object = None
    process: bool = False

    def matches(self, action: str) -> bool:
        """Whether a request for ``action`` consumes this fault."""
        return self.action is None or self.action == action


def make_fault(
    fault: Fault, action: str | None, times: int, params: dict[str, object]
) -> InjectedFault:
    """Check the parameters of an injection and build the queue entry."""
    unknown = set(params) - _PARAMS[fault]
    if unknown:
        raise TypeError(f"{fault.name} takes no parameter(s) {sorted(unknown)}")
    if times < 1:
        raise ValueError("times must be >= 1")
    entry = InjectedFault(fault, action, times, process=fault is Fault.MALFORMED_JSON)
    if "seconds" in params:
        seconds = params["seconds"]
        if not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError("seconds must be a number >= 0")
        entry.seconds = float(seconds)
    if "status" in params:
        status = params["status"]
        if not isinstance(status, int):
            raise TypeError("status must be an int")
        entry.status = status
    if "retry_after" in params:
        retry_after = params["retry_after"]
        if retry_after is not None and not isinstance(retry_after, int):
            raise TypeError("retry_after must be an int or None")
        entry.retry_after = retry_after
    if "process" in params:
        entry.process = bool(params["process"])
    if "body" in params:
        body = params["body"]
        if fault is Fault.MALFORMED_JSON and not isinstance(body, str):
            raise TypeError("MALFORMED_JSON body must be a str")
        entry.body = body
    elif fault is Fault.WRONG_SHAPE:
        entry.body = {"foo": 1}
    return entry


class FaultQueue:
    """Queued faults, consumed first-in first-out by matching requests."""

    __slots__ = ("_queue",)

    def __init__(self) -> None:
        """Start empty."""
        self._queue: list[InjectedFault] = []

    def add(self, entry: InjectedFault) -> None:
        """Queue a fault."""
        self._queue.append(entry)

    def clear(self) -> None:
        """Forget every queued fault."""
        self._queue.clear()

    def __len__(self) -> int:
        """How many fault entries still wait."""
        return len(self._queue)

    def take(self, action: str) -> tuple[InjectedFault | None, InjectedFault | None]:
        """Consume the first matching latency fault and the first matching other fault."""
        latency = self._take(action, latency=True)
        other = self._take(action, latency=False)
        return latency, other

    def _take(self, action: str, *, latency: bool) -> InjectedFault | None:
        for index, entry in enumerate(self._queue):
            if (entry.fault is Fault.LATENCY) == latency and entry.matches(action):
                entry.remaining -= 1
                if entry.remaining <= 0:
                    del self._queue[index]
                return entry
        return None


CLOUDFLARE_PAGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow"></head><body>
<div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">panel.example</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text" class="core-msg spacer">panel.example needs to review the security
of your connection before proceeding.</div></div></div>
<div class="footer" role="contentinfo"><div class="footer-inner">
<div class="text-center" id="footer-text">Performance &amp; security by Cloudflare</div>
</div></div></body></html>
"""

ERROR_PAGES: dict[Fault, tuple[int, str]] = {
    Fault.HTTP_500: (
        500,
        "<html><head><title>500 Internal Server Error</title></head><body>"
        "<h1>Internal Server Error</h1><p>An internal server error occurred.</p></body></html>",
    ),
    Fault.HTTP_502: (
        502,
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n",
    ),
    Fault.HTTP_503: (
        503,
        "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>"
        "<h1>We&rsquo;ll be back soon!</h1><p>The panel is down for scheduled maintenance."
        "</p></body></html>",
    ),
}
"""Status and HTML body of the plain HTTP error faults."""
