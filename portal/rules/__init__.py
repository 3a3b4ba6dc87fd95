"""The bureau's credit rules, as pure functions of records and an explicit `today`.

Every rule returns a decision that carries its reason, so the site, the API and the feeds can say
why something has its status and when that will change.

- colours.py: green / yellow / red warnings of due dates;
- red_warnings.py: a red warning becomes a published bad record;
- notices.py: rectification notices, their referral to enforcement, refusal → blacklist;
- periods.py: severities, display periods, credit repair;
- engine.py: `evaluate(facts, today)`, every rule for one enterprise (upgrades, lapses,
  explanations), and open_items.py, the one-enterprise-one-plan list;
- facts.py: the input records of one enterprise; job.py: `run_rules`, which writes what the rules
  derive (`portal rules`, `portal ingest`); model.py: the types they share.
"""

from portal.rules.colours import ColourDecision, add_months, due_date_colour, worst_colour

__all__ = ["ColourDecision", "add_months", "due_date_colour", "worst_colour"]
