"""The fake panel's service catalogue: one service of every PROTOCOL.md §3 type, with stable ids.

Tests across the repository refer to these ids through the ``SERVICE_*`` constants, so an id,
its type and its limits never change once published here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ServiceType(StrEnum):
    """The service types of PROTOCOL.md §3, spelled as panels list them."""

    DEFAULT = "Default"
    PACKAGE = "Package"
    SEO = "SEO"
    CUSTOM_COMMENTS = "Custom Comments"
    CUSTOM_COMMENTS_PACKAGE = "Custom Comments Package"
    MENTIONS = "Mentions"
    MENTIONS_WITH_HASHTAGS = "Mentions with Hashtags"
    MENTIONS_CUSTOM_LIST = "Mentions Custom List"
    MENTIONS_HASHTAG = "Mentions Hashtag"
    MENTIONS_USER_FOLLOWERS = "Mentions User Followers"
    MENTIONS_MEDIA_LIKERS = "Mentions Media Likers"
    COMMENT_LIKES = "Comment Likes"
    COMMENT_REPLIES = "Comment Replies"
    POLL = "Poll"
    INVITES_FROM_GROUPS = "Invites from Groups"
    SUBSCRIPTIONS = "Subscriptions"
    WEB_TRAFFIC = "Web Traffic"


@dataclass(frozen=True, slots=True)
class Service:
    """One catalogue entry; ``rate`` is the price per 1000 units (a package's price)."""

    id: str
    name: str
    type: ServiceType
    category: str
    rate: Decimal
    min: int
    max: int
    refill: bool = False
    cancel: bool = False
    dripfeed: bool = False
    description: str = ""
    enabled: bool = True


SERVICE_FOLLOWERS = "1"
SERVICE_LIKES_DRIPFEED = "2"
SERVICE_VIEWS = "3"
SERVICE_TIKTOK_FOLLOWERS = "4"
SERVICE_PACKAGE = "5"
SERVICE_SEO = "6"
SERVICE_CUSTOM_COMMENTS = "7"
SERVICE_CUSTOM_COMMENTS_PACKAGE = "8"
SERVICE_MENTIONS = "9"
SERVICE_MENTIONS_HASHTAGS = "10"
SERVICE_MENTIONS_CUSTOM_LIST = "11"
SERVICE_MENTIONS_HASHTAG = "12"
SERVICE_MENTIONS_USER_FOLLOWERS = "13"
SERVICE_MENTIONS_MEDIA_LIKERS = "14"
SERVICE_COMMENT_LIKES = "15"
SERVICE_COMMENT_REPLIES = "16"
SERVICE_POLL = "17"
SERVICE_INVITES = "18"
SERVICE_SUBSCRIPTIONS = "19"
SERVICE_WEB_TRAFFIC = "20"
SERVICE_PREMIUM = "21"
SERVICE_DISABLED = "99"


def _svc(
    sid: str,
    name: str,
    stype: ServiceType,
    category: str,
    rate: str,
    lo: int,
    hi: int,
    **flags: bool,
) -> Service:
    """Build a row of the table below; ``flags`` are the refill/cancel/dripfeed/enabled ones."""
    description = f"{name}. Start 0-1 h. Min {lo}, max {hi}."
    return Service(
        sid, name, stype, category, Decimal(rate), lo, hi, description=description, **flags
    )


T = ServiceType
CATALOGUE: tuple[Service, ...] = (
    _svc("1", "Instagram Followers [Refill 30D]", T.DEFAULT, "Instagram Followers", "0.90",
         50, 10000, refill=True, cancel=True),
    _svc("2", "Instagram Likes [Drip-feed]", T.DEFAULT, "Instagram Likes", "0.15",
         100, 50000, dripfeed=True),
    _svc("3", "YouTube Views [Non-drop, Refill 60D]", T.DEFAULT, "YouTube Views", "1.20",
         500, 1000000, refill=True, dripfeed=True),
    _svc("4", "TikTok Followers [No refill]", T.DEFAULT, "TikTok Followers", "2.50",
         10, 5000, cancel=True),
    _svc("5", "Instagram Starter Package [1K followers + 1K likes]", T.PACKAGE,
         "Instagram Packages", "4.99", 1, 1),
    _svc("6", "Google Organic Traffic [Keywords]", T.SEO, "SEO", "3.00", 100, 10000),
    _svc("7", "Instagram Custom Comments", T.CUSTOM_COMMENTS, "Instagram Comments", "12.00",
         5, 500, cancel=True),
    _svc("8", "Instagram Custom Comments Package [up to 20]", T.CUSTOM_COMMENTS_PACKAGE,
         "Instagram Comments", "2.50", 1, 20),
    _svc("9", "Instagram Mentions [Usernames list]", T.MENTIONS, "Instagram Mentions", "6.00",
         100, 5000),
    _svc("10", "Instagram Mentions + Hashtags", T.MENTIONS_WITH_HASHTAGS, "Instagram Mentions",
         "8.00", 100, 5000),
    _svc("11", "Instagram Mentions [Custom list]", T.MENTIONS_CUSTOM_LIST, "Instagram Mentions",
         "10.00", 10, 1000),
    _svc("12", "Instagram Mentions [Hashtag users]", T.MENTIONS_HASHTAG, "Instagram Mentions",
         "7.00", 100, 5000),
    _svc("13", "Instagram Mentions [User followers]", T.MENTIONS_USER_FOLLOWERS,
         "Instagram Mentions", "7.50", 100, 5000),
    _svc("14", "Instagram Mentions [Media likers]", T.MENTIONS_MEDIA_LIKERS,
         "Instagram Mentions", "7.50", 100, 5000),
    _svc("15", "Instagram Comment Likes", T.COMMENT_LIKES, "Instagram Comments", "3.20",
         20, 5000, refill=True, cancel=True),
    _svc("16", "YouTube Comment Replies", T.COMMENT_REPLIES, "YouTube Comments", "15.00",
         5, 200),
    _svc("17", "Telegram Poll Votes", T.POLL, "Telegram", "1.80", 100, 20000, cancel=True),
    _svc("18", "Telegram Invites from Groups", T.INVITES_FROM_GROUPS, "Telegram", "9.00",
         100, 10000),
    _svc("19", "Instagram Auto Likes [Subscription]", T.SUBSCRIPTIONS, "Instagram Auto Likes",
         "0.20", 50, 5000),
    _svc("20", "Website Traffic [Worldwide]", T.WEB_TRAFFIC, "Website Traffic", "0.50",
         1000, 1000000, cancel=True, dripfeed=True),
    _svc("21", "Instagram Verified Followers [Premium]", T.DEFAULT, "Instagram Followers",
         "250.00", 10, 1000, refill=True, cancel=True),
    _svc("99", "Instagram Followers [Old server]", T.DEFAULT, "Instagram Followers", "0.50",
         50, 10000, enabled=False),
)  # fmt: skip
del T


def default_catalogue() -> dict[str, Service]:
    """Return a fresh, mutable id → service map (each panel owns its own copy)."""
    return {service.id: service for service in CATALOGUE}
