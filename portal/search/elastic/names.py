"""Names of the Elasticsearch indexes, in one place with the schema version they encode.

Searches and writes go through the alias `{prefix}-enterprises`. It points at one concrete index,
`{prefix}-enterprises-v{SCHEMA_VERSION}-{stamp}`: `stamp` is the UTC time a rebuild started
(`20261124153000123456`), or `0` for the empty index made on first use. A rebuild fills a new
concrete index and moves the alias to it in one step.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from portal.errors import ConfigurationError

# Bump when the mapping or the meaning of a field changes: the portal then starts on an empty
# index of the new version (with a warning) until the next rebuild, as the embedded search does.
SCHEMA_VERSION = 1

# The stamp of the first, empty index: fixed, so that two processes starting at once make one.
FIRST_STAMP = "0"

# Lower case letters, digits and `-`, `_`, `.`, not starting with `-`, `_` or `.`: always a valid
# index name, whatever Elasticsearch version.
_PREFIX = re.compile(r"[a-z0-9][a-z0-9._-]{0,150}")


def check_prefix(prefix: str) -> str:
    if not _PREFIX.fullmatch(prefix):
        raise ConfigurationError(
            f"PORTAL_INDEX_PREFIX“{prefix}”不能用作 Elasticsearch 索引名前缀:"
            "只能含小写字母、数字和 - _ .,且以字母或数字开头"
        )
    return prefix


def alias_name(prefix: str) -> str:
    return f"{prefix}-enterprises"


def index_pattern(prefix: str) -> str:
    """A wildcard over the concrete indexes of every schema version (for listing, not deleting)."""
    return f"{alias_name(prefix)}-v*"


def index_name(prefix: str, stamp: str | None = None, version: int = SCHEMA_VERSION) -> str:
    """A concrete index name; `stamp` defaults to now (UTC, to the microsecond)."""
    if stamp is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"{alias_name(prefix)}-v{version}-{stamp}"


def parse_index_name(prefix: str, name: str) -> tuple[int, str] | None:
    """(schema version, stamp) of one of this prefix's concrete indexes, None for any other name."""
    match = re.fullmatch(re.escape(alias_name(prefix)) + r"-v(\d+)-(\d+)", name)
    return (int(match.group(1)), match.group(2)) if match else None
