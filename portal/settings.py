"""Every setting of the portal, read from `PORTAL_*` environment variables in one place.

Each setting has a default that works on a fresh machine (the embedded default: SQLite for both
storage and search) and a comment saying what it is for. Code asks `get_settings()`; tests build
their own `Settings(...)` and pass it down instead of patching the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from pathlib import Path

from portal.clock import china_today
from portal.errors import ConfigurationError


def _env(name: str, default: str) -> str:
    return os.environ.get(f"PORTAL_{name}", default)


def _default_data_dir() -> Path:
    return Path(_env("DATA_DIR", str(Path.cwd() / "data")))


@dataclass(frozen=True)
class Settings:
    # Folder for the embedded default's files (SQLite database, search index, demo data).
    data_dir: Path = field(default_factory=_default_data_dir)
    # SQLAlchemy URL of the system of record. Empty: a SQLite file `portal.sqlite3` in data_dir.
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", ""))
    # Elasticsearch URL. Empty: the embedded SQLite full-text index is used for search.
    elasticsearch_url: str = field(default_factory=lambda: _env("ELASTICSEARCH_URL", ""))
    # Prefix of every Elasticsearch index and alias, so portals (or test runs) can share a cluster.
    index_prefix: str = field(default_factory=lambda: _env("INDEX_PREFIX", "credit-portal"))
    # Analyzer of the Elasticsearch text fields. `standard` (built in everywhere) cuts Chinese into
    # single characters, and the portal searches a Chinese term as the phrase of its characters:
    # "contains this string", like the embedded search. On a cluster with a Chinese plugin,
    # `ik_max_word` (IK) or `smartcn` cut words instead (fewer, word-level matches). A change
    # takes effect for the index made by the next `rebuild`.
    elasticsearch_analyzer: str = field(
        default_factory=lambda: _env("ELASTICSEARCH_ANALYZER", "standard")
    )
    # File of the embedded search index. Empty: `search.sqlite3` in data_dir.
    search_path: str = field(default_factory=lambda: _env("SEARCH_PATH", ""))
    # Public base URL of the site, for absolute links (feeds, canonical links), e.g.
    # `https://credit.example.gov.cn`. Empty: the address each request was made to, so that the
    # links work wherever the portal is served (`portal demo --port 8611`, behind a proxy).
    base_url: str = field(default_factory=lambda: _env("BASE_URL", ""))
    # Tagging entity of the feeds' entry ids (tag URIs, RFC 4151): a domain name (or e-mail
    # address) the publisher held, a comma, and a date on which it held it (YYYY[-MM[-DD]]).
    # Ids are `tag:<this>:…`: they do not change when the site moves to another host or port.
    # Set it once, to a name the bureau holds, and never change it (readers would see every
    # entry again as new).
    feed_tag_authority: str = field(
        default_factory=lambda: _env("FEED_TAG_AUTHORITY", "baoji.gov.cn,2026")
    )
    # Name of the portal as shown on the site and in the feeds.
    site_name: str = field(default_factory=lambda: _env("SITE_NAME", "宝鸡市产品质量诚信信息网"))
    # Warning colours: months left before a due date at or under which the colour is yellow.
    # The article: yellow at "half a year" left, green at more than seven months; 6–7 is green.
    yellow_months: int = field(default_factory=lambda: int(_env("YELLOW_MONTHS", "6")))
    # Days after publication before an uncorrected bad record is upgraded (the article: 15).
    bad_record_grace_days: int = field(
        default_factory=lambda: int(_env("BAD_RECORD_GRACE_DAYS", "15"))
    )
    # Display periods (公示期) by severity, in months from a designation's starts_on. Minor
    # entries (e.g. a bad record from a red warning: a first minor violation) are shown this long
    # and then removed automatically; they need no repair.
    minor_display_months: int = field(
        default_factory=lambda: int(_env("MINOR_DISPLAY_MONTHS", "3"))
    )
    # Moderate entries (the default of ingested bad records) are shown at most this long...
    moderate_display_months: int = field(
        default_factory=lambda: int(_env("MODERATE_DISPLAY_MONTHS", "12"))
    )
    # ...and credit repair may be applied for this many months after they start.
    moderate_repair_months: int = field(
        default_factory=lambda: int(_env("MODERATE_REPAIR_MONTHS", "3"))
    )
    # Serious entries (blacklist, quality-safety warnings) are shown at most this long...
    serious_display_months: int = field(
        default_factory=lambda: int(_env("SERIOUS_DISPLAY_MONTHS", "36"))
    )
    # ...and credit repair may be applied for this many months after they start.
    serious_repair_months: int = field(
        default_factory=lambda: int(_env("SERIOUS_REPAIR_MONTHS", "12"))
    )
    # Default rectification deadline in days when a notice does not give one (article: a month).
    rectification_days: int = field(default_factory=lambda: int(_env("RECTIFICATION_DAYS", "30")))
    # Results per page on the site and the default `first` of GraphQL connections.
    page_size: int = field(default_factory=lambda: int(_env("PAGE_SIZE", "20")))
    # Largest page a client may ask for, on the site and in GraphQL.
    max_page_size: int = field(default_factory=lambda: int(_env("MAX_PAGE_SIZE", "100")))
    # Threads a server process runs the site's (synchronous) views in. Few are best: the views
    # are CPU-bound and hold the GIL, and more threads only lengthen the tail (bench/RESULTS.md).
    worker_threads: int = field(default_factory=lambda: int(_env("WORKER_THREADS", "4")))
    # Entries in each feed (warnings, blacklist, bad records).
    feed_size: int = field(default_factory=lambda: int(_env("FEED_SIZE", "50")))
    # Seconds a built feed is served from memory, so that a poll (conditional or not) costs no
    # query; changes reach the feeds at most this late. 0: build every request.
    feed_cache_seconds: int = field(default_factory=lambda: int(_env("FEED_CACHE_SECONDS", "60")))
    # Log level of the portal's structured logs.
    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO"))
    # Date the portal takes as "today" (YYYY-MM-DD); empty: today's date in China (Asia/Shanghai),
    # whatever the server's time zone. For demos and tests; a malformed value fails at start.
    today: str = field(default_factory=lambda: _env("TODAY", ""))
    # Server secret: signs the objection form's anti-forgery token and keys the hash of client
    # IPs used for rate limiting. Empty: a random key is generated on first use and kept in
    # `secret_key` in data_dir (see `signing_key()`). Set it explicitly when several servers
    # share one database, so that they agree. Never logged.
    secret_key: str = field(default_factory=lambda: _env("SECRET_KEY", ""), repr=False)
    # Objections one client (IP) may submit per rolling hour and per rolling day.
    objection_limit_per_hour: int = field(
        default_factory=lambda: int(_env("OBJECTION_LIMIT_PER_HOUR", "5"))
    )
    objection_limit_per_day: int = field(
        default_factory=lambda: int(_env("OBJECTION_LIMIT_PER_DAY", "20"))
    )
    # Fair use (portal/web/fair_use.py): requests one client (IPv4 address, IPv6 /64) may make
    # to /search and to /graphql in any minute, per server process; 0: no limit.
    search_limit_per_minute: int = field(
        default_factory=lambda: int(_env("SEARCH_LIMIT_PER_MINUTE", "60"))
    )
    graphql_limit_per_minute: int = field(
        default_factory=lambda: int(_env("GRAPHQL_LIMIT_PER_MINUTE", "120"))
    )
    # ...and how many of them it may have in progress at once, so that one client cannot fill
    # every worker thread (worker_threads) while others wait; 0: no limit.
    concurrent_requests_per_client: int = field(
        default_factory=lambda: int(_env("CONCURRENT_REQUESTS_PER_CLIENT", "2"))
    )
    # Largest cost of one GraphQL request (portal/graphql/cost.py): about the number of objects
    # it can return, each search and its facets counted extra; aliases add up. The default
    # admits one search of 100 results with facets, or a list of 100 entries, per request.
    graphql_max_cost: int = field(default_factory=lambda: int(_env("GRAPHQL_MAX_COST", "1000")))
    # Reverse proxies whose X-Forwarded-For is believed: addresses or CIDRs separated by commas
    # (e.g. `10.0.0.5, 192.168.1.0/24`). Empty: none, the client is the connection's peer and
    # X-Forwarded-For is ignored (a client could otherwise choose the address it is counted by).
    trusted_proxies: str = field(default_factory=lambda: _env("TRUSTED_PROXIES", ""))

    def __post_init__(self) -> None:
        # A bad PORTAL_TODAY fails when the settings are read (at start), not at the first page.
        self._fixed_today()

    def _fixed_today(self) -> date | None:
        if not self.today:
            return None
        try:
            return date.fromisoformat(self.today)
        except ValueError:
            raise ConfigurationError(
                f"PORTAL_TODAY 无效:“{self.today}”不是 YYYY-MM-DD 格式的日期(如 2026-12-01)"
            ) from None

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'portal.sqlite3'}"

    @property
    def search_file(self) -> Path:
        return Path(self.search_path) if self.search_path else self.data_dir / "search.sqlite3"

    def current_date(self) -> date:
        """The date the credit rules, the pages, GraphQL, the feeds and the daily job use as
        today: `PORTAL_TODAY`, or today's date in China (portal.clock)."""
        return self._fixed_today() or china_today()

    def signing_key(self) -> bytes:
        """`secret_key`, or the key generated once and kept in data_dir."""
        if self.secret_key:
            return self.secret_key.encode()
        return _stored_key(self.data_dir / SECRET_KEY_FILE)

    def describe(self) -> dict[str, str]:
        """The settings as strings, for the start-up log line (the secret key masked)."""
        shown = {f.name: str(getattr(self, f.name)) for f in fields(self)}
        shown["secret_key"] = "***" if self.secret_key else "(generated in data_dir)"
        return shown


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
    return Settings()
