"""The alias and the concrete indexes behind it: making, checking, swapping, cleaning up.

The backend (`backend.py`) calls these inside its error handling: client errors propagate from
here as they are, and only what is the portal's own decision raises a PortalError.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from elasticsearch import ApiError, BadRequestError, Elasticsearch, TransportError

from portal.errors import ConfigurationError, SearchUnavailable
from portal.logs import get_logger
from portal.search.elastic.mapping import index_settings, mappings
from portal.search.elastic.names import (
    FIRST_STAMP,
    SCHEMA_VERSION,
    alias_name,
    index_name,
    index_pattern,
    parse_index_name,
)

log = get_logger(__name__)

Targets = dict[str, dict[str, Any]]  # concrete index -> its mapping's `_meta`


class IndexAdmin:
    """The indexes of one prefix, made with one analyzer."""

    def __init__(self, client: Elasticsearch, prefix: str, analyzer: str) -> None:
        self.client = client
        self.prefix = prefix
        self.alias = alias_name(prefix)
        self.analyzer = analyzer

    def targets(self) -> Targets:
        """The concrete indexes behind the alias with their `_meta`; {} when there is no alias."""
        response = self.client.options(ignore_status=404).indices.get(
            index=self.alias, features=["aliases", "mappings"]
        )
        if response.meta.status == 404:
            return {}
        targets: Targets = {}
        for name, index in response.body.items():
            if name == self.alias or parse_index_name(self.prefix, name) is None:
                raise SearchUnavailable(f"索引 {name} 不是本门户建立的检索索引,拒绝改写")
            targets[name] = index.get("mappings", {}).get("_meta", {})
        return targets

    def create(self, index: str, *, loading: bool = False, alias: bool = False) -> bool:
        """Create a concrete index (with the alias on it); False when it exists already."""
        try:
            self.client.indices.create(
                index=index,
                settings=index_settings(loading=loading),
                mappings=mappings(self.analyzer),
                aliases={self.alias: {}} if alias else None,
            )
        except BadRequestError as exc:
            if exc.error == "resource_already_exists_exception":
                return False
            if "analyzer" in str(exc):
                raise ConfigurationError(
                    f"Elasticsearch 不认识分词器“{self.analyzer}”"
                    f"(PORTAL_ELASTICSEARCH_ANALYZER):{exc.message}"
                ) from exc
            raise
        return True

    def swap_actions(self, old: Iterable[str], new: str) -> list[dict[str, Any]]:
        """`update_aliases` actions moving the alias from `old` to `new` in one step."""
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        return [*actions, {"add": {"index": new, "alias": self.alias}}]

    def delete(self, index: str) -> None:
        self.client.options(ignore_status=404).indices.delete(index=index)

    def settle(self) -> None:
        """Make the alias if missing, on an empty index; keep it on one index of this schema
        version. An older version is replaced by an empty index of this one (with a warning: the
        index must be rebuilt), as the embedded search does; a newer one is left alone."""
        for _ in range(3):  # another process may be doing the same: look again after each step
            targets = self.targets()
            first = index_name(self.prefix, FIRST_STAMP)
            if not targets:
                if not self.create(first, alias=True):  # exists: another process, or orphaned
                    self.client.indices.update_aliases(
                        actions=[{"add": {"index": first, "alias": self.alias}}]
                    )
                continue
            versions = {name: parse_index_name(self.prefix, name) or (0, "0") for name in targets}
            current = sorted((int(v[1]), n) for n, v in versions.items() if v[0] == SCHEMA_VERSION)
            if current:
                self._keep(targets, current[-1][1])
                return
            newest = max(version for version, _ in versions.values())
            if newest > SCHEMA_VERSION:
                raise SearchUnavailable(
                    f"检索索引 {self.alias} 的结构版本 v{newest} 比本程序的 v{SCHEMA_VERSION} 新:"
                    "请升级门户程序"
                )
            log.warning(
                "search.schema_mismatch", alias=self.alias, found=sorted(targets),
                expected=SCHEMA_VERSION, action="starting empty; rebuild the index",
            )  # fmt: skip
            self.create(first)
            try:
                self.client.indices.update_aliases(actions=self.swap_actions(targets, first))
            except ApiError:
                log.warning("search.alias_race", alias=self.alias, action="looking again")
        raise SearchUnavailable(f"无法建立检索索引别名 {self.alias}")

    def _keep(self, targets: Targets, keep: str) -> None:
        others = [name for name in targets if name != keep]
        if others:  # two processes set up or rebuilt at once: keep the newest
            log.warning("search.alias_repaired", alias=self.alias, kept=keep, left=others)
            self.client.indices.update_aliases(
                actions=[{"remove": {"index": name, "alias": self.alias}} for name in others]
            )
        used = targets[keep].get("analyzer")
        if used != self.analyzer:
            log.warning(
                "search.analyzer_mismatch", index=keep, found=used, expected=self.analyzer,
                action="rebuild the index to use it",
            )  # fmt: skip

    def delete_unused(self, keep: str) -> None:
        """Delete this prefix's concrete indexes other than `keep` that the alias is not on: those
        a rebuild just left, and any a crashed rebuild left behind. Failures are only logged."""
        try:
            found = self.client.indices.get(
                index=index_pattern(self.prefix), features=["aliases"], expand_wildcards="all"
            ).body
            unused = [
                name
                for name, index in found.items()
                if name != keep
                and parse_index_name(self.prefix, name) is not None
                and self.alias not in index.get("aliases", {})
            ]
            for name in unused:
                self.delete(name)
            if unused:
                log.info("search.indexes_deleted", indexes=unused)
        except (ApiError, TransportError) as exc:
            log.error("search.cleanup_failed", error=repr(exc))
