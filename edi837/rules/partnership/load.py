"""Importing this registers the whole pack, in the catalogue's order."""

from edi837.rules.partnership import claims, codes, limits, tar  # noqa: F401  (order: catalogue)
