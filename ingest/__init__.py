"""Ingest: load the JSON Lines exports of the bureau's internal systems (docs/ingest-format.md).

`ingest_paths` loads files and folders of `.jsonl` records into the system of record and
quarantines every line it cannot load; `ingest.records` holds the record models and their JSON
Schemas, `ingest.reader` streams the lines.
"""

from __future__ import annotations

from ingest.loader import IngestSummary, ingest_paths

__all__ = ["IngestSummary", "ingest_paths"]
