"""The 835 (005010X221A1) reader: remittances streamed from a file into the model.

``read_remittances(path)`` yields, per transaction set, a :class:`Remittance` header, each
:class:`ClaimPayment` as soon as it is complete, and :class:`RemittanceTotals` (PLB adjustments,
totals, warnings). It stands on the transaction stream (:mod:`edi837.x12.transactions`), which
hands over each claim whole; :mod:`.decoder` is the handler table, :mod:`.header` and
:mod:`.claim_payments` read the values (through pickers, by reference designator). Balances are
checked as the claims go by (:mod:`.balance`).
"""

from edi837.remit835.reader import RemittanceReader, read_advice, read_remittances

__all__ = ["RemittanceReader", "read_advice", "read_remittances"]
