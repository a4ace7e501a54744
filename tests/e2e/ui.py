"""Debian's Chromium driven by Playwright, and what a person does in Home Assistant's UI.

Every step goes through the UI the way a person would: the sidebar, the Settings pages, the
dialogs; buttons and fields are found by the words on them, in the person's language (the
frontend's texts for Home Assistant's own UI, the integration's translations for ours).
The dashboard steps (ui_dashboard.py), the automation editor's (ui_automation.py) and the
repair's (ui_repairs.py) live in modules of their own.

No request leaves this machine: the browser answers every request to another host itself.
Brand images (brands.home-assistant.io) get the integration's own `brand/icon.png`, which
Home Assistant 2026.3 and later serve from the integration; the rest are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
import os
from pathlib import Path
import re
import shutil
from typing import Final
from urllib.parse import urlsplit

from PIL import Image
from playwright.sync_api import (
    BrowserContext,
    Error as PlaywrightError,
    FloatRect,
    Locator,
    Page,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.develop_process import PANEL_KEY, Develop

from .harness import COMPONENT, FrontendStrings, integration_strings

CHROMIUM: Final = os.environ.get("SMM_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT: Final = ViewportSize(width=1280, height=800)
TIMEOUT_MS: Final = 30_000
"""For anything to show, act or be asserted. Playwright's own default for assertions is 5 s,
too short for a machine under load: `expect` gets this one too."""
POLL_TIMEOUT_MS: Final = 180_000
"""Long enough for one scheduled poll at the shortest polling interval (1 minute), with room
for a machine under load."""
expect.set_options(timeout=TIMEOUT_MS)

LANGUAGE_NAMES: Final = {"en": "English", "ar": "العربية"}
"""How the frontend's language picker names each language (in that language)."""

ENTRY_TITLE: Final = "127.0.0.1"
"""The entry, its device and its entity ids are named after the panel's host."""
ENTRY_SLUG: Final = "127_0_0_1"
ORDER_SERVICE: Final = "1"
ORDER_LINK: Final = "https://instagram.com/demo"
ORDER_QUANTITY: Final = "100"

_MARKS = "[\\s\u200e\u200f]"
"""White space and direction marks, which the frontend puts around numbers."""
_LOOPBACK = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]")


@contextmanager
def open_browser(user_data_dir: Path) -> Iterator[BrowserContext]:
    """Debian's Chromium, headless, with a fresh profile; nothing reaches other hosts."""
    with sync_playwright() as playwright:
        # Playwright refuses --user-data-dir among the arguments: a persistent context
        # is how it takes a profile directory.
        context = playwright.chromium.launch_persistent_context(
            user_data_dir,
            executable_path=CHROMIUM,
            args=list(CHROMIUM_FLAGS),
            headless=True,
            viewport=VIEWPORT,
            device_scale_factor=1,
            locale="en-US",
            timezone_id="UTC",
            reduced_motion="reduce",
        )
        try:
            context.set_default_timeout(TIMEOUT_MS)
            context.route(lambda url: not _LOOPBACK.match(url), _outside_request)
            yield context
        finally:
            context.close()


def _outside_request(route: Route) -> None:
    url = urlsplit(route.request.url)
    if url.hostname == "brands.home-assistant.io" and "/smm_panel/" in url.path:
        icon = "icon@2x.png" if "@2x" in url.path else "icon.png"
        route.fulfill(path=COMPONENT / "brand" / icon, content_type="image/png")
    else:
        route.abort("internetdisconnected")


@dataclass(slots=True)
class Shots:
    """Screenshots: all into `folder`; those named in `for_readme` also into `readme`.

    The README's copies are named `<name>.png` (English) or `<name>-<language>.png`.
    """

    folder: Path
    language: str
    readme: Path | None = None
    for_readme: frozenset[str] = frozenset()
    taken: list[Path] = field(default_factory=list)

    def take(
        self, page: Page, name: str, *, element: Locator | None = None, height: int | None = None
    ) -> Path:
        """Save the page (or one element of it), once nothing moves any more.

        `height` enlarges the window for this one picture, to show a long page whole.
        """
        path = self.folder / f"{self.language}-{len(self.taken) + 1:02d}-{name}.png"
        _settle(page)
        if height is not None:
            page.set_viewport_size(ViewportSize(width=VIEWPORT["width"], height=height))
            _settle(page)
        try:
            if element is not None:
                page.screenshot(path=path, animations="disabled", clip=_around(element))
            else:
                page.screenshot(path=path, animations="disabled")
        finally:
            if height is not None:
                page.set_viewport_size(VIEWPORT)
        self.taken.append(path)
        if self.readme is not None and name in self.for_readme:
            suffix = "" if self.language == "en" else f"-{self.language}"
            _optimised_copy(path, self.readme / f"{name}{suffix}.png")
        return path


def _around(element: Locator, margin: float = 8) -> FloatRect:
    """The element's box and a margin of what is around it (rounded corners look cut off)."""
    box = element.bounding_box()
    assert box is not None, f"{element} is not shown"
    left, top = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
    right = min(box["x"] + box["width"] + margin, VIEWPORT["width"])
    bottom = min(box["y"] + box["height"] + margin, VIEWPORT["height"])
    return FloatRect(x=left, y=top, width=right - left, height=bottom - top)


def _settle(page: Page) -> None:
    """Wait until the page's finite animations (dialogs fading in, ripples) are over."""
    with suppress(PlaywrightError):
        page.wait_for_function(
            """() => document.getAnimations().every(
                (a) => a.playState !== "running"
                    || a.effect?.getComputedTiming().iterations === Infinity)""",
            timeout=5_000,
        )


def _optimised_copy(source: Path, target: Path) -> None:
    """A 256-colour copy: a UI screenshot loses nothing visible and shrinks 3-4 times."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        quantized = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        quantized.save(target, optimize=True)
    if target.stat().st_size >= source.stat().st_size:
        shutil.copyfile(source, target)


class Person:
    """A person at the browser, using Home Assistant and the integration."""

    def __init__(self, page: Page, develop: Develop, language: str, shots: Shots) -> None:
        self.page = page
        self.develop = develop
        self.language = language
        self.shots = shots
        self.ha = FrontendStrings(language)
        self.ours = integration_strings(language)

    # -- onboarding -------------------------------------------------------------------

    def onboard(self) -> None:
        """Choose the language, create the owner and finish the onboarding wizard."""
        page, ha = self.page, self.ha
        page.goto(self.develop.base_url + "/")
        page.wait_for_url("**/onboarding.html")
        start = page.get_by_role("button", name=ha["ui.panel.page-onboarding.welcome.start"])
        expect(start).to_be_visible()
        if self.language != "en":
            page.locator("ha-language-picker").click()
            page.get_by_role("option", name=LANGUAGE_NAMES[self.language]).click()
            expect(page.locator("html")).to_have_attribute("lang", self.language)
        start.click()
        # The form focuses its first field once drawn: typing earlier would land there.
        expect(page.locator("input[name=name]")).to_be_focused()
        for name, value in (
            ("name", "Demo"),
            ("username", "demo"),
            ("password", "demo-password"),
            ("password_confirm", "demo-password"),
        ):
            field = page.locator(f"input[name={name}]")
            field.fill(value)
            expect(field).to_have_value(value)
        page.get_by_role("button", name=ha["ui.panel.page-onboarding.user.create_account"]).click()
        # Home location, then country: both "next" buttons save the core configuration.
        for step in ("onboarding-location", "onboarding-core-config"):
            page.locator(step).get_by_role(
                "button", name=ha["ui.panel.page-onboarding.core-config.finish"]
            ).click()
        page.locator("onboarding-analytics").get_by_role(
            "button", name=ha["ui.panel.page-onboarding.analytics.finish"]
        ).click()
        page.get_by_role("button", name=ha["ui.panel.page-onboarding.integration.finish"]).click()
        page.wait_for_url("**/lovelace/**")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", self.language)
        expect(html).to_have_attribute("dir", "rtl" if self.language == "ar" else "ltr")

    # -- navigation -------------------------------------------------------------------

    def open_settings(self, item: str, url: str) -> None:
        """Sidebar → Settings → `item` (the key of its frontend text), which opens `url`."""
        self.page.locator("ha-sidebar a[href='/config']").click()
        self.page.get_by_text(self.ha[item], exact=True).click()
        self.page.wait_for_url(url)

    def open_integrations(self) -> None:
        """Sidebar → Settings → Devices & services."""
        self.open_settings(
            "ui.panel.config.dashboard.devices.main", "**/config/integrations/dashboard"
        )

    def open_integration_page(self) -> None:
        """… → Devices & services → SMM Panel."""
        self.open_integrations()
        self.page.get_by_text("SMM Panel", exact=True).click()
        self.page.wait_for_url("**/config/integrations/integration/smm_panel**")

    def open_device_page(self) -> None:
        """… → SMM Panel → its device (the "1 service" link)."""
        self.open_integration_page()
        self.page.locator("a[href^='/config/devices/device/']").first.click()
        self.page.wait_for_url("**/config/devices/device/*")
        expect(self.page.get_by_text(ENTRY_TITLE, exact=True).first).to_be_visible()

    def entity_row(self, name: str) -> Locator:
        """An entity's row on the device page, by the entity's name."""
        return self.page.locator("ha-device-entities-card hui-generic-entity-row").filter(
            has=self.page.get_by_text(name, exact=True)
        )

    def expect_state(self, name: str, state: str, timeout: float = TIMEOUT_MS) -> None:
        """Entity `name`'s row on the device page shows `state` (a number: starts with it)."""
        # The row's text: the state (its own), then the name (in its shadow root).
        shown = re.compile(rf"^{_MARKS}*{re.escape(state)}({_MARKS}|$)")
        expect(self.entity_row(name)).to_have_text(shown, timeout=timeout)

    def entity_name(self, key: str, platform: str = "sensor", **placeholders: str) -> str:
        """An entity's name in this language (the server's language, set to the same)."""
        name: str = self.ours["entity"][platform][key]["name"]
        for placeholder, value in placeholders.items():
            name = name.replace(f"{{{placeholder}}}", value)
        return name

    def order_state(self, state: str) -> str:
        """An order status as the order sensor shows it."""
        text: str = self.ours["entity"]["sensor"]["order"]["state"][state]
        return text

    # -- config flow ------------------------------------------------------------------

    def add_integration(self) -> None:
        """Add integration → SMM Panel → a wrong key first, then the right one."""
        page, ha = self.page, self.ha
        self.open_integrations()
        page.get_by_role("button", name=ha["ui.panel.config.integrations.add_integration"]).click()
        picker = page.locator("dialog-add-integration")
        picker.locator("search-input input").fill("SMM Panel")
        picker.get_by_text("SMM Panel", exact=True).click()

        dialog = page.locator("dialog-data-entry-flow")
        form = self.ours["config"]["step"]["user"]
        example = {"example_url": "https://smmpllus.com/api/v2"}
        texts = [
            form["title"],
            form["description"],
            *(_fill(text, example) for text in form["data_description"].values()),
        ]
        for text in texts:
            expect(dialog.get_by_text(text, exact=True)).to_be_visible()
        for label in form["data"].values():  # a required field's label ends in "*"
            expect(dialog.get_by_text(re.compile(rf"^{re.escape(label)}\*?$"))).to_be_visible()
        url = dialog.locator("input[name=url]")
        expect(url).to_have_value(example["example_url"])
        self.shots.take(page, "config-form", element=dialog.locator(".mdc-dialog__surface"))

        submit = dialog.get_by_role(
            "button", name=ha["ui.panel.config.integrations.config_flow.submit"]
        )
        url.fill(self.develop.panel_url)
        dialog.locator("input[name=api_key]").fill("not-the-key")
        submit.click()
        expect(dialog.get_by_text(self.ours["config"]["error"]["invalid_auth"])).to_be_visible()
        self.shots.take(page, "invalid-key")

        expect(url).to_have_value(self.develop.panel_url)
        dialog.locator("input[name=api_key]").fill(PANEL_KEY)
        submit.click()
        created = ha["ui.panel.config.integrations.config_flow.created_config"]
        expect(dialog.get_by_text(_fill(created, {"name": ENTRY_TITLE}))).to_be_visible()
        dialog.get_by_role(
            "button", name=ha["ui.panel.config.integrations.config_flow.finish"]
        ).click()
        expect(dialog.locator("input")).to_have_count(0)

    # -- options ----------------------------------------------------------------------

    def set_options(self, shot: str | None = None, **values: str) -> None:
        """SMM Panel → Configure: change some options, submit."""
        page, ha = self.page, self.ha
        self.open_integration_page()
        page.get_by_role(
            "button", name=ha["ui.panel.config.integrations.config_entry.configure"]
        ).click()
        dialog = page.locator("dialog-data-entry-flow")
        form = self.ours["options"]["step"]["init"]
        expect(dialog.get_by_text(form["title"])).to_be_visible()
        for option, value in values.items():
            dialog.get_by_label(form["data"][option]).fill(value)
        if shot is not None:
            self.shots.take(page, shot)
        dialog.get_by_role(
            "button", name=ha["ui.panel.config.integrations.config_flow.submit"]
        ).click()
        dialog.get_by_role(
            "button", name=ha["ui.panel.config.integrations.config_flow.finish"]
        ).click()
        expect(dialog.locator("input")).to_have_count(0)

    # -- actions ----------------------------------------------------------------------

    def add_order(self) -> str:
        """Developer tools → Actions → `smm_panel.add_order` in UI mode; the new order's id."""
        page, ha = self.page, self.ha
        page.locator("ha-sidebar a[href='/developer-tools']").click()
        page.get_by_role("tab", name=ha["ui.panel.developer-tools.tabs.actions.title"]).click()
        page.wait_for_url("**/developer-tools/action")
        page.locator("ha-service-picker input").fill("smm_panel.add_order")
        page.get_by_role("option").filter(has_text="smm_panel.add_order").click()

        action = self.ours["services"]["add_order"]
        fields = action["fields"]
        expect(page.get_by_text(action["description"])).to_be_visible()

        def row(field_name: str) -> Locator:
            return page.locator("ha-settings-row").filter(
                has=page.get_by_text(fields[field_name]["name"], exact=True)
            )

        row("config_entry_id").locator("ha-config-entry-picker").click()
        page.get_by_role("option").filter(has_text=ENTRY_TITLE).click()
        row("service").locator("ha-selector input").fill(ORDER_SERVICE)
        for name, value in (("link", ORDER_LINK), ("quantity", ORDER_QUANTITY)):
            row(name).locator("ha-checkbox input").check()  # optional fields: tick, then fill
            row(name).locator("ha-selector input").fill(value)
        page.get_by_role(
            "button", name=ha["ui.panel.developer-tools.tabs.actions.call_service"]
        ).click()

        response = page.locator("ha-code-editor .cm-content").last
        expect(response).to_contain_text('order: "')
        expect(response).to_contain_text("currency: USD")
        found = re.search(r'order: "(\d+)"', response.inner_text())
        assert found, response.inner_text()
        self.shots.take(page, "action-response", height=1460)
        return found[1]


def _fill(text: str, placeholders: dict[str, str]) -> str:
    for name, value in placeholders.items():
        text = text.replace(f"{{{name}}}", value)
    return text
