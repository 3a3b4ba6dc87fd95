"""Every setting of the portal, read from `PORTAL_*` environment variables in one place.

Each setting has a default that works on a fresh machine (the embedded default: SQLite for both
storage and search), a comment saying what it is for, and the bounds it must keep. pydantic-settings
reads and checks them all at once, at start: a bad value raises `ConfigurationError` naming the
variable, the value and what is expected, so a command stops before it does anything (and a server
before its first request). Code asks `get_settings()`; tests build their own `Settings(...)` and
pass it down instead of patching the environment (`settings.replace(...)` for a variant).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

from portal.clock import china_today
from portal.errors import ConfigurationError

ENV_PREFIX = "PORTAL_"

# The levels `logging` knows by name (PORTAL_LOG_LEVEL is matched ignoring case).
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _default_data_dir() -> Path:
    return Path.cwd() / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        frozen=True,
        # A misspelt keyword (`Settings(page_sise=…)`) is an error, not silently ignored.
        extra="forbid",
        validate_default=True,
    )

    # Folder for the embedded default's files (SQLite database, search index, demo data).
    data_dir: Path = Field(default_factory=_default_data_dir)
    # SQLAlchemy URL of the system of record. Empty: a SQLite file `portal.sqlite3` in data_dir.
    database_url: str = ""
    # Elasticsearch URL. Empty: the embedded SQLite full-text index is used for search.
    elasticsearch_url: str = ""
    # Prefix of every Elasticsearch index and alias, so portals (or test runs) can share a cluster.
    index_prefix: str = Field(default="credit-portal", min_length=1)
    # Analyzer of the Elasticsearch text fields. `standard` (built in everywhere) cuts Chinese into
    # single characters, and the portal searches a Chinese term as the phrase of its characters:
    # "contains this string", like the embedded search. On a cluster with a Chinese plugin,
    # `ik_max_word` (IK) or `smartcn` cut words instead (fewer, word-level matches). A change
    # takes effect for the index made by the next `rebuild`.
    elasticsearch_analyzer: str = Field(default="standard", min_length=1)
    # File of the embedded search index. Empty: `search.sqlite3` in data_dir.
    search_path: str = ""
    # Public base URL of the site, for absolute links (feeds, canonical links), e.g.
    # `https://credit.example.gov.cn`. Empty: the address each request was made to, so that the
    # links work wherever the portal is served (`portal demo --port 8611`, behind a proxy).
    base_url: str = ""
    # Tagging entity of the feeds' entry ids (tag URIs, RFC 4151): a domain name (or e-mail
    # address) the publisher held, a comma, and a date on which it held it (YYYY[-MM[-DD]]).
    # Ids are `tag:<this>:…`: they do not change when the site moves to another host or port.
    # Set it once, to a name the bureau holds, and never change it (readers would see every
    # entry again as new).
    feed_tag_authority: str = "baoji.gov.cn,2026"
    # Name of the portal as shown on the site and in the feeds.
    site_name: str = Field(default="宝鸡市产品质量诚信信息网", min_length=1)
    # Warning colours: months left before a due date at or under which the colour is yellow.
    # The article: yellow at "half a year" left, green at more than seven months; 6–7 is green.
    yellow_months: int = Field(default=6, ge=1)
    # Days after publication before an uncorrected bad record is upgraded (the article: 15).
    bad_record_grace_days: int = Field(default=15, ge=1)
    # Display periods (公示期) by severity, in months from a designation's starts_on. Minor
    # entries (e.g. a bad record from a red warning: a first minor violation) are shown this long
    # and then removed automatically; they need no repair.
    minor_display_months: int = Field(default=3, ge=1)
    # Moderate entries (the default of ingested bad records) are shown at most this long...
    moderate_display_months: int = Field(default=12, ge=1)
    # ...and credit repair may be applied for this many months after they start.
    moderate_repair_months: int = Field(default=3, ge=0)
    # Serious entries (blacklist, quality-safety warnings) are shown at most this long...
    serious_display_months: int = Field(default=36, ge=1)
    # ...and credit repair may be applied for this many months after they start.
    serious_repair_months: int = Field(default=12, ge=0)
    # Default rectification deadline in days when a notice does not give one (article: a month).
    rectification_days: int = Field(default=30, ge=1)
    # Results per page on the site and the default `first` of GraphQL connections.
    page_size: int = Field(default=20, ge=1)
    # Largest page a client may ask for, on the site and in GraphQL (at least page_size).
    max_page_size: int = Field(default=100, ge=1)
    # Threads a server process runs the site's (synchronous) views in. Few are best: the views
    # are CPU-bound and hold the GIL, and more threads only lengthen the tail (bench/RESULTS.md).
    worker_threads: int = Field(default=4, ge=1)
    # Entries in each feed (warnings, blacklist, bad records).
    feed_size: int = Field(default=50, ge=1)
    # Seconds a built feed is served from memory, so that a poll (conditional or not) costs no
    # query; changes reach the feeds at most this late. 0: build every request.
    feed_cache_seconds: int = Field(default=60, ge=0)
    # Log level of the portal's structured logs (one of LOG_LEVELS, any case).
    log_level: str = "INFO"
    # Date the portal takes as "today" (YYYY-MM-DD); empty: today's date in China (Asia/Shanghai),
    # whatever the server's time zone. For demos and tests; a malformed value fails at start.
    today: str = ""
    # Server secret: signs the objection form's anti-forgery token and keys the hash of client
    # IPs used for rate limiting. Empty: a random key is generated on first use and kept in
    # `secret_key` in data_dir (see `signing_key()`). Set it explicitly when several servers
    # share one database, so that they agree. Never logged.
    secret_key: str = Field(default="", repr=False)
    # Objections one client (IP) may submit per rolling hour and per rolling day.
    objection_limit_per_hour: int = Field(default=5, ge=1)
    objection_limit_per_day: int = Field(default=20, ge=1)
    # Fair use (portal/web/fair_use.py): requests one client (IPv4 address, IPv6 /64) may make to
    # /search and to /graphql in any minute, per server process; 0: no limit.
    search_limit_per_minute: int = Field(default=60, ge=0)
    graphql_limit_per_minute: int = Field(default=120, ge=0)
    # ...and how many of them it may have in progress at once, so that one client cannot fill
    # every worker thread (worker_threads) while others wait; 0: no limit.
    concurrent_requests_per_client: int = Field(default=2, ge=0)
    # Largest cost of one GraphQL request (portal/graphql/cost.py): about the number of objects it
    # can return, each search and its facets counted extra; aliases add up. The default admits
    # one search of 100 results with facets, or a list of 100 entries, per request.
    graphql_max_cost: int = Field(default=1000, ge=1)
    # Reverse proxies whose X-Forwarded-For is believed: addresses or CIDRs separated by commas
    # (e.g. `10.0.0.5, 192.168.1.0/24`). Empty: none, the client is the connection's peer and
    # X-Forwarded-For is ignored.
    trusted_proxies: str = ""

    def __init__(self, **values: Any) -> None:
        # Every way of making settings (the environment, a test's keywords, `replace`) reports a
        # bad value the same way: ConfigurationError, naming the variable.
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigurationError(_explain(exc)) from None

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if value:
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            try:
                make_url(value)
            except ArgumentError:
                raise ValueError(
                    "不是 SQLAlchemy 数据库地址(如 postgresql+psycopg://用户@主机:5432/库名)"
                ) from None
        return value

    @field_validator("elasticsearch_url", "base_url")
    @classmethod
    def _check_http_url(cls, value: str) -> str:
        if value:
            try:
                parts = urlsplit(value)
                parts.port  # noqa: B018 - raises ValueError on a port that is not a number
            except ValueError:
                parts = None
            if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(
                    "不是有效的 http:// 或 https:// 网址(如 https://credit.example.gov.cn)"
                )
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"应为日志级别 {'、'.join(LOG_LEVELS)} 之一")
        return value

    @field_validator("today")
    @classmethod
    def _check_today(cls, value: str) -> str:
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError("不是 YYYY-MM-DD 格式的日期(如 2026-12-01)") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(
                        f"其中“{part.strip()}”不是 IP 地址或 CIDR 网段"
                        "(应以逗号分隔,如 10.0.0.5, 192.168.1.0/24)"
                    ) from None
        return value

    @model_validator(mode="after")
    def _check_page_sizes(self) -> Self:
        if self.max_page_size < self.page_size:
            raise ValueError(
                f"{ENV_PREFIX}MAX_PAGE_SIZE 无效:“{self.max_page_size}”不能小于 "
                f"{ENV_PREFIX}PAGE_SIZE({self.page_size})"
            )
        return self

    def replace(self, **changes: Any) -> Settings:
        """These settings with `changes`, checked like the originals."""
        return type(self)(**{**self.model_dump(), **changes})

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'portal.sqlite3'}"

    @property
    def search_file(self) -> Path:
        return Path(self.search_path) if self.search_path else self.data_dir / "search.sqlite3"

    def current_date(self) -> date:
        """The date the credit rules, the pages, GraphQL, the feeds and the daily job use as
        today: `PORTAL_TODAY`, or today's date in China (portal.clock)."""
        # Checked when the settings were made: a set value is a valid date here.
        return date.fromisoformat(self.today) if self.today else china_today()

    def signing_key(self) -> bytes:
        """`secret_key`, or the key generated once and kept in data_dir."""
        if self.secret_key:
            return self.secret_key.encode()
        return _stored_key(self.data_dir / SECRET_KEY_FILE)

    def describe(self) -> dict[str, str]:
        """The settings as strings, for the start-up log line (the secret key masked)."""
        shown = {name: str(getattr(self, name)) for name in type(self).model_fields}
        shown["secret_key"] = "***" if self.secret_key else "(generated in data_dir)"
        return shown


def default_of(name: str) -> int:
    """The default of the integer setting `name`: for the objects that take their defaults from
    the settings (the rules' Thresholds, ingest's rectification deadline), so each default stands
    in one place."""
    value = Settings.model_fields[name].default
    if not isinstance(value, int):
        raise TypeError(f"setting {name} has no integer default")
    return value


# What a value of each kind must be, in the words of the error message.
_EXPECTED = {
    "int_parsing": "不是整数",
    "int_type": "不是整数",
    "int_from_float": "不是整数",
    "string_type": "不是文字",
    "path_type": "不是路径",
    "extra_forbidden": "不是已知的设置",
}


def _explain(exc: ValidationError) -> str:
    """One line per bad value: the variable, the value given and what is expected."""
    return ";".join(_explain_one(error) for error in exc.errors())


def _explain_one(error: ErrorDetails) -> str:
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "value_error":
        expected = str(ctx.get("error", error["msg"]))
    elif kind == "greater_than_equal":
        expected = f"应为不小于 {ctx['ge']} 的整数"
    elif kind == "string_too_short":
        expected = "不能为空"
    else:
        expected = _EXPECTED.get(kind, error["msg"])
    if not loc:  # a check of several settings together: its message names them
        return expected
    variable = f"{ENV_PREFIX}{str(loc[0]).upper()}"
    return f"{variable} 无效:“{error['input']}”{expected}"


SECRET_KEY_FILE = "secret_key"


@cache
def _stored_key(path: Path) -> bytes:
    """The key in `path`, created (readable by the owner only) when there is none yet.

    The new key is written to a file of its own first and then linked to `path`, which fails
    when `path` exists: processes starting together all end up with the one key that won.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ConfigurationError(f"密钥文件 {path} 为空:请删除该文件,或设置 PORTAL_SECRET_KEY")
    return key.encode()


@cache
def get_settings() -> Settings:
    """The settings of this process, read from the environment once (at start)."""
    return Settings()
