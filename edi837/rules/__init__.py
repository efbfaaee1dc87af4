"""Rules: each finding has a rule ID, a severity, a source and a message that says what to do.

The payer's rule pack (``rules/partnership``) holds the ECM / Community Supports rules of
../shared/docs/billing-rules.md, each under its catalogue ID; ``rules/generic.py`` holds the
checks any 837P needs. ``docs/rules.md`` is generated from the registry.
"""
