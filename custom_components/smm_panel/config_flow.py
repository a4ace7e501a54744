"""Config flow for SMM Panel: user, reauth and reconfigure steps, and the options flow."""

from __future__ import annotations

from collections.abc import Mapping
import ipaddress
import re
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.typing import UNDEFINED, UndefinedType
import voluptuous as vol

from .api import (
    SmmAuthError,
    SmmConnectionError,
    SmmInvalidResponseError,
    SmmPanelClient,
    SmmPanelError,
)
from .const import (
    CONF_FINISHED_ORDER_RETENTION,
    CONF_LOW_BALANCE_THRESHOLD,
    CONF_MAX_ORDER_COST,
    CONF_SCAN_INTERVAL,
    DEFAULT_FINISHED_ORDER_RETENTION,
    DEFAULT_LOW_BALANCE_THRESHOLD,
    DEFAULT_MAX_ORDER_COST,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_URL,
    DOMAIN,
    LOGGER,
    LOOPBACK_HOSTS,
    MAX_FINISHED_ORDER_RETENTION,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)

_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off"))

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_URL, default=DEFAULT_URL): _URL_SELECTOR,
        vol.Required(CONF_API_KEY): _KEY_SELECTOR,
    }
)
RECONFIGURE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_URL): _URL_SELECTOR,
        vol.Required(CONF_API_KEY): _KEY_SELECTOR,
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): _KEY_SELECTOR})

MAX_API_KEY_LENGTH = 4_096
"""Far longer than any panel's API key (a few dozen characters). A longer "key" is a paste
mistake: refused as invalid_auth before it is sent, like a blank one, rather than posted to
the panel, whose web server would refuse a body that size (misreported as invalid_response)."""

# One DNS label: letters, digits, hyphens (underscores tolerated), no hyphen at either end.
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


class InvalidUrlError(ValueError):
    """A panel URL the flow refuses; `reason` is the form's error key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _valid_host(host: str) -> bool:
    """Whether `host` (lower case, brackets removed) is an IP address or a DNS name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.removesuffix(".").split(".")
    return all(_HOST_LABEL.fullmatch(label) for label in labels)


def normalize_url(raw: str) -> str:
    """Return the canonical form of a panel API URL, or raise InvalidUrlError.

    Only `https://` is accepted, except `http://` to a loopback host (local test panels).
    Credentials, query strings and fragments are refused: they would leak secrets into the
    entry title, the logs and diagnostics. Surrounding whitespace and trailing slashes go,
    the scheme and host are lower-cased.
    """
    url = raw.strip().rstrip("/")
    if not url or any(char.isspace() or not char.isprintable() for char in url):
        raise InvalidUrlError("invalid_url")
    if "?" in url or "#" in url:
        raise InvalidUrlError("invalid_url")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port that is not a number 0-65535
    except ValueError:
        raise InvalidUrlError("invalid_url") from None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("http", "https") or "@" in parts.netloc:
        raise InvalidUrlError("invalid_url")
    if not host or not _valid_host(host):
        raise InvalidUrlError("invalid_url")
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise InvalidUrlError("insecure_url")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path, "", ""))


def suggested_url(raw: str) -> str:
    """A URL as typed, for the form shown again: without credentials, query or fragment.

    Those are refused because they may hold the key; sending them back to the form would
    show it in a plain text field.
    """
    try:
        parts = urlsplit(raw.strip())
    except ValueError:
        return ""
    offered = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
    return "" if "@" in offered else offered


def url_host(url: str) -> str:
    """The host name of a (normalized) panel URL: the entry title."""
    return urlsplit(url).hostname or url


class SmmPanelConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up one SMM panel account: a panel URL and an API key."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> SmmOptionsFlow:
        """Create the options flow."""
        return SmmOptionsFlow()

    async def _async_validate(
        self, url: str, api_key: str, entry: ConfigEntry | None = None
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Check a URL and an API key; return the entry data and the form errors.

        Shared by the user, reauth and reconfigure steps. Aborts with
        `already_configured` when another entry holds the same URL and key; `entry` is
        the entry being changed (reauth, reconfigure), which may of course match itself.
        """
        try:
            url = normalize_url(url)
        except InvalidUrlError as err:
            return {}, {"base": err.reason}
        api_key = api_key.strip()
        data = {CONF_URL: url, CONF_API_KEY: api_key}
        if entry is None:
            self._async_abort_entries_match(data)
        elif any(
            other.entry_id != entry.entry_id
            and other.data.get(CONF_URL) == url
            and other.data.get(CONF_API_KEY) == api_key
            for other in self._async_current_entries(include_ignore=False)
        ):
            raise AbortFlow("already_configured")
        if not api_key or len(api_key) > MAX_API_KEY_LENGTH:
            return {}, {"base": "invalid_auth"}

        client = SmmPanelClient(url, api_key, async_get_clientsession(self.hass))
        try:
            await client.balance()
        except SmmAuthError:
            return {}, {"base": "invalid_auth"}
        except SmmConnectionError as err:  # includes SmmRateLimitedError
            LOGGER.debug("Cannot connect to the panel at %s: %s", client.host, err)
            return {}, {"base": "cannot_connect"}
        except (SmmInvalidResponseError, SmmPanelError) as err:
            LOGGER.debug("Unexpected answer from the panel at %s: %s", client.host, err)
            return {}, {"base": "invalid_response"}
        except Exception:  # noqa: BLE001 - any other failure is shown as "unknown", logged
            LOGGER.exception("Unexpected error checking the panel at %s", client.host)
            return {}, {"base": "unknown"}
        return data, {}

    @callback
    def _async_update_and_abort(
        self,
        entry: ConfigEntry,
        data: Mapping[str, Any],
        reason: str,
        title: str | UndefinedType = UNDEFINED,
    ) -> ConfigFlowResult:
        """Store the new data over the entry's and finish; make sure the entry restarts with it.

        A loaded entry's update listener reloads it on any change. An entry that is not
        loaded (its setup failed, e.g. on the very key being replaced) has no listener, and
        an unchanged entry fires none: those are reloaded here.
        """
        changed = self.hass.config_entries.async_update_entry(
            entry, title=title, data={**entry.data, **data}
        )
        if not changed or entry.state is not ConfigEntryState.LOADED:
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(reason=reason)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the panel URL and the API key."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors = await self._async_validate(
                user_input[CONF_URL], user_input[CONF_API_KEY]
            )
            if not errors:
                return self.async_create_entry(title=url_host(data[CONF_URL]), data=data)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                USER_SCHEMA, {CONF_URL: suggested_url(user_input[CONF_URL])} if user_input else {}
            ),
            errors=errors,
            description_placeholders={"example_url": DEFAULT_URL},
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start when the panel rejects the entry's API key."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new API key for the entry's panel."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors = await self._async_validate(
                entry.data[CONF_URL], user_input[CONF_API_KEY], entry
            )
            if not errors:
                return self._async_update_and_abort(entry, data, "reauth_successful")
        return self._async_show_entry_form("reauth_confirm", REAUTH_SCHEMA, entry, errors)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the panel URL and/or the API key of an entry."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors = await self._async_validate(
                user_input[CONF_URL], user_input[CONF_API_KEY], entry
            )
            if not errors:
                # Keep a title the user chose; follow the host when the title is the host.
                old_host = url_host(entry.data[CONF_URL])
                new_host = url_host(data[CONF_URL])
                return self._async_update_and_abort(
                    entry,
                    data,
                    "reconfigure_successful",
                    title=new_host if entry.title == old_host else UNDEFINED,
                )
        suggested = suggested_url(user_input[CONF_URL]) if user_input else entry.data[CONF_URL]
        schema = self.add_suggested_values_to_schema(RECONFIGURE_SCHEMA, {CONF_URL: suggested})
        return self._async_show_entry_form("reconfigure", schema, entry, errors)

    def _async_show_entry_form(
        self, step_id: str, schema: vol.Schema, entry: ConfigEntry, errors: dict[str, str]
    ) -> ConfigFlowResult:
        """The form of a step that changes an existing entry: it names the entry's panel."""
        return self.async_show_form(
            step_id=step_id,
            data_schema=schema,
            errors=errors,
            description_placeholders={
                "host": url_host(entry.data[CONF_URL]),
                "example_url": DEFAULT_URL,
            },
        )


MONEY_RANGE = vol.Range(min=0, max=sys.float_info.max)
"""≥ 0 and finite: NaN fails every comparison and infinity exceeds the largest float, so
neither reaches the entry's JSON. A plain function would do the same, but the frontend
could not serialize the form and the options dialog would not open."""


def _money_selector() -> NumberSelector:
    return NumberSelector(NumberSelectorConfig(min=0, step=0.01, mode=NumberSelectorMode.BOX))


# No `unit_of_measurement` on the number boxes: the frontend shows it as it stands (an
# English "min" beside an Arabic form), and number selectors only take a translation key
# for it from Home Assistant 2025.x on. The unit is in each field's translated label instead.
OPTIONS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=MIN_SCAN_INTERVAL,
                    max=MAX_SCAN_INTERVAL,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Range(min=MIN_SCAN_INTERVAL, max=MAX_SCAN_INTERVAL),
            vol.Coerce(int),
        ),
        vol.Required(CONF_LOW_BALANCE_THRESHOLD, default=DEFAULT_LOW_BALANCE_THRESHOLD): vol.All(
            _money_selector(), MONEY_RANGE
        ),
        vol.Required(CONF_MAX_ORDER_COST, default=DEFAULT_MAX_ORDER_COST): vol.All(
            _money_selector(), MONEY_RANGE
        ),
        vol.Required(
            CONF_FINISHED_ORDER_RETENTION, default=DEFAULT_FINISHED_ORDER_RETENTION
        ): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=0,
                    max=MAX_FINISHED_ORDER_RETENTION,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Range(min=0, max=MAX_FINISHED_ORDER_RETENTION),
            vol.Coerce(int),
        ),
    }
)


class SmmOptionsFlow(OptionsFlow):
    """Polling interval, low-balance threshold, order cost limit and order retention."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the options, prefilled with the current values; a change reloads the entry."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, self.config_entry.options
            ),
        )
