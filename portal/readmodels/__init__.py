"""The read models: what the public reads, assembled from the system of record and the credit
rules, with personal data masked.

`credit_file` is one enterprise's credit file (企业信用档案), `lists` the public lists and their
counts, `ended` the entries that left a list (for the feeds), `masking` the masking of personal
data in free text on the way out. The site, GraphQL and the feeds all read these, so they always
agree on what is public. They sit above the rules and storage (portal.rules, portal.storage) and
below the web and GraphQL layers (the import contracts in pyproject.toml).
"""
