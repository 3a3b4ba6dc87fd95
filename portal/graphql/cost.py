"""The cost of a GraphQL request, and the limit that refuses a dear one before it runs.

Depth, aliases and tokens are limited by strawberry's own extensions (`portal.graphql.schema`),
but none of them bounds the work: 30 aliases of `searchEnterprises(first: 100)` with facets pass
all three and take the embedded search for most of a second. The cost counts what a request can
make the portal do:

- every field that returns objects costs the number of objects it can return: 1, times the
  page sizes of the connections it is nested in. A connection's page is its `first` (or `last`)
  argument, from the query or its variables, at most `max_page_size`, or `page_size` when not
  given; it multiplies its `edges` (or `nodes`) and everything inside them, not its `pageInfo`
  or facets. Other lists (highlights, the records of a credit file) count as one each: the
  data, not the client, bounds them;
- a search costs SEARCH_COST more, and its facets FACETS_COST more (one grouped count per facet
  field over every match);
- scalar fields cost nothing; aliases and fragments count every time they are used.

The limit is `settings.graphql_max_cost`. The check is a validation rule, added per request by a
strawberry extension (the way its MaxAliasesLimiter adds one), so a refused request gets a
validation error with its cost and the limit, and nothing of it runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from portal.settings import Settings

# What one search costs beyond its results, and its facets beyond that: a search with facets
# takes about as long as reading a hundred credit-file rows (bench/RESULTS.md).
SEARCH_COST = 100
FACETS_COST = 100
# (type, field) -> extra cost of each time the field is resolved.
FIELD_COSTS = {
    ("Query", "searchEnterprises"): SEARCH_COST,
    ("EnterpriseSearchConnection", "facets"): FACETS_COST,
}
PAGE_ARGUMENTS = ("first", "last")
# The lists of a connection that its page size multiplies (Relay).
CONNECTION_LISTS = ("edges", "nodes")


class _Costing:
    """Walks one operation, with the page sizes of the settings and the request's variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        page_size: int,
        max_page_size: int,
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.page_size, self.max_page_size = page_size, max_page_size

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }[operation.operation]
        if root is None:
            return 0
        return self.selections(operation.selection_set, root, 1, None, ())

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        times: int,
        page: int | None,
        spreads: tuple[str, ...],
    ) -> int:
        """Cost of the fields selected on `parent`, each resolved `times` times; `page` is the
        page size when `parent` is a connection."""
        return sum(
            self.field(node, parent, times, page, spreads)
            for node in self._fields(selection_set, parent, spreads)
        )

    def _fields(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        spreads: tuple[str, ...],
    ) -> Iterator[FieldNode]:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set, parent, spreads)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in spreads:  # a cycle is another rule's
                    yield from self._fields(fragment.selection_set, parent, (*spreads, name))

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        times: int,
        page: int | None,
        spreads: tuple[str, ...],
    ) -> int:
        name = node.name.value
        if not isinstance(parent, GraphQLObjectType) or name not in parent.fields:
            return 0  # __typename, or an unknown field that validation reports
        definition = parent.fields[name]
        target = get_named_type(definition.type)
        if not isinstance(target, GraphQLObjectType):
            return 0  # scalars and enums
        if page and name in CONNECTION_LISTS:
            times *= page
        cost = times * (1 + FIELD_COSTS.get((parent.name, name), 0))
        child_page = None
        if any(argument in definition.args for argument in PAGE_ARGUMENTS):
            child_page = self._page(node)
        return cost + self.selections(node.selection_set, target, times, child_page, spreads)

    def _page(self, node: FieldNode) -> int:
        """The page size a connection field asks for, as the resolver will take it."""
        for argument in node.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value: Any = None
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return min(value, self.max_page_size)
        return self.page_size


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    settings: Settings,
) -> int:
    """The cost of the operation a request runs (of its dearest one when that is ambiguous)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    costing = _Costing(schema, fragments, variables, settings.page_size, settings.max_page_size)
    return max((costing.operation(o) for o in operations), default=0)


class QueryCostLimiter(SchemaExtension):
    """Refuses, at validation, a request whose cost is over the portal's `graphql_max_cost`."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        # The request's portal (GraphQLContext.portal), read without running any property: a
        # broken context must fail in the resolvers, where its error is reported.
        portal = getattr(execution.context, "__dict__", {}).get("portal")
        settings: Settings = portal.settings if portal is not None else Settings()
        operation_name = execution.operation_name
        variables = execution.variables or {}

        class QueryCostRule(ValidationRule):
            def __init__(self, context: ValidationContext) -> None:
                super().__init__(context)
                cost = query_cost(
                    context.schema, context.document, operation_name, variables, settings
                )
                limit = settings.graphql_max_cost
                if limit and cost > limit:
                    context.report_error(
                        GraphQLError(
                            f"查询代价为{cost},超过上限{limit}:请减少别名(alias)与检索次数、"
                            "分面(facets)或每页条数(first),或分多次查询",
                            extensions={"cost": cost, "maxCost": limit},
                        )
                    )

        execution.validation_rules = (*execution.validation_rules, QueryCostRule)
        yield
