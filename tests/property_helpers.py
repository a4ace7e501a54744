"""Helpers of the property tests that feed arbitrary values to the actions and the forms.

Used by tests/test_action_fields.py (every action's fields) and tests/test_config_flow.py (the
config flow and the options form): their Hypothesis settings, the value strategies both draw
from, a fresh `random` sequence per example, and the checks every outcome gets.

Hypothesis drives synchronous tests (it cannot run coroutines itself); each example runs on
Home Assistant's event loop with `loop.run_until_complete`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
import itertools
import random

from hypothesis import HealthCheck, settings, strategies as st

from tests.conftest import API_KEY
from tests.leaks import exception_texts


def derandomized(count: int) -> settings:
    """Hypothesis settings of these tests: reproducible, no deadline, `count` examples."""
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def mostly[T](likely: st.SearchStrategy[T], unlikely: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`likely` three times in four (a plain `one_of` weighs each of its branches alike)."""
    return st.sampled_from((True, True, True, False)).flatmap(
        lambda pick: likely if pick else unlikely
    )


NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=0, max_value=30_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    st.text(max_size=16),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)

_SEEDS = itertools.count()


def reseed_random() -> None:
    """Give each example its own sequence of the `random` module.

    Hypothesis seeds `random` alike for every example, and Home Assistant draws its entity
    registry ids from it (`random_uuid_hex`): an entity made in one example and one made in
    the next would share an id, a collision only these tests could produce.
    """
    random.seed(f"bad-input-{next(_SEEDS)}")


async def outcome[T](work: Awaitable[T]) -> T | Exception:
    """The result of `work`, or the exception it raised."""
    try:
        return await work
    except Exception as err:  # noqa: BLE001 - the tests judge every exception
        return err


def assert_no_key(err: BaseException) -> None:
    """No exception along the chain shows the API key (text, repr or translation placeholders)."""
    leaks = [text for text in exception_texts(err) if API_KEY in text]
    assert not leaks, leaks[:1]
