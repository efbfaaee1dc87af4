"""Importing this registers the whole pack, in the catalogue's order."""

from edi837.rules.partnership import (  # noqa: F401  (registers on import)
    claims,
    codes,
    limits,
    nutrition,
    tar,
)
