"""The ledger: one SQLite file holding what was submitted and what came back.

It allocates the envelope control numbers (ISA13, GS06, ST02) and claim numbers so they never
repeat, records each batch only once its file is completely written, and answers the history
questions of the payer rules (what was already billed for this member this month, ever...).
"""

from edi837.ledger.store import Ledger, default_ledger_path

__all__ = ["Ledger", "default_ledger_path"]
