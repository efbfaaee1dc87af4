"""Reconciliation: the state of every submitted claim and line, from the remittance events the
ledger holds (paid, partial, denied, reversed, outstanding), and what matched nothing."""
