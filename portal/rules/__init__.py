"""The bureau's credit rules, as pure functions of records and an explicit `today`.

Every rule returns a decision that carries its reason, so the site, the API and the feeds can say
why something has its status and when that will change.
"""

from portal.rules.colours import ColourDecision, add_months, due_date_colour, worst_colour

__all__ = ["ColourDecision", "add_months", "due_date_colour", "worst_colour"]
