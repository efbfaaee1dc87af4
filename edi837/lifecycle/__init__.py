"""The claim lifecycle: one state per claim, computed from its recorded events.

:mod:`.events` holds the facts and events the ledger supplies, :mod:`.machine` folds them into a
state and its money, :mod:`.advice` says what to do next and how old the claim is, and
``next_actions.toml`` is the data behind the words. Pure: no SQL, no files but that table.
"""

from edi837.lifecycle.machine import ClaimOutcome, Figures, LineOutcome, State, evaluate

__all__ = ["ClaimOutcome", "Figures", "LineOutcome", "State", "evaluate"]
