"""Property test: add_order answers any field values with success or a translated refusal.

Hypothesis drives a synchronous test (it cannot run coroutines itself); each example runs on
Home Assistant's event loop, which is idle between the fixtures' setup and teardown.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from hypothesis import HealthCheck, given, settings, strategies as st
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.action_fields import SECTIONS
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.ordering import ORDER_FIELDS
from tests.fake_panel import CATALOGUE, DEFAULT_BALANCE, FakePanel
from tests.services_common import LINK, call, runtime

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=0, max_value=2_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["1", "5", "100", "1000", " 30 ", "2.0", "1e3", "-1", "31/12/2030", "US"]),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    st.decimals(allow_nan=True, allow_infinity=True),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(st.one_of(st.text(max_size=12), SCALARS), max_size=4),
    st.dictionaries(st.text(max_size=8), SCALARS, max_size=2),
)
FIELD_NAMES = (*ORDER_FIELDS, *SECTIONS, "allow_duplicate", "track", "service")
ARBITRARY = st.fixed_dictionaries(
    {"service": st.one_of(st.sampled_from([service.id for service in CATALOGUE]), VALUES)},
    optional=dict.fromkeys(FIELD_NAMES[:-1], VALUES),
)
VALID_ORDERS: tuple[dict[str, Any], ...] = (
    {"service": "1", "link": LINK, "quantity": 1000},
    {"service": 4, "link": LINK, "quantity": 10.0, "allow_duplicate": True},
    {"service": "2", "link": LINK, "quantity": 100, "drip_feed": {"runs": 2, "interval": 5}},
    {"service": "5", "link": LINK, "track": False},
    {"service": "7", "link": LINK, "lists": {"comments": "a\nb\nc\nd\ne"}},
    {"service": "8", "link": LINK, "comments": ["a", "b"]},
    {"service": "9", "link": LINK, "quantity": 100, "usernames": "alice\nbob"},
    {"service": "12", "link": LINK, "quantity": 100, "targets": {"hashtag": "#food"}},
    {"service": "17", "link": LINK, "quantity": 100, "answer_number": "2"},
    {
        "service": "19",
        "username": "alice",
        "subscriptions": {"min": 50, "max": 100, "delay": "0", "expiry": "31/12/2030"},
    },
    {
        "service": "20",
        "link": LINK,
        "quantity": 1000,
        "web_traffic": {"country": "US", "device": "1", "type_of_traffic": 3},
    },
)


@st.composite
def orders(draw: st.DrawFn) -> dict[str, Any]:
    """Arbitrary field values, or a valid order with up to three fields changed or dropped."""
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return draw(ARBITRARY)
    data = dict(draw(st.sampled_from(VALID_ORDERS)))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        name = draw(st.sampled_from(FIELD_NAMES))
        if name in data and draw(st.booleans()):
            del data[name]
        else:
            data[name] = draw(VALUES)
    data.setdefault("service", "1")
    return data


def test_add_order_never_fails_unexpectedly(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Every outcome is a placed order or a ServiceValidationError; refusals send nothing."""
    tracker = runtime(setup_integration).tracker
    loop = hass.loop

    async def reset() -> None:
        await tracker.async_untrack(list(tracker.orders))
        for order_id in panel.orders:
            panel.set_order_status(order_id, "Canceled")
        panel.balance = DEFAULT_BALANCE
        panel.reset_stats()

    async def attempt(data: dict[str, Any]) -> None:
        await reset()
        refusal: ServiceValidationError | None = None
        try:
            response = await call(hass, "add_order", data)
        except ServiceValidationError as err:
            refusal = err
        if refusal is not None:
            assert refusal.translation_domain == DOMAIN
            assert refusal.translation_key is not None
            # Only the panel's own refusal comes after sending; every other one before.
            sent = 1 if refusal.translation_key == "panel_error" else 0
            assert panel.counts["add"] == sent, (refusal.translation_key, panel.counts)
            return
        assert response is not None
        assert panel.counts["add"] == 1
        assert isinstance(response["order"], str)
        assert isinstance(response["estimated_cost"], float)
        assert Decimal(str(response["estimated_cost"])) >= 0

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(data=orders())
    def check(data: dict[str, Any]) -> None:
        loop.run_until_complete(attempt(data))

    check()
