"""The Elasticsearch backend of the search (`ElasticsearchSearch`), chosen by `open_backend` when
PORTAL_ELASTICSEARCH_URL is set.

- `names`: the alias and concrete index names, and SCHEMA_VERSION;
- `mapping`: index settings, the mapping and the indexed document of a SearchDocument;
- `queries`: pure builders of the request bodies;
- `indexes`: making, checking and swapping the alias and the concrete indexes behind it;
- `backend`: `ElasticsearchSearch`, the SearchBackend.

Only `portal.search` imports the `elasticsearch` client.
"""

from __future__ import annotations

from portal.search.elastic.backend import ElasticsearchSearch
from portal.search.elastic.names import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "ElasticsearchSearch"]
