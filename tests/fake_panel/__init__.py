"""A faithful simulator of the SMM panel API v2 (PROTOCOL.md), for tests, benchmarks and demos.

Usage::

    panel = FakePanel("test-api-key")                 # clock speed 0: time moves by advance()
    async with start_fake_panel(panel) as running:     # or: running = await start_fake_panel(panel)
        ...  # point a client at running.url ("http://127.0.0.1:<port>/api/v2")
        panel.advance(300)                              # the order placed above is now Completed

Catalogue (ids are stable; rate per 1000 units, a package's rate is its price)::

    id  constant                          type                     rate    min   max      R C D
    1   SERVICE_FOLLOWERS                 Default                  0.90    50    10000    y y -
    2   SERVICE_LIKES_DRIPFEED            Default                  0.15    100   50000    - - y
    3   SERVICE_VIEWS                     Default                  1.20    500   1000000  y - y
    4   SERVICE_TIKTOK_FOLLOWERS          Default                  2.50    10    5000     - y -
    5   SERVICE_PACKAGE                   Package                  4.99    1     1        - - -
    6   SERVICE_SEO                       SEO                      3.00    100   10000    - - -
    7   SERVICE_CUSTOM_COMMENTS           Custom Comments          12.00   5     500      - y -
    8   SERVICE_CUSTOM_COMMENTS_PACKAGE   Custom Comments Package  2.50    1     20       - - -
    9   SERVICE_MENTIONS                  Mentions                 6.00    100   5000     - - -
    10  SERVICE_MENTIONS_HASHTAGS         Mentions with Hashtags   8.00    100   5000     - - -
    11  SERVICE_MENTIONS_CUSTOM_LIST      Mentions Custom List     10.00   10    1000     - - -
    12  SERVICE_MENTIONS_HASHTAG          Mentions Hashtag         7.00    100   5000     - - -
    13  SERVICE_MENTIONS_USER_FOLLOWERS   Mentions User Followers  7.50    100   5000     - - -
    14  SERVICE_MENTIONS_MEDIA_LIKERS     Mentions Media Likers    7.50    100   5000     - - -
    15  SERVICE_COMMENT_LIKES             Comment Likes            3.20    20    5000     y y -
    16  SERVICE_COMMENT_REPLIES           Comment Replies          15.00   5     200      - - -
    17  SERVICE_POLL                      Poll                     1.80    100   20000    - y -
    18  SERVICE_INVITES                   Invites from Groups      9.00    100   10000    - - -
    19  SERVICE_SUBSCRIPTIONS             Subscriptions            0.20    50    5000     - - -
    20  SERVICE_WEB_TRAFFIC               Web Traffic              0.50    1000  1000000  - y y
    21  SERVICE_PREMIUM                   Default                  250.00  10    1000     y y -
    99  SERVICE_DISABLED                  Default (not listed; add → "Disabled service ID")

    R = refill, C = cancel, D = dripfeed (runs + interval accepted).

Charges: rate / 1000 x quantity x runs, to 5 decimals; Package and Custom Comments Package cost
their rate; for Custom Comments (Package), Mentions Custom List and Comment Replies the quantity
is the number of lines; Subscriptions cost rate / 1000 x max x posts (posts defaults to 1).
The balance starts at 100.84292 USD; ``add`` charges it, endings refund it.

Order lifecycle (simulated seconds from ``add``): Pending for 60 s (start_count "0"), then
In progress for 240 s (+ (runs - 1) x interval minutes for drip-feed) with ``remains`` falling
linearly from the quantity and start_count set from the link, then Completed (remains 0).
Marker words in the link choose another ending (case-insensitive):

- ``partial``: ends Partial with a quarter undelivered (remains = quantity - quantity*3//4),
  refunding that share;
- ``private``: Canceled with a full refund when Pending ends (at 60 s);
- ``stuck``: stays In progress for ever, delivery stalling at half;
- ``reject``: the order's refills end Rejected instead of Completed.

A cancel request (cancel-able service, unfinished order, once) is carried out 1 s later:
Canceled with a full refund if nothing was delivered, else Partial refunding the undelivered
share. Refill (refill-able service, order Completed or Partial, no unfinished refill):
Pending 60 s, In progress 120 s, then Completed. ``set_order_status`` / ``set_refill_status``
pin a state for good (refunding as the panel would); ``create_order`` / ``create_refill``
seed state without HTTP or charges.

Answers are compact JSON as PHP writes it; errors are ``{"error": text}`` with HTTP 200 unless
``Quirks.error_status_codes`` (see ``quirks``). ``panel.inject(Fault.X, action=..., times=...)``
queues transport faults (see ``faults``); ``panel.requests`` / ``counts`` / ``max_in_flight``
record what clients asked. Demo: ``python -m tests.fake_panel --port 8099 --key demo``.

Dialects (PROTOCOL.md §8, see ``dialects``): ``FakePanel(key, quirks=dialect("smartpanel"))``
makes the panel speak like real panel software; ``DIALECT_NAMES`` lists them in a fixed order
(template, smartpanel, laravel, minimal, drifted, strict). ``dialect(name, echo_key=True)`` (or
``Quirks.echo_key``) adds the secrets canary's hostile panel, which quotes the request, API key
included, in every error text, item error, service text, status note and HTML fault page. On the
command line: ``--dialect NAME [--quirk NAME[=VALUE] ...] [--echo-key]``.

Holds (see ``holds``): ``hold = panel.hold("add")`` keeps the next add waiting, unacted, until
``hold.release()``; ``await hold.arrived.wait()`` tells it has come, ``hold.done`` that the
panel has acted and answered. Closing the server drops held requests without acting.
"""

from __future__ import annotations

from .catalogue import (
    CATALOGUE,
    SERVICE_COMMENT_LIKES,
    SERVICE_COMMENT_REPLIES,
    SERVICE_CUSTOM_COMMENTS,
    SERVICE_CUSTOM_COMMENTS_PACKAGE,
    SERVICE_DISABLED,
    SERVICE_FOLLOWERS,
    SERVICE_INVITES,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_MENTIONS,
    SERVICE_MENTIONS_CUSTOM_LIST,
    SERVICE_MENTIONS_HASHTAG,
    SERVICE_MENTIONS_HASHTAGS,
    SERVICE_MENTIONS_MEDIA_LIKERS,
    SERVICE_MENTIONS_USER_FOLLOWERS,
    SERVICE_PACKAGE,
    SERVICE_POLL,
    SERVICE_PREMIUM,
    SERVICE_SEO,
    SERVICE_SUBSCRIPTIONS,
    SERVICE_TIKTOK_FOLLOWERS,
    SERVICE_VIEWS,
    SERVICE_WEB_TRAFFIC,
    Service,
    ServiceType,
)
from .clock import FakeClock
from .dialects import DIALECT_NAMES, DIALECTS, dialect
from .faults import Fault
from .holds import Hold
from .orders import (
    CANCEL_DELAY_SECONDS,
    DELIVERY_SECONDS,
    PENDING_SECONDS,
    REFILL_PENDING_SECONDS,
    REFILL_WORK_SECONDS,
    OrderView,
)
from .panel import DEFAULT_BALANCE, DEFAULT_KEY, FakePanel
from .quirks import Quirks
from .server import RunningFakePanel, start_fake_panel
from .stats import RequestRecord

__all__ = [
    "CANCEL_DELAY_SECONDS",
    "CATALOGUE",
    "DEFAULT_BALANCE",
    "DEFAULT_KEY",
    "DELIVERY_SECONDS",
    "DIALECTS",
    "DIALECT_NAMES",
    "PENDING_SECONDS",
    "REFILL_PENDING_SECONDS",
    "REFILL_WORK_SECONDS",
    "SERVICE_COMMENT_LIKES",
    "SERVICE_COMMENT_REPLIES",
    "SERVICE_CUSTOM_COMMENTS",
    "SERVICE_CUSTOM_COMMENTS_PACKAGE",
    "SERVICE_DISABLED",
    "SERVICE_FOLLOWERS",
    "SERVICE_INVITES",
    "SERVICE_LIKES_DRIPFEED",
    "SERVICE_MENTIONS",
    "SERVICE_MENTIONS_CUSTOM_LIST",
    "SERVICE_MENTIONS_HASHTAG",
    "SERVICE_MENTIONS_HASHTAGS",
    "SERVICE_MENTIONS_MEDIA_LIKERS",
    "SERVICE_MENTIONS_USER_FOLLOWERS",
    "SERVICE_PACKAGE",
    "SERVICE_POLL",
    "SERVICE_PREMIUM",
    "SERVICE_SEO",
    "SERVICE_SUBSCRIPTIONS",
    "SERVICE_TIKTOK_FOLLOWERS",
    "SERVICE_VIEWS",
    "SERVICE_WEB_TRAFFIC",
    "FakeClock",
    "FakePanel",
    "Fault",
    "Hold",
    "OrderView",
    "Quirks",
    "RequestRecord",
    "RunningFakePanel",
    "Service",
    "ServiceType",
    "dialect",
    "start_fake_panel",
]
