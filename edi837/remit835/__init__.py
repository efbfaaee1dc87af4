"""The 835 (005010X221A1) reader: remittances streamed from a file into the model.

``read_remittances(path)`` yields, per transaction set, a :class:`Remittance` header, each
:class:`ClaimPayment` as soon as it is complete, and :class:`RemittanceTotals` (PLB adjustments,
totals, warnings). Balances are checked as the claims go by (:mod:`.balance`); CARC and RARC
codes are described by :mod:`.codes`. Only this package knows where 835 elements sit
(:mod:`.positions`).
"""

from edi837.remit835.reader import RemittanceReader, read_advice, read_remittances

__all__ = ["RemittanceReader", "read_advice", "read_remittances"]
