"""Fixtures of the browser tests: where pictures go, and `scripts/develop` per test.

Run them with `scripts/test-e2e` (it installs Chromium and Playwright first). Environment:
  SMM_E2E_ARTIFACTS    every screenshot and the develop logs (default: .e2e-artifacts/)
  SMM_E2E_SCREENSHOTS  also write the README's pictures here, e.g. docs/images
  SMM_E2E_CHROMIUM     the browser (default: /usr/bin/chromium, Debian's)
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
import os
from pathlib import Path

import pytest

from tests.develop_process import REPO, Develop, run_develop

from .harness import PHASE_REPORTS


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """No in-process Home Assistant here (the suite-wide fixture would start one)."""


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where every screenshot and log of the run goes."""
    folder = Path(os.environ.get("SMM_E2E_ARTIFACTS", REPO / ".e2e-artifacts")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def readme_images() -> Path | None:
    """Where the README's pictures are refreshed, if asked for (SMM_E2E_SCREENSHOTS)."""
    folder = os.environ.get("SMM_E2E_SCREENSHOTS")
    return Path(folder).resolve() if folder else None


@pytest.fixture
def develop(language: str, tmp_path: Path, artifacts: Path) -> Iterator[Develop]:
    """`scripts/develop` with its own config directory, ports and server language."""
    with run_develop(tmp_path / "config", artifacts / f"develop-{language}.log", language) as dev:
        yield dev


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so fixtures can tell that it failed."""
    report = yield
    if report.when is not None:
        item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report
