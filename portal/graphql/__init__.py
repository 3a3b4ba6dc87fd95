"""The GraphQL API for partner departments (人民银行、税务、财政、发改委、市场监管): queries
over the same read layer and search as the public site, and one write, `submitObjection`.

- `portal.graphql.schema`: `Query`, `schema`, error presentation and query limits.
- `portal.graphql.objections`: the `submitObjection` mutation and the `objection` look-up.
- `portal.graphql.types`, `portal.graphql.connections`, `portal.graphql.enums`: the types.
- `portal.graphql.relay`: opaque offset cursors and `first`/`after` checks.
- `portal.graphql.app`: `graphql_routes()`, the `/graphql` endpoint (a subclass of strawberry's
  ASGI app) and the GraphiQL explorer; `portal.server` composes it beside the site.
"""
