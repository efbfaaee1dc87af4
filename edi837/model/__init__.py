"""The data model: attrs classes, frozen, with slots. Money is Decimal, dates are date.

Outbound (what we bill): ClaimBatch -> BillingProvider -> Member -> Claim -> ServiceLine.
Inbound (what the payer sends back): see :mod:`edi837.model.remittance`.
"""
